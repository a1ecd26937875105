"""One snapshot of everything the dashboard shows, refreshed in the background while someone watches.

A request never waits for a probe or a scan: it gets the last snapshot (at most ``interval`` old while
the page polls); the refresher sleeps when nobody asked for ``idle_after`` seconds, so an unwatched
dashboard costs nothing. Each refresh also appends one point to a bounded history for the charts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from datetime import datetime, timezone
from typing import Any

from hexa_infra.local.metric_store import percentile

from .business import business
from .system import ProcessMeter, http_ok, probe

log = logging.getLogger("hexa.dashboard")
# one cheap read per context through the gateway and the context's own code (an empty page of a partner
# that cannot exist: no item read, nothing logged)
NOBODY = "00000000-0000-4000-8000-000000000000"
CONTEXT_PROBES = {
    "partner-management": "/health",
    "onboarding": f"/contracts?partner_id={NOBODY}&limit=1",
    "campaign-management": f"/campaigns?partner_id={NOBODY}&limit=1",
    "recruitment": "/jobs?limit=1",
}


class Collector:
    def __init__(
        self,
        cloud: Any,
        *,
        interval: float = 2.0,
        idle_after: float = 15.0,
        history: int = 900,
        probe_every: float = 30.0,
    ) -> None:
        self.cloud, self.interval, self.idle_after, self.probe_every = (
            cloud,
            interval,
            idle_after,
            probe_every,
        )
        self._probed: tuple[float, dict[str, Any], dict[str, Any]] | None = None
        self._counted: tuple[float, int, dict[str, Any]] | None = None
        self.recount_every = 60.0
        self._rollout_seen: tuple[int, list[dict[str, Any]]] | None = None  # (state version, its audit)
        self._store: Any = None
        self.coexistence: Any = None  # set by hexa up --legacy-dsn (blue/green)
        self.legacy_dsn: str | None = None
        self.blue_url: str | None = None
        self.processes = [
            ProcessMeter(__import__("os").getpid(), "local cloud (gateway, functions, emulator)")
        ]
        self.history: deque[dict[str, Any]] = deque(maxlen=history)
        self._snapshot: dict[str, Any] | None = None
        self._asked = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._token: str | None = None

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> "Collector":
        self._thread = threading.Thread(target=self._run, name="hexa-dashboard", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def watch_blue_green(
        self, coexistence: Any, legacy_dsn: str, blue_url: str, blue_pid: int | None
    ) -> None:
        self.coexistence, self.legacy_dsn, self.blue_url = coexistence, legacy_dsn, blue_url
        if blue_pid:
            self.processes.append(ProcessMeter(blue_pid, "blue: the monolith (waitress)"))

    # ---------------------------------------------------------------- reading
    def snapshot(self) -> dict[str, Any]:
        """The latest snapshot (the first call waits for one)."""
        self._asked = time.monotonic()
        self._wake.set()
        with self._lock:
            current = self._snapshot
        if current is None:
            current = self.refresh()
        return current

    def _run(self) -> None:
        while not self._stop.is_set():
            if time.monotonic() - self._asked > self.idle_after:
                self._wake.wait()  # nobody watching: sleep until someone asks
                self._wake.clear()
                continue
            started = time.monotonic()
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - the dashboard must outlive whatever it watches
                log.exception("dashboard refresh failed")
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def refresh(self) -> dict[str, Any]:
        now = time.time()
        snap = {
            "at": datetime.fromtimestamp(now, timezone.utc)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "stack": self.cloud.stack_name,
            "blue_green": self.coexistence is not None,
        }
        snap["business"] = self._business()
        snap["technical"] = self._section(self._technical)
        snap["rollout"] = self._section(self._rollout)
        if (
            self._probed is None or time.monotonic() - self._probed[0] >= self.probe_every
        ):  # the slower checks
            self._probed = (
                time.monotonic(),
                self._section(self._infrastructure),
                self._section(self._integration),
            )
        snap["infrastructure"], snap["integration"] = self._probed[1], self._probed[2]
        point = {
            "t": now,
            **{k: snap["business"].get(k) for k in ("active_partners", "campaigns", "contracts_signed")},
        }
        for side in ("green", "blue"):
            stats = (snap["technical"].get("sides") or {}).get(side) or {}
            point[f"{side}_p95_ms"], point[f"{side}_error_rate"] = (
                stats.get("p95_ms"),
                stats.get("error_rate"),
            )
        cdc = snap["technical"].get("cdc") or {}
        point["lag_blue_to_green"] = cdc.get("blue_to_green")
        point["lag_green_to_blue"] = cdc.get("green_to_blue")
        with self._lock:
            self.history.append(point)
            snap["history"] = list(self.history)
            self._snapshot = snap
        return snap

    def _business(self) -> dict[str, Any]:
        """Recounted only when a write or an event happened since (the metric store says so), and at
        least every ``recount_every`` seconds for what changes the tables without either (a load)."""
        changes = self.cloud.metrics.changes
        if (
            self._counted is None
            or self._counted[1] != changes
            or time.monotonic() - self._counted[0] >= self.recount_every
        ):
            counted = self._section(lambda: business(self.cloud.client("dynamodb"), self._tables()))
            self._counted = (time.monotonic(), changes, counted)
        return self._counted[2]

    @staticmethod
    def _section(build: Any) -> dict[str, Any]:
        try:
            return build()
        except Exception as error:  # noqa: BLE001 - one broken panel must not blank the others
            log.warning("dashboard panel failed: %s", error)
            return {"error": f"{type(error).__name__}: {str(error)[:200]}"}

    def _tables(self) -> dict[str, str]:
        return {lid: r.ref for lid, r in self.cloud.resources.items() if r.type == "AWS::DynamoDB::Table"}

    # ---------------------------------------------------------------- panels
    def _technical(self) -> dict[str, Any]:
        metrics = self.cloud.metrics
        services = sorted(metrics.dimension_values("Requests", "service"))
        per_service = {s: _requests(metrics, s) for s in services}
        consumers = {}
        for consumer in sorted(metrics.dimension_values("Events", "consumer")):
            events = metrics.values("Events", consumer=consumer)
            failures = metrics.values("EventFailures", consumer=consumer)
            ages = metrics.values("EventAge", consumer=consumer)
            consumers[consumer] = {
                "events": int(sum(events)),
                "failures": int(sum(failures)),
                "age_p95_ms": round(percentile(ages, 95), 1) if ages else None,
            }
        technical: dict[str, Any] = {
            "contexts": {s: v for s, v in per_service.items() if not s.startswith("facade.")},
            "sides": {
                s.removeprefix("facade."): v for s, v in per_service.items() if s.startswith("facade.")
            },
            "consumers": consumers,
            "cdc": None,
        }
        if self.coexistence is not None:
            observed = self.coexistence.observe(120, 300, 0)
            technical["cdc"] = {**observed["lag"], "shadow": observed["shadow"]}
            for side in ("green", "blue"):  # the facade's own windows: what the rollout's gates read
                window = observed[side]["errors_window"]
                technical["sides"][side] = {**technical["sides"].get(side, {}), "window_2m": window}
        return technical

    def _rollout(self) -> dict[str, Any]:
        """One BatchGetItem per refresh (traffic, rollout state, last verify); the audit log is read
        again only when the state's version moved (every decision saves the state)."""
        import json

        from hexa_infra.rollout.store import RolloutStore

        table = self.cloud.resources["TrafficStateTable"].ref
        if self._store is None:
            self._store = RolloutStore(table)
        keys = [{"name": {"S": name}} for name in ("traffic", "rollout", "record/last-verify")]
        found = (
            self.cloud.client("dynamodb")
            .batch_get_item(RequestItems={table: {"Keys": keys, "ConsistentRead": True}})["Responses"]
            .get(table, [])
        )
        items = {item["name"]["S"]: item for item in found}
        traffic = items.get("traffic", {})
        state = None
        if "rollout" in items:
            state = {
                **json.loads(items["rollout"]["body"]["S"]),
                "_version": int(items["rollout"]["version"]["N"]),
            }
        if state is None:
            audit: list[dict[str, Any]] = []
        elif self._rollout_seen is not None and self._rollout_seen[0] == state["_version"]:
            audit = self._rollout_seen[1]
        else:
            audit = self._store.audit_log(state["id"], 200)
            self._rollout_seen = (state["_version"], audit)
        verify = (
            json.loads(items["record/last-verify"]["body"]["S"]) if "record/last-verify" in items else None
        )
        return {
            "traffic": {
                "green_percent": float(traffic.get("green_percent", {}).get("N", 0)),
                "shadow_percent": float(traffic.get("shadow_percent", {}).get("N", 0)),
                "updated_at": traffic.get("updated_at", {}).get("S", ""),
                "updated_by": traffic.get("updated_by", {}).get("S", ""),
            },
            "state": state,
            "audit": audit,
            "last_verify": verify,
        }

    def _infrastructure(self) -> dict[str, Any]:
        out: dict[str, Any] = {"processes": [p.read() for p in self.processes], "postgres": None}
        if self.legacy_dsn:
            from hexa_infra.migration.legacy_db import connect

            with connect(self.legacy_dsn) as conn:
                row = conn.execute(
                    "SELECT count(*) AS n, current_setting('max_connections')::int AS max "
                    "FROM pg_stat_activity WHERE datname = current_database()"
                ).fetchone()
            out["postgres"] = {"connections": row["n"], "max_connections": row["max"]}
        return out

    def _integration(self) -> dict[str, Any]:
        checks = [
            probe(
                "emulator (DynamoDB)",
                lambda: f"{len(self.cloud.client('dynamodb').list_tables()['TableNames'])} tables",
            ),
            probe("green: API gateway", http_ok(f"{self.cloud.api_url}/health")),
        ]
        headers = {"Authorization": f"Bearer {self._admin_token()}"}
        for context, path in CONTEXT_PROBES.items():
            checks.append(probe(f"green: {context}", http_ok(f"{self.cloud.api_url}{path}", headers)))
        search = str(self.cloud.template.parameters.get("SearchEndpoint", ""))
        if search.startswith("http"):
            checks.append(probe("OpenSearch", http_ok(f"{search.rstrip('/')}/_cluster/health")))
        elif search:
            checks.append(probe("search (embedded engine)", lambda: search.split("///")[-1]))
        if self.blue_url:
            checks.append(probe("blue: the monolith", http_ok(f"{self.blue_url}/health")))
        if self.legacy_dsn:
            from hexa_infra.migration.legacy_db import connect

            def pg() -> str:
                with connect(self.legacy_dsn) as conn:
                    return str(conn.execute("SHOW server_version").fetchone()["server_version"])

            checks.append(probe("PostgreSQL (the monolith's)", pg))
        return {"checks": checks, "ok": all(c["ok"] for c in checks)}

    def _admin_token(self) -> str:
        if self._token is None:
            from hexa_infra.stack import Stack

            self._token = Stack.of(self.cloud).token(role="admin")
        return self._token


def _requests(metrics: Any, service: str) -> dict[str, Any]:
    requests = metrics.values("Requests", service=service)
    errors = metrics.values("Errors", service=service)
    latency = metrics.values("Latency", service=service)
    count = int(sum(requests))
    return {
        "requests": count,
        "errors": int(sum(errors)),
        "error_rate": round(sum(errors) / count, 4) if count else 0.0,
        "p50_ms": round(percentile(latency, 50), 1) if latency else None,
        "p95_ms": round(percentile(latency, 95), 1) if latency else None,
    }
