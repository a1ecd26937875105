"""``hexa migrate backup`` / ``restore``: the legacy tables exactly as they were, provably.

A backup is ``legacy.dump`` (``pg_dump`` custom format of the five legacy tables) and ``manifest.json``:
each table's row count and content checksum, the dump's sha256, the server version and the time. The dump
and the checksums read one exported snapshot, so the manifest describes exactly the dump even while the
monolith keeps writing. The content checksum is order-independent and streamed: per row, the md5 of its
text form, summed as two 60-bit halves (no table has to fit in memory, and any changed, added or removed
row changes it). A restore refuses a dump whose sha256 differs from its manifest, replaces the legacy
tables with the dump's (``pg_restore --clean``, one transaction) and then checks every count and checksum
again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg

from .legacy_db import LEGACY_TABLES, LegacyError, connect

DUMP, MANIFEST = "legacy.dump", "manifest.json"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _tool(name: str) -> str:
    for candidate in (PG_BIN / name, shutil.which(name)):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    raise LegacyError(f"{name} not found (Debian package postgresql-client-15; or set PG_BIN)")


def table_states(dsn: str) -> dict[str, dict[str, Any]]:
    with connect(dsn) as conn:
        return _states(conn)


def _states(conn: Any) -> dict[str, dict[str, Any]]:
    states = {}
    for table in LEGACY_TABLES:
        row = conn.execute(
            f"SELECT count(*) AS rows, "
            f"coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) AS low, "
            f"coalesce(sum(('x' || substr(md5(t::text), 16, 15))::bit(60)::bigint), 0) AS high "
            f"FROM {table} t"
        ).fetchone()
        states[table] = {"rows": row["rows"], "checksum": f"{int(row['high']):x}-{int(row['low']):x}"}
    return states


def _tool_args(dsn: str) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore's connection: the DSN without its password on the command line (where any
    process can read it), the password in the child's environment instead."""
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    password = info.pop("password", None)
    env = {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}
    return ["--dbname", psycopg.conninfo.make_conninfo(**info)], env


def _last_line(done: subprocess.CompletedProcess) -> str:
    return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as dump:
        for block in iter(lambda: dump.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(dsn: str, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    tables = [arg for table in LEGACY_TABLES for arg in ("--table", f"public.{table}")]
    connection, env = _tool_args(dsn)
    with connect(dsn, autocommit=False) as conn:  # one snapshot for the dump *and* the manifest's checksums
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot() AS id").fetchone()["id"]
        version = conn.execute("SHOW server_version").fetchone()["server_version"]
        done = subprocess.run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *tables,
                f"--snapshot={snapshot}",
                "--file",
                str(out / DUMP),
                *connection,
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode != 0:
            raise LegacyError(f"pg_dump failed: {_last_line(done)}")
        states = _states(conn)
        conn.rollback()
    manifest = {
        "format": "pg_dump custom",
        "dump": DUMP,
        "sha256": _sha256(out / DUMP),
        "server_version": version,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tables": states,
        "seconds": round(time.monotonic() - started, 2),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(dsn: str, source: Path) -> dict[str, Any]:
    """Returns {"seconds", "tables": {table: {"rows", "checksum", "matches"}}}; raises if the dump does not
    match its manifest or the restored tables do not."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise LegacyError(f"no readable {MANIFEST} in {source}: {error}") from None
    dump = source / manifest.get("dump", DUMP)
    if not dump.is_file():
        raise LegacyError(f"{dump} is missing")
    if _sha256(dump) != manifest.get("sha256"):
        raise LegacyError(f"{dump} does not match its manifest (sha256 differs): refusing to restore it")
    started = time.monotonic()
    connection, env = _tool_args(dsn)
    done = subprocess.run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *connection,
            str(dump),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise LegacyError(f"pg_restore failed: {_last_line(done)}")
    states = table_states(dsn)
    checked = {t: {**states[t], "matches": states[t] == manifest["tables"].get(t)} for t in LEGACY_TABLES}
    result = {"seconds": round(time.monotonic() - started, 2), "tables": checked}
    if not all(c["matches"] for c in checked.values()):
        wrong = [t for t, c in checked.items() if not c["matches"]]
        raise LegacyError(f"restored, but {', '.join(wrong)} differ from the manifest's counts/checksums")
    return result
