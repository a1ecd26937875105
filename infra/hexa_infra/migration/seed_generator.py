"""The monolith's data, generated: realistic Spanish-language partners and everything they own.

Used by :mod:`hexa_infra.migration.seed` (which writes it) and :mod:`hexa_infra.migration.seed_dirt`
(which adds production's data-quality problems to it). Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


# word lists, kept as tables
# fmt: off
FIRST = [
    "María", "José", "Lucía", "Ángel", "Íñigo", "Begoña", "Sofía", "Martín", "Nuria", "Raúl", "Ainhoa",
    "Jesús", "Rocío", "Adrián", "Irene", "Óscar", "Paula", "Sergio", "Noelia", "Álvaro"
]
LAST = [
    "Núñez", "Peña", "García", "Muñoz", "Ibáñez", "López", "Sánchez", "Martínez", "Castaño", "Fernández",
    "Gómez", "Díaz", "Ordóñez", "Rodríguez", "Zúñiga", "Jiménez", "Álvarez", "Romero"
]
COMPANY = [
    "Soluciones", "Distribuciones", "Tecnologías", "Construcciones", "Viñedos", "Logística", "Diseño",
    "Cerámica", "Artesanía", "Energías"
]
# fmt: on
PLACES = ["Ñandú", "Peñalara", "del Cantábrico", "Andaluza", "Montaña", "Ibérica", "Costa Brava", "Galicia"]
EMOJI = ["🌟", "🚀", "💡", "🎯", "🌿", "📸"]
WORDS = (
    "campaña de otoño para la región con énfasis en ventas digitales y acción comercial en tiendas "
    "físicas, promoción señalada por la dirección, público joven, mañana y tarde"
).split()
COUNTRIES = ["ES"] * 12 + ["MX", "AR", "CO", "PT", "CL"]
TYPES = ["EMPRESA", "INDIVIDUAL", "AGENCIA", "INFLUENCER"]
CONTRACT_TYPES = ["ESTANDAR", "ESTANDAR", "PREMIUM", "EMPRESARIAL"]
CONTRACT_STATES = ["BORRADOR", "PENDIENTE_FIRMA", "FIRMADO", "ACTIVO", "ACTIVO", "ACTIVO", "TERMINADO"]
CAMPAIGN_STATES = ["ACTIVE", "ACTIVE", "PAUSED", "COMPLETED", "CANCELLED"]
PROBLEMS = (
    "email-case-duplicate",
    "invalid-email",
    "enum-stray",
    "enum-outside",
    "campaign-orphan",
    "campaign-dates",
    "budget-null",
    "performance-duplicates",
    "metrics-irregular",
    "text",
    "contract-active-no-date",
    "budget-over-limit",
)
TODAY = date(2026, 11, 30)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Legacy:
    """Rows ready for COPY, per table, in column order."""

    partners: list[tuple] = field(default_factory=list)
    contratos: list[tuple] = field(default_factory=list)
    campaigns: list[tuple] = field(default_factory=list)
    campaign_performance: list[tuple] = field(default_factory=list)
    comisiones: list[tuple] = field(default_factory=list)


# fmt: off
COLUMNS = {
    "partners": ("id", "nombre", "email", "tipo", "pais", "telefono", "identificacion_fiscal",
                 "tasa_comision", "estado", "created_at", "updated_at"),
    "contratos": ("id", "partner_id", "tipo", "estado", "terminos", "firmado_por", "fecha_firma",
                  "fecha_activacion", "motivo_terminacion", "created_at", "updated_at"),
    "campaigns": ("id", "partner_id", "nombre", "descripcion", "presupuesto", "estado", "fecha_inicio",
                  "fecha_fin", "created_at", "updated_at"),
    "campaign_performance": ("id", "campaign_id", "metricas", "fecha", "created_at"),
    "comisiones": ("id", "partner_id", "campaign_id", "fecha", "base", "tasa", "monto", "created_at"),
}
# fmt: on


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.data = Legacy()
        self.moment = datetime(2024, 1, 8, 9, 0, 0)

    def tick(self) -> datetime:
        self.moment += timedelta(
            seconds=self.rng.randint(30, 3000), microseconds=self.rng.randint(0, 999_999)
        )
        return self.moment

    def partner(self) -> dict[str, Any]:
        rng, kind = self.rng, self.rng.choice(TYPES)
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
        name = {
            "EMPRESA": f"{rng.choice(COMPANY)} {rng.choice(PLACES)} S.L.",
            "AGENCIA": f"Agencia {rng.choice(LAST)} & Asociados",
            "INFLUENCER": f"{person.split()[0]} {rng.choice(EMOJI)}",
        }.get(kind, person)
        handle = person.lower().translate(str.maketrans("áéíóúñü", "aeiounu")).replace(" ", ".")
        created = self.tick()
        row = {
            "id": _uuid(rng),
            "nombre": name,
            "email": f"{handle}.{rng.randint(1, 10**6)}@correo.example",
            "tipo": kind,
            "pais": rng.choice(COUNTRIES),
            "telefono": (
                f"+346{rng.randint(10**7, 10**8 - 1)}"
                if rng.random() < 0.8
                else f"+34 6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
            ),
            "identificacion_fiscal": f"B{rng.randint(10**7, 10**8 - 1)}",
            "tasa_comision": Decimal(rng.choice(["0.0500", "0.1000", "0.1250", "0.1500", "0.2000"])),
            "estado": "ACTIVO" if rng.random() > 0.08 else "INACTIVO",
            "created_at": created,
            "updated_at": created + timedelta(days=rng.randint(0, 90)),
        }
        self.data.partners.append(tuple(row[c] for c in COLUMNS["partners"]))
        return row

    def contract(
        self, partner: dict[str, Any], *, kind: str | None = None, state: str | None = None
    ) -> dict[str, Any]:
        rng = self.rng
        kind, state = kind or rng.choice(CONTRACT_TYPES), state or rng.choice(CONTRACT_STATES)
        created = partner["created_at"] + timedelta(hours=rng.randint(1, 200))
        signed = (
            created + timedelta(days=rng.randint(1, 20))
            if state in ("FIRMADO", "ACTIVO", "TERMINADO")
            else None
        )
        activated = (
            signed + timedelta(days=rng.randint(0, 5))
            if signed and state in ("ACTIVO", "TERMINADO")
            else None
        )
        terms = (
            {
                "comision_base": f"{rng.choice([5, 8, 10])}%",
                "pago": rng.choice(["mensual", "trimestral"]),
                "notas": "Cláusula de exclusividad en la región",
            }
            if rng.random() > 0.3
            else {}
        )
        row = {
            "id": _uuid(rng),
            "partner_id": partner["id"],
            "tipo": kind,
            "estado": state,
            "terminos": json.dumps(terms, ensure_ascii=False),
            "firmado_por": partner["nombre"] if signed else None,
            "fecha_firma": signed,
            "fecha_activacion": activated,
            "motivo_terminacion": "Fin de la colaboración" if state == "TERMINADO" else None,
            "created_at": created,
            "updated_at": activated or signed or created,
        }
        self.data.contratos.append(tuple(row[c] for c in COLUMNS["contratos"]))
        return row

    def campaign(self, partner: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        rng = self.rng
        start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 600))
        words = rng.randint(5, 40)
        row = {
            "id": _uuid(rng),
            "partner_id": partner["id"],
            "nombre": f"Campaña {rng.choice(['Otoño', 'Navidad', 'Rebajas', 'Verano', 'Lanzamiento'])} "
            f"{rng.choice(PLACES)}",
            "descripcion": " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + ".",
            "presupuesto": Decimal(rng.randint(5, 400) * 25),
            "estado": rng.choice(CAMPAIGN_STATES),
            "fecha_inicio": start,
            "fecha_fin": start + timedelta(days=rng.randint(20, 200)),
            "created_at": datetime.combine(start, datetime.min.time()) - timedelta(days=rng.randint(1, 10)),
            "updated_at": None,
        }
        row["updated_at"] = row["created_at"] + timedelta(hours=5)
        row.update(overrides)
        self.data.campaigns.append(tuple(row[c] for c in COLUMNS["campaigns"]))
        return row

    def day(
        self, campaign: dict[str, Any], when: date, *, metricas: Any = None, created: datetime | None = None
    ) -> dict[str, Any]:
        rng = self.rng
        impressions = rng.randint(200, 20000)
        clicks = rng.randint(0, impressions // 20)
        metrics = (
            metricas
            if metricas is not None
            else {
                "impresiones": impressions,
                "clics": clicks,
                "conversiones": rng.randint(0, max(clicks // 5, 0)),
                "ingresos": float(Decimal(rng.randint(0, 90000)) / 100),
                "gasto": float(Decimal(rng.randint(100, 9000)) / 100),
            }
        )
        row = {
            "id": _uuid(rng),
            "campaign_id": campaign["id"],
            "metricas": None if metrics == "NULL" else json.dumps(metrics, ensure_ascii=False),
            "fecha": when,
            "created_at": created or datetime.combine(when, datetime.min.time()) + timedelta(hours=23),
        }
        self.data.campaign_performance.append(tuple(row[c] for c in COLUMNS["campaign_performance"]))
        return row

    def commission(self, partner: dict[str, Any], campaign: dict[str, Any], day: dict[str, Any]) -> None:
        base = _cents(Decimal(str(json.loads(day["metricas"])["ingresos"])))
        rate = partner["tasa_comision"]
        row = {
            "id": _uuid(self.rng),
            "partner_id": partner["id"],
            "campaign_id": campaign["id"],
            "fecha": day["fecha"],
            "base": base,
            "tasa": rate,
            "monto": _cents(base * rate),
            "created_at": day["created_at"] + timedelta(hours=1),
        }
        self.data.comisiones.append(tuple(row[c] for c in COLUMNS["comisiones"]))

    def business(self, partners: int) -> list[dict[str, Any]]:
        """The clean data, consistent as the monolith's good rows are: ~85% of partners hold an ACTIVO
        contract whose limit covers their open campaigns; the others (and every INACTIVO partner) only
        have closed campaigns and no running contract. ~2.5 campaigns per partner, ~6 days each, a
        commission on about one day in three."""
        made, rng = [], self.rng
        for _ in range(partners):
            partner = self.partner()
            made.append(partner)
            running = partner["estado"] == "ACTIVO" and rng.random() < 0.85
            open_total = Decimal(0)
            for _ in range(rng.choice([2, 2, 3, 3])):
                state = rng.choice(CAMPAIGN_STATES) if running else rng.choice(["COMPLETED", "CANCELLED"])
                campaign = self.campaign(partner, estado=state)
                if state in ("ACTIVE", "PAUSED"):
                    open_total += campaign["presupuesto"]
                days = sorted(
                    {campaign["fecha_inicio"] + timedelta(days=rng.randint(0, 19)) for _ in range(6)}
                )
                for when in days:
                    if when <= TODAY:
                        row = self.day(campaign, when)
                        if rng.random() < 0.35:
                            self.commission(partner, campaign, row)
            if running:
                kind = (
                    "ESTANDAR"
                    if open_total <= 10000 and rng.random() < 0.6
                    else ("PREMIUM" if open_total <= 50000 else "EMPRESARIAL")
                )
                self.contract(partner, kind=kind, state="ACTIVO")
            if rng.random() < 0.4 or not running:
                self.contract(
                    partner,
                    state=rng.choice(["BORRADOR", "PENDIENTE_FIRMA", "FIRMADO", "TERMINADO"])
                    if partner["estado"] == "ACTIVO"
                    else "TERMINADO",
                )
        return made


def generate(partners: int, *, dirty: bool, seed: int = 42) -> Legacy:
    generator = Generator(seed)
    made = generator.business(partners)
    if dirty:
        from .seed_dirt import add_dirt

        add_dirt(generator, made)
    return generator.data
