"""The rollout's state and audit log, kept next to the traffic state (the stack's TrafficStateTable).

One item ``rollout`` holds the state as JSON with a version: every write is conditional on the version
read, so the controller and an operator's ``pause``/``rollback`` never overwrite each other unseen, and
a restarted controller finds exactly where it was. Each decision is its own item
``rollout-audit/<rollout id>/<ms>-<random>`` (time, step, metrics, thresholds, decision, reasons).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

from pynamodb.attributes import UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

STATE_KEY, AUDIT_PREFIX = "rollout", "rollout-audit/"


class StateChanged(RuntimeError):
    """Someone else wrote the rollout state since it was read."""


class _Item(Model):
    name = UnicodeAttribute(hash_key=True)
    body = UnicodeAttribute()
    version = VersionAttribute()


class RolloutStore:
    def __init__(self, table_name: str) -> None:
        meta = type(
            "Meta",
            (),
            {
                "table_name": table_name,
                "region": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
            },
        )
        self._item = type("RolloutItem", (_Item,), {"Meta": meta, "__module__": __name__})

    def load(self) -> dict[str, Any] | None:
        """The state with its ``_version``, or None when no rollout ever ran."""
        try:
            item = self._item.get(STATE_KEY, consistent_read=True)
        except self._item.DoesNotExist:
            return None
        return {**json.loads(item.body), "_version": int(item.version)}

    def save(self, state: dict[str, Any]) -> dict[str, Any]:
        """Conditional on the ``_version`` the state was loaded with (none: it must not exist yet)."""
        body = {k: v for k, v in state.items() if k != "_version"}
        item = self._item(STATE_KEY, body=json.dumps(body))
        if state.get("_version"):
            item.version = state["_version"]
        try:
            item.save()
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise StateChanged("the rollout state changed meanwhile") from None
            raise
        return {**body, "_version": int(item.version)}

    def save_record(self, name: str, body: dict[str, Any]) -> None:
        """Another fact of the migration kept beside the rollout (``last-verify``), last writer wins."""
        self._item(f"record/{name}", body=json.dumps(body, default=str)).save(add_version_condition=False)

    def load_record(self, name: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._item.get(f"record/{name}", consistent_read=True).body)
        except self._item.DoesNotExist:
            return None

    def audit(self, rollout_id: str, entry: dict[str, Any]) -> None:
        """Keyed by time (ms) and a random suffix: entries sort in order and two writers never collide."""
        key = f"{AUDIT_PREFIX}{rollout_id}/{int(time.time() * 1000):015d}-{uuid.uuid4().hex[:6]}"
        self._item(key, body=json.dumps(entry, default=str)).save()

    def audit_log(self, rollout_id: str, last: int | None = None) -> list[dict[str, Any]]:
        prefix = f"{AUDIT_PREFIX}{rollout_id}/"
        entries = sorted(
            ((i.name, json.loads(i.body)) for i in self._item.scan(self._item.name.startswith(prefix))),
            key=lambda pair: pair[0],
        )
        picked = [entry for _, entry in entries]
        return picked[-last:] if last else picked
