"""Moving the monolith's PostgreSQL data into the platform: analyze, backup, load, verify, restore.

The contexts' packages (``functions/<context>``) are made importable here, as Lambda's ``CodeUri``
does: the migration maps legacy rows to each context's own domain objects and writes them through each
context's own migration use cases and adapters.
"""

from __future__ import annotations

from hexa_infra.function_code import use_function_packages

use_function_packages()
