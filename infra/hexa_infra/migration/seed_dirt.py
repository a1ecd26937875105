"""Production's dirt (``../shared/legacy/README.md``), a few rows of each problem class, on top of clean data.

Each addition is what the monolith really let through; the comment names the README's problem number.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .seed_generator import COLUMNS, Generator


def _set(generator: Generator, table: str, row_id: str, **changes: Any) -> None:
    rows = getattr(generator.data, table)
    columns = COLUMNS[table]
    for index, row in enumerate(rows):
        if row[0] == row_id:
            values = dict(zip(columns, row))
            values.update(changes)
            rows[index] = tuple(values[c] for c in columns)
            return
    raise KeyError(row_id)


def add_dirt(g: Generator, partners: list[dict[str, Any]]) -> None:
    rng = g.rng
    # 1. emails equal but for case or surrounding spaces, on later partners
    for original in partners[:3]:
        twin = g.partner()
        _set(g, "partners", twin["id"], email=f"  {original['email'].upper()} ")
        g.campaign(twin)  # its dependents follow it: rejected as "parent rejected"
    _set(g, "partners", g.partner()["id"], email=partners[3]["email"] + "\u00a0")  # a no-break space after it
    # 2. invalid emails (two on partners with contracts, campaigns, days and commissions: all of it follows)
    for partner, bad in zip(partners[15:17], ("sin-arroba.correo.example", "ana lopez@correo.example")):
        _set(g, "partners", partner["id"], email=bad)
    _set(g, "partners", g.partner()["id"], email="doble@@correo.example")
    # 3. enumerations with stray case or spaces, and values outside the domain
    stray = g.partner()
    _set(g, "partners", stray["id"], tipo="empresa", estado=" ACTIVO ")
    _set(g, "partners", g.partner()["id"], tipo="PROVEEDOR")
    _set(g, "contratos", g.contract(stray, state="ACTIVO")["id"], tipo="premium ")
    _set(g, "contratos", g.contract(partners[3])["id"], tipo="BASICO")
    _set(g, "campaigns", g.campaign(stray)["id"], estado="Paused")
    _set(g, "campaigns", g.campaign(partners[4])["id"], estado="ARCHIVED")
    # 4. campaigns whose partner_id matches no partner (no foreign key in the monolith)
    for _ in range(2):
        ghost = {
            "id": str(__import__("uuid").UUID(int=rng.getrandbits(128), version=4)),
            "created_at": g.tick(),
        }
        orphan = g.campaign(ghost)
        g.day(orphan, orphan["fecha_inicio"])
    # 5. campaign dates: end before start, end NULL, start NULL
    inverted = g.campaign(partners[5])
    _set(g, "campaigns", inverted["id"], fecha_fin=inverted["fecha_inicio"] - timedelta(days=3))
    _set(g, "campaigns", g.campaign(partners[6])["id"], fecha_fin=None)
    _set(g, "campaigns", g.campaign(partners[7])["id"], fecha_inicio=None)
    # 6. presupuesto NULL
    _set(g, "campaigns", g.campaign(partners[8])["id"], presupuesto=None)
    # 7. several performance rows for one (campaign, day): corrections appended; the latest is the truth
    host = g.campaign(partners[9], estado="ACTIVE")
    for offset in range(3):
        when = host["fecha_inicio"] + timedelta(days=offset)
        first = g.day(host, when)
        g.day(host, when, created=first["created_at"] + timedelta(hours=2))
        g.day(host, when, created=first["created_at"] - timedelta(hours=6))
    # 8. metricas irregular: keys missing, numbers as strings, money with more than two decimals, NULL
    odd = g.campaign(partners[10], estado="ACTIVE")
    start = odd["fecha_inicio"]
    g.day(odd, start, metricas={"impresiones": 1200, "clics": 30})
    g.day(
        odd,
        start + timedelta(days=1),
        metricas={"impresiones": "1200", "clics": "31", "conversiones": 2, "ingresos": "150.5", "gasto": 20},
    )
    g.day(
        odd,
        start + timedelta(days=2),
        metricas={"impresiones": 900, "clics": 12, "conversiones": 1, "ingresos": 99.995, "gasto": 10.004},
    )
    g.day(odd, start + timedelta(days=3), metricas="NULL")
    # 9. text: accents, ñ, emoji, and descriptions of up to 10,000 characters, byte for byte
    long_text = ("Campaña de señalización en Peñíscola 🌊 con acción «pequeña» y ñandúes. " * 200)[:10_000]
    g.campaign(partners[11], descripcion=long_text, nombre="Año Nuevo 🎉 — edición ñ")
    _set(g, "partners", partners[12]["id"], nombre="Íñigo Ñúñez 🎸 Ordóñez-Zúñiga")
    # 10. contracts ACTIVO with fecha_activacion NULL; terminos {}
    for partner in partners[13:15]:
        active = g.contract(partner, state="ACTIVO")
        _set(g, "contratos", active["id"], fecha_activacion=None, terminos=json.dumps({}))
    # 11. open budgets above what the partner's active contract allows today (ESTANDAR: 10,000.00)
    over = g.partner()
    _set(g, "partners", over["id"], estado="ACTIVO")
    g.contract(over, kind="ESTANDAR", state="ACTIVO")
    for budget in ("7000", "6000"):
        g.campaign(
            over,
            estado="ACTIVE",
            presupuesto=Decimal(budget),
            fecha_inicio=date(2026, 6, 1),
            fecha_fin=date(2026, 12, 31),
        )
