"""Blue: a stand-in for the Partner Management monolith (Flask on its PostgreSQL), for blue/green.

It serves the platform's HTTP API for what the monolith had — partners, contracts and their lifecycle,
campaigns with performance and permissions, commissions, Profile 360 from its own joins — on the
legacy schema exactly as it is (Spanish columns and values, naive UTC timestamps, appended performance
corrections, no budget limits, case-sensitive email uniqueness: the monolith's own behaviour). It
imports nothing of the platform: it is the other side. Same JWT key, issuer and audience; same error
shape. Served by waitress (``python -m hexa_monolith``), never Flask's development server.
"""
