"""Building blocks every HexaBuilders context uses (deployed as the shared Lambda layer)."""
