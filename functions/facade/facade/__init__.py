"""The blue/green facade: one URL for clients, each partner's requests to one side (the monolith, blue,
or the platform, green), moved blue → green by a percentage that only ever moves whole partners."""
