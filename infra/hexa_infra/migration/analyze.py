"""``hexa migrate analyze``: the migration guide's phase 1.1 as a report, before anything moves.

The legacy tables with their row counts, foreign keys and the references the monolith only implies
(``campaigns.partner_id`` has no foreign key), which context owns each table, a data-quality profile —
rows per problem class of ``../shared/legacy/README.md``, counted in SQL straight from the data — and
what the migration will make of every row (the plan, :mod:`.plan`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from campaign_management.domain.permissions import LIMITS
from partner_management.domain.partner import EMAIL

from . import plan
from .legacy_db import LEGACY_TABLES, connect
from .mapping import CAMPAIGN_STATES, CONTRACT_STATES, CONTRACT_TYPES, PARTNER_STATES, PARTNER_TYPES

OWNERS = {
    "partners": "Partner Management (partners; Onboarding and Campaign Management keep facts of them)",
    "contratos": "Onboarding (contracts; Campaign Management derives permissions)",
    "campaigns": "Campaign Management",
    "campaign_performance": "Campaign Management (daily performance)",
    "comisiones": "Partner Management (commission ledger)",
}
IMPLIED = [("campaigns", "partner_id", "partners", "id")]  # references the monolith never declared
# the mapping's own rules, in SQL (so the profile counts what the migration will meet)
_LIMIT_CASE = " ".join(
    f"WHEN '{legacy}' THEN {LIMITS[platform]}" for legacy, platform in CONTRACT_TYPES.items()
)
EMAIL_OK = EMAIL.pattern


def _enum_sql(table: str, column: str, domain: Any) -> tuple[str, str]:
    values = ", ".join(f"'{v}'" for v in domain)
    return (
        f"SELECT count(*) AS n FROM {table} WHERE {column} NOT IN ({values}) AND upper(btrim({column})) IN "
        f"({values})",
        f"SELECT count(*) AS n FROM {table} WHERE {column} IS NULL OR upper(btrim({column})) NOT IN "
        f"({values})",
    )


PROFILE: list[tuple[str, str, str]] = [  # (README problem, what is counted, SQL returning n)
    (
        "1",
        "partners whose email equals another's but for case or spaces",
        "SELECT count(*) AS n FROM (SELECT count(*) OVER (PARTITION BY lower(regexp_replace(email, "
        "'^\\s+|\\s+$', '', "
        "'g'))) AS c FROM partners) d WHERE c > 1",
    ),
    (
        "2",
        "partners with an invalid email",
        f"SELECT count(*) AS n FROM partners WHERE email IS NULL OR lower(btrim(email)) !~ '{EMAIL_OK}'",
    ),
    *[
        ("3", f"{table}.{column} {what}", _enum_sql(table, column, domain)[index])
        for table, column, domain in (
            ("partners", "tipo", PARTNER_TYPES),
            ("partners", "estado", PARTNER_STATES),
            ("contratos", "tipo", CONTRACT_TYPES),
            ("contratos", "estado", CONTRACT_STATES),
            ("campaigns", "estado", CAMPAIGN_STATES),
        )
        for index, what in ((0, "with stray case or spaces"), (1, "outside the domain"))
    ],
    (
        "4",
        "campaigns whose partner_id matches no partner",
        "SELECT count(*) AS n FROM campaigns c WHERE NOT EXISTS (SELECT 1 FROM partners p WHERE p.id = "
        "c.partner_id)",
    ),
    (
        "5",
        "campaigns with fecha_fin before fecha_inicio",
        "SELECT count(*) AS n FROM campaigns WHERE fecha_fin < fecha_inicio",
    ),
    (
        "5",
        "campaigns with fecha_inicio or fecha_fin NULL",
        "SELECT count(*) AS n FROM campaigns WHERE fecha_inicio IS NULL OR fecha_fin IS NULL",
    ),
    ("6", "campaigns with presupuesto NULL", "SELECT count(*) AS n FROM campaigns WHERE presupuesto IS NULL"),
    (
        "7",
        "performance rows sharing their (campaign, day) with another",
        "SELECT count(*) AS n FROM (SELECT count(*) OVER (PARTITION BY campaign_id, fecha) AS c "
        "FROM campaign_performance) d WHERE c > 1",
    ),
    (
        "8",
        "performance rows with metricas NULL",
        "SELECT count(*) AS n FROM campaign_performance WHERE metricas IS NULL",
    ),
    (
        "8",
        "performance rows with a metric key missing",
        "SELECT count(*) AS n FROM campaign_performance WHERE metricas IS NOT NULL AND NOT metricas ?& "
        "array['impresiones', 'clics', 'conversiones', 'ingresos', 'gasto']",
    ),
    (
        "8",
        "performance rows with a number stored as text",
        "SELECT count(*) AS n FROM campaign_performance WHERE EXISTS (SELECT 1 FROM jsonb_each(metricas) e "
        "WHERE jsonb_typeof(e.value) = 'string')",
    ),
    (
        "8",
        "performance rows with money of more than two decimals",
        "SELECT count(*) AS n FROM campaign_performance WHERE EXISTS (SELECT 1 FROM jsonb_each(metricas) e "
        "WHERE e.key IN ('ingresos', 'gasto') AND jsonb_typeof(e.value) = 'number' AND e.value::text ~ "
        "'\\.\\d{3,}')",
    ),
    (
        "9",
        "names or descriptions beyond ASCII (accents, ñ, emoji: carried byte for byte)",
        "SELECT (SELECT count(*) FROM partners WHERE nombre ~ '[^\\x01-\\x7e]') + (SELECT count(*) FROM "
        "campaigns "
        "WHERE nombre ~ '[^\\x01-\\x7e]' OR descripcion ~ '[^\\x01-\\x7e]') AS n",
    ),
    (
        "9",
        "longest campaign description (characters)",
        "SELECT coalesce(max(length(descripcion)), 0) AS n FROM campaigns",
    ),
    (
        "10",
        "ACTIVO contracts with fecha_activacion NULL",
        "SELECT count(*) AS n FROM contratos WHERE upper(btrim(estado)) = 'ACTIVO' AND fecha_activacion IS "
        "NULL",
    ),
    (
        "10",
        "contracts with empty terminos",
        "SELECT count(*) AS n FROM contratos WHERE terminos = '{}'::jsonb",
    ),
    (
        "11",
        "partners whose open budgets exceed their active contract's limit",
        f"""SELECT count(*) AS n FROM (
           SELECT c.partner_id, sum(c.presupuesto) AS open_total, coalesce(max(l.limit_), 0) AS limit_
           FROM campaigns c LEFT JOIN (
               SELECT partner_id, CASE upper(btrim(tipo)) {_LIMIT_CASE} ELSE 0 END AS limit_
               FROM contratos WHERE upper(btrim(estado)) = 'ACTIVO') l USING (partner_id)
           WHERE upper(btrim(c.estado)) IN ('ACTIVE', 'PAUSED')
             AND EXISTS (SELECT 1 FROM partners p WHERE p.id = c.partner_id)  -- orphans are #4
           GROUP BY c.partner_id) o
         WHERE open_total > limit_""",
    ),
]


@dataclass
class Analysis:
    tables: dict[str, int] = field(default_factory=dict)
    foreign_keys: list[str] = field(default_factory=list)
    implied: list[str] = field(default_factory=list)
    profile: list[tuple[str, str, int]] = field(default_factory=list)
    plan: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "tables": {t: {"rows": n, "owner": OWNERS[t]} for t, n in self.tables.items()},
            "foreign_keys": self.foreign_keys,
            "implied_references": self.implied,
            "data_quality": [{"problem": p, "what": w, "rows": n} for p, w, n in self.profile],
            "plan": self.plan,
        }


def analyze(dsn: str) -> Analysis:
    result = Analysis()
    with connect(dsn) as conn:
        for table in LEGACY_TABLES:
            result.tables[table] = conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]
        result.foreign_keys = [
            row["fk"]
            for row in conn.execute(
                "SELECT conrelid::regclass::text || ' → ' || confrelid::regclass::text || ' ('"
                " || pg_get_constraintdef(oid) || ')' AS fk FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid::regclass::text = ANY(%s) ORDER BY 1",
                (list(LEGACY_TABLES),),
            )
        ]
        for table, column, target, key in IMPLIED:
            orphans = conn.execute(
                f"SELECT count(*) AS n FROM {table} t WHERE NOT EXISTS "
                f"(SELECT 1 FROM {target} x WHERE x.{key} = t.{column})"
            ).fetchone()["n"]
            result.implied.append(
                f"{table}.{column} → {target}.{key} (no foreign key; {orphans} rows match nothing)"
            )
        result.profile = [
            (problem, what, conn.execute(sql).fetchone()["n"]) for problem, what, sql in PROFILE
        ]
    table = plan.build(dsn, "analysis")
    with connect(dsn) as conn:
        result.plan = plan.counts(conn, table)
    return result
