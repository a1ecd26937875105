"""Contracts as the monolith keeps them (``contratos``: a row with its state, no history).

The monolith has no versions: the one it answers (also the ``ETag`` for ``If-Match``) is its place in
the lifecycle (DRAFT 1 … ACTIVE 4, TERMINATED 5), so it is not comparable with the platform's event
count. Its history (``/events``) is told from the row's dates.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Callable

from flask import Blueprint, current_app, request

from . import requests as req
from .errors import Conflict, IllegalTransition, Malformed, NotFound, PreconditionFailed, invalid
from .vocabulary import (
    CONTRACT_ORDER,
    CONTRACT_STATES,
    CONTRACT_TYPES,
    PARTNER_STATES,
    english,
    now,
    timestamp,
)

contracts = Blueprint("contracts", __name__)


def version(row: dict[str, Any]) -> int:
    state = (row["estado"] or "").strip().upper()
    return CONTRACT_ORDER.index(state) + 1 if state in CONTRACT_ORDER else len(CONTRACT_ORDER) + 1


def view(row: dict[str, Any]) -> dict[str, Any]:
    terms = row["terminos"] if isinstance(row["terminos"], dict) else json.loads(row["terminos"] or "{}")
    return {
        "contract_id": str(row["id"]),
        "partner_id": str(row["partner_id"]),
        "contract_type": english(CONTRACT_TYPES, row["tipo"]),
        "status": english(CONTRACT_STATES, row["estado"]),
        "terms": terms,
        "version": version(row),
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
        "signed_by": row["firmado_por"],
        "termination_reason": row["motivo_terminacion"],
    }


def answer(row: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    return view(row), 200, {"ETag": f'"{version(row)}"'}


def load(conn: Any, contract_id: str, *, lock: bool = False) -> dict[str, Any]:
    row = (
        conn.execute(
            "SELECT * FROM contratos WHERE id = %s" + (" FOR UPDATE" if lock else ""), (contract_id,)
        ).fetchone()
        if req.UUID.fullmatch(contract_id)
        else None
    )
    if row is None:
        raise NotFound("contract not found")
    req.caller().require_partner(str(row["partner_id"]), "contract")
    return row


@contracts.post("/contracts")
def create() -> tuple[dict[str, Any], int, dict[str, str]]:
    req.caller().require_admin()
    data = req.body("partner_id", "contract_type", "terms")
    partner_id = req.uuid(data.get("partner_id"), "partner_id")
    terms = data.get("terms", {})
    if not isinstance(terms, dict):
        raise invalid("terms", "must be an object")
    with current_app.db.transaction() as conn:
        partner = conn.execute("SELECT estado FROM partners WHERE id = %s", (partner_id,)).fetchone()
        if partner is None:
            raise invalid("partner_id", "not a registered partner")
        if english(PARTNER_STATES, partner["estado"]) == "DEACTIVATED":
            raise Conflict(f"partner {partner_id} is deactivated: it takes no new contracts")
        row = conn.execute(
            "INSERT INTO contratos (id, partner_id, tipo, estado, terminos, created_at, updated_at) "
            "VALUES (%s, %s, %s, 'BORRADOR', %s, %s, %s) RETURNING *",
            (
                str(uuid.uuid4()),
                partner_id,
                req.choice(data, "contract_type", CONTRACT_TYPES),
                json.dumps(terms),
                now(),
                now(),
            ),
        ).fetchone()
    body, _, headers = answer(row)
    return body, 201, headers


@contracts.get("/contracts")
def list_all() -> dict[str, Any]:
    limit, after = req.page()
    where, params = ["id > %s"], [after]
    partner = req.caller().scope(request.args.get("partner_id"))
    if partner:
        where.append("partner_id = %s")
        params.append(req.uuid(partner, "partner_id"))
    if request.args.get("status"):
        where.append("upper(btrim(estado)) = %s")
        params.append(next((k for k, v in CONTRACT_STATES.items() if v == request.args["status"]), "?"))
    with current_app.db.transaction() as conn:
        rows = conn.execute(
            f"SELECT * FROM contratos WHERE {' AND '.join(where)} ORDER BY id LIMIT %s", (*params, limit)
        ).fetchall()
    return {"items": [view(r) for r in rows], "next_token": req.next_token(rows, limit)}


@contracts.get("/contracts/<contract_id>")
def get_one(contract_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    with current_app.db.transaction() as conn:
        return answer(load(conn, contract_id))


@contracts.get("/contracts/<contract_id>/events")
def history(contract_id: str) -> dict[str, Any]:
    with current_app.db.transaction() as conn:
        row = load(conn, contract_id)
    steps = [
        ("ContractDrafted", row["created_at"], {"contract_type": english(CONTRACT_TYPES, row["tipo"])}),
        ("ContractSigned", row["fecha_firma"], {"signed_by": row["firmado_por"]}),
        ("ContractActivated", row["fecha_activacion"], {}),
    ]
    if english(CONTRACT_STATES, row["estado"]) == "TERMINATED":
        steps.append(("ContractTerminated", row["updated_at"], {"reason": row["motivo_terminacion"]}))
    known = [(kind, at, data) for kind, at, data in steps if at is not None]
    return {
        "items": [
            {"version": n, "event_type": kind, "occurred_at": timestamp(at), "data": data}
            for n, (kind, at, data) in enumerate(known, start=1)
        ],
        "next_token": None,
    }


def _change(
    contract_id: str,
    allowed: tuple[str, ...],
    action: str,
    apply: Callable[[Any, dict[str, Any]], Any],
    admin_only: bool = True,
) -> tuple[dict[str, Any], int, dict[str, str]]:
    if admin_only:
        req.caller().require_admin()
    expected = request.headers.get("If-Match")
    with current_app.db.transaction() as conn:
        row = load(conn, contract_id, lock=True)
        if expected is not None:
            text = expected.strip().removeprefix("W/").strip('"')
            if not text.isdigit():
                raise Malformed("If-Match must be a version number", [("If-Match", "not a version")])
            if int(text) != version(row):
                raise PreconditionFailed(f"contract is at version {version(row)}, not {text}")
        state = (row["estado"] or "").strip().upper()
        if state not in allowed:
            raise IllegalTransition(
                f"cannot {action} a contract in status {english(CONTRACT_STATES, row['estado'])}"
            )
        return answer(apply(conn, row))


def _set(conn: Any, contract_id: str, assignments: str, *params: Any) -> dict[str, Any]:
    return conn.execute(
        f"UPDATE contratos SET {assignments}, updated_at = %s WHERE id = %s RETURNING *",
        (*params, now(), contract_id),
    ).fetchone()


@contracts.patch("/contracts/<contract_id>/terms")
def amend(contract_id: str) -> Any:
    terms = req.body("terms").get("terms")
    if not isinstance(terms, dict):
        raise invalid("terms", "must be an object")
    return _change(
        contract_id,
        ("BORRADOR",),
        "amend the terms of",
        lambda conn, row: _set(conn, contract_id, "terminos = %s", json.dumps(terms)),
    )


@contracts.post("/contracts/<contract_id>/submit")
def submit(contract_id: str) -> Any:
    req.body()
    return _change(
        contract_id,
        ("BORRADOR",),
        "submit",
        lambda conn, row: _set(conn, contract_id, "estado = 'PENDIENTE_FIRMA'"),
    )


@contracts.post("/contracts/<contract_id>/sign")
def sign(contract_id: str) -> Any:
    signer = req.text(req.body("signed_by"), "signed_by")
    return _change(
        contract_id,
        ("PENDIENTE_FIRMA",),
        "sign",
        lambda conn, row: _set(
            conn, contract_id, "estado = 'FIRMADO', firmado_por = %s, fecha_firma = %s", signer, now()
        ),
        admin_only=False,
    )


@contracts.post("/contracts/<contract_id>/activate")
def activate(contract_id: str) -> Any:
    req.body()
    return _change(
        contract_id,
        ("FIRMADO",),
        "activate",
        lambda conn, row: _set(conn, contract_id, "estado = 'ACTIVO', fecha_activacion = %s", now()),
    )


@contracts.post("/contracts/<contract_id>/terminate")
def terminate(contract_id: str) -> Any:
    reason = req.text(req.body("reason"), "reason", max_length=500)
    return _change(
        contract_id,
        CONTRACT_ORDER,
        "terminate",
        lambda conn, row: _set(conn, contract_id, "estado = 'TERMINADO', motivo_terminacion = %s", reason),
    )
