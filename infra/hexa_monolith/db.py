"""A connection pool on the monolith's PostgreSQL; each request borrows one connection (a transaction)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool


class Database:
    def __init__(self, dsn: str, size: int = 8) -> None:
        self.pool = ConnectionPool(
            dsn, min_size=1, max_size=size, kwargs={"row_factory": dict_row}, open=True, name="hexa-monolith"
        )

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.pool.connection() as conn:  # commits on success, rolls back on an exception
            yield conn

    def close(self) -> None:
        self.pool.close()
