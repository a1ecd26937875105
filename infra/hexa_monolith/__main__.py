"""``python -m hexa_monolith``: the monolith stand-in served by waitress (never Flask's dev server).

Configuration from the environment, so no secret is on a command line: ``LEGACY_DATABASE_URL``,
``HEXA_JWT_SECRET`` (the platform's signing key), ``JWT_ISSUER``, ``JWT_AUDIENCE``, ``BLUE_HOST``
(127.0.0.1) and ``BLUE_PORT`` (5000, the migration guide's port).
"""

from __future__ import annotations

import os

from waitress import serve

from .app import create_app


def main() -> None:
    app = create_app(
        os.environ["LEGACY_DATABASE_URL"],
        os.environ["HEXA_JWT_SECRET"],
        os.environ.get("JWT_ISSUER", "hexabuilders"),
        os.environ.get("JWT_AUDIENCE", "hexabuilders-api"),
    )
    serve(
        app,
        host=os.environ.get("BLUE_HOST", "127.0.0.1"),
        port=int(os.environ.get("BLUE_PORT", "5000")),
        threads=8,
        ident="hexa-monolith",
    )


if __name__ == "__main__":
    main()
