"""Backup → damage → restore → the legacy tables exactly as backed up (counts and content checksums);
a dump that does not match its manifest is refused; nothing restores without --yes."""

from __future__ import annotations

import json

import psycopg

from hexa_infra.migration.backup import table_states
from support import run_hexa


def test_backup_damage_restore_gives_identical_checksums(legacy_dsn: str, tmp_path) -> None:  # noqa: ANN001
    assert (
        run_hexa("legacy", "seed", "--legacy-dsn", legacy_dsn, "--partners", "30", "--dirty").returncode == 0
    )
    before = table_states(legacy_dsn)
    backed = run_hexa("migrate", "backup", "--legacy-dsn", legacy_dsn, "--out", str(tmp_path / "bk"))
    assert backed.returncode == 0, backed.stderr
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["tables"] == before and len(manifest["sha256"]) == 64
    assert manifest["server_version"].startswith("15.") and manifest["format"] == "pg_dump custom"

    with psycopg.connect(legacy_dsn, autocommit=True) as conn:  # an operator's bad afternoon
        conn.execute(
            "UPDATE partners SET nombre = 'Dañado' WHERE id = (SELECT id FROM partners ORDER BY id LIMIT 1)"
        )
        conn.execute("DELETE FROM comisiones WHERE id IN (SELECT id FROM comisiones ORDER BY id LIMIT 5)")
        conn.execute(
            "INSERT INTO campaigns (id, partner_id, nombre) VALUES (gen_random_uuid(), gen_random_uuid(), "
            "'x')"
        )
        conn.execute("DROP TABLE campaign_performance")
    assert (
        run_hexa("migrate", "restore", "--legacy-dsn", legacy_dsn, "--from", str(tmp_path / "bk")).returncode
        == 2
    )
    restored = run_hexa(
        "migrate", "restore", "--legacy-dsn", legacy_dsn, "--from", str(tmp_path / "bk"), "--yes"
    )
    assert restored.returncode == 0, restored.stderr
    assert "every table matches its manifest" in restored.stdout
    assert table_states(legacy_dsn) == before


def test_a_damaged_dump_is_refused(legacy_dsn: str, tmp_path) -> None:  # noqa: ANN001
    assert run_hexa("legacy", "seed", "--legacy-dsn", legacy_dsn, "--partners", "5").returncode == 0
    assert run_hexa("migrate", "backup", "--legacy-dsn", legacy_dsn, "--out", str(tmp_path)).returncode == 0
    with open(tmp_path / "legacy.dump", "r+b") as dump:
        dump.seek(200)
        dump.write(b"\x00\x01\x02")
    refused = run_hexa("migrate", "restore", "--legacy-dsn", legacy_dsn, "--from", str(tmp_path), "--yes")
    assert refused.returncode == 2 and "does not match its manifest" in refused.stderr
