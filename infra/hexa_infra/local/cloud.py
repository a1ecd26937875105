"""The local cloud: template.yaml brought up in one process, on moto (default) or any AWS-compatible endpoint.

``LocalCloud`` wires the pieces in the order their dependencies demand: endpoint (embedded moto,
or the one given) -> process environment -> resources from the template -> function environment
and handlers -> API gateway -> event source pollers. It serves whatever ``template.yaml`` declares
through Lambda's handler contract; the project's own code appears in two places only: the gateway
merges the contexts' OpenAPI documents (``hexa_shared.http.openapi``), and the functions' EMF metrics
go to :attr:`metrics` through ``hexa_shared.metrics.emit_to`` instead of stdout.

One running ``LocalCloud`` per process: functions share ``os.environ`` (the endpoint, region and
every function's variables), which ``stop()`` restores.

With ``trace_port`` it also runs a local X-Ray daemon stand-in (``xray_daemon``) that keeps every
invocation's segments in :attr:`traces`; a port already taken (a real daemon) is logged and skipped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from hexa_shared.metrics import emit_to as emit_metrics_to

from .aws import Clients, account_id, endpoint_environment
from .emulator import Emulator
from .functions import (
    LocalFunction,
    function_environments,
    load_functions,
    merge_environments,
    remove_sys_paths,
)
from .faults import Fault
from .front_door import front_door_from_template
from .gateway import Gateway
from .gc_settler import GarbageSettler
from .metric_store import MetricStore
from .poller_thread import PollerThread
from .process_env import EnvironmentPatch
from .pollers import start_pollers, wait_until_idle, warn_unhandled_events
from .provisioner import provision
from .resources import ResourceMap
from .routing import routes_from_template, served_api
from .stream_signal import EMULATOR_STREAMS
from .template import Template
from .trace_store import TraceStore
from .tracing import refresh_daemon_address
from .xray_daemon import LocalXRayDaemon, start_trace_daemon

__all__ = ["LocalCloud"]

log = logging.getLogger("hexa.local.cloud")

_T = TypeVar("_T")


def _started(value: _T | None) -> _T:
    """``value``, which only exists once the cloud is started."""
    if value is None:
        raise RuntimeError("local cloud not started")
    return value


class LocalCloud:
    """Provision ``template_path`` and run its functions, API routes and event source mappings locally."""

    def __init__(
        self,
        template_path: str | Path,
        *,
        stack_name: str = "hexa-local",
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        emulator_host: str = "127.0.0.1",
        emulator_port: int = 4566,
        gateway_host: str = "127.0.0.1",
        gateway_port: int = 3000,
        parameter_overrides: Mapping[str, Any] | None = None,
        retry_delay: float = 0.5,
        max_retry_delay: float | None = None,
        stream_poll_interval: float = 0.05,
        start_pollers: bool = True,
        trace_port: int | None = None,
    ) -> None:
        self.template_path = Path(template_path)
        self.stack_name = stack_name
        self.region = region
        self.emulator_host, self.emulator_port = emulator_host, emulator_port
        self.gateway_host, self.gateway_port = gateway_host, gateway_port
        self.parameter_overrides = dict(parameter_overrides or {})
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.stream_poll_interval = stream_poll_interval
        self.start_pollers = start_pollers
        self.trace_port = trace_port
        self.traces = TraceStore()
        self.metrics = MetricStore()  # every function's EMF metrics (moto computes no percentiles)
        self._xray: LocalXRayDaemon | None = None
        self.dashboard: Any = None
        self._settler: GarbageSettler | None = None
        self._previous_metrics_sink: Any = None
        self._owns_metrics_sink = False
        self._given_endpoint = endpoint_url
        self._endpoint_url: str | None = endpoint_url
        self._emulator: Emulator | None = None
        self._gateway: Gateway | None = None
        self._env = EnvironmentPatch()
        self._template: Template | None = None
        self._resources: ResourceMap | None = None
        self._functions: dict[str, LocalFunction] = {}
        self._clients: Clients | None = None
        self.pollers: list[PollerThread[Any]] = []
        self._started = False

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> LocalCloud:
        """Bring everything up; on any failure, tear down what was started and re-raise."""
        if self._started:
            return self
        started = time.monotonic()
        try:
            self._start_endpoint()
            self._start_xray_daemon()
            self._previous_metrics_sink = emit_metrics_to(self.metrics.add)
            self._owns_metrics_sink = True
            clients = self._clients = Clients(self._endpoint_url, self.region)
            template = self._template = Template(
                self.template_path,
                stack_name=self.stack_name,
                region=self.region,
                account_id=account_id(clients, embedded=self._emulator is not None),
                parameter_overrides=self.parameter_overrides,
            )
            resources = self._resources = provision(template, clients)
            envs = function_environments(template, resources)
            self._env.set(merge_environments(envs))
            self._functions = load_functions(template, resources, apply_environment=False)
            warn_unhandled_events(template)
            api = served_api(template)
            routes = routes_from_template(template, resources, api)
            front_door = front_door_from_template(template, resources, api, self._functions)
            front_door.require(routes)
            self._gateway = Gateway(
                routes,
                self._functions,
                host=self.gateway_host,
                port=self.gateway_port,
                account_id=template.account_id,
                front_door=front_door,
            ).start()
            if self.start_pollers:
                self.pollers = start_pollers(
                    template,
                    resources,
                    clients,
                    self._functions,
                    retry_delay=self.retry_delay,
                    max_retry_delay=self.max_retry_delay,
                    poll_interval=self.stream_poll_interval,
                    wakeup=EMULATOR_STREAMS if self._emulator is not None else None,
                )
            self._start_dashboard(template, resources, clients)
        except BaseException:
            self.stop()
            raise
        self._started = True
        self._settler = GarbageSettler().start()
        log.info(
            "local cloud %r up in %.2fs: %d resources, %d functions, %d routes, %d pollers; API %s, "
            "endpoint %s",
            self.stack_name,
            time.monotonic() - started,
            len(self._resources or {}),
            len(self._functions),
            len(self.routes),
            len(self.pollers),
            self.api_url,
            self._endpoint_url,
        )
        return self

    def _start_dashboard(self, template: Template, resources: ResourceMap, clients: Clients) -> None:
        from hexa_infra.dashboard.web import attach

        self.dashboard = attach(self, template, resources, clients, self._gateway)

    def stop(self) -> None:
        """Stop pollers, gateway and emulator, and restore the process environment (idempotent)."""
        if getattr(self, "dashboard", None) is not None:
            self.dashboard.stop()
            self.dashboard = None
        for poller in self.pollers:
            poller.signal_stop()
        for poller in self.pollers:
            poller.stop()
        self.pollers = []
        if self._gateway is not None:
            self._gateway.stop()
            self._gateway = None
        if self._emulator is not None:
            self._emulator.stop()
            self._emulator = None
        if self._owns_metrics_sink:  # another cloud in this process gets its sink back
            emit_metrics_to(self._previous_metrics_sink)
            self._previous_metrics_sink, self._owns_metrics_sink = None, False
        if self._settler is not None:
            self._settler.stop()
            self._settler = None
        if self._xray is not None:
            self._xray.stop()
            self._xray = None
        remove_sys_paths([p for f in self._functions.values() for p in f.added_paths])
        self._env.restore()
        if self.trace_port is not None:
            refresh_daemon_address()
        if self._started:
            log.info("local cloud %r stopped", self.stack_name)
        self._started = False

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ steps

    def _start_endpoint(self) -> None:
        if self._given_endpoint is None:
            self._emulator = Emulator(self.emulator_host, self.emulator_port).start()
            self._endpoint_url = self._emulator.url
        self._env.set(
            endpoint_environment(str(self._endpoint_url), self.region, embedded=self._emulator is not None)
        )

    def _start_xray_daemon(self) -> None:
        if self.trace_port is None:
            return
        self._xray, address = start_trace_daemon(
            self.traces, self.trace_port, self.stack_name, metrics=self.metrics, faults=self
        )
        self._env.set({"AWS_XRAY_DAEMON_ADDRESS": address})
        refresh_daemon_address()

    def serve_control(self, name: str, control: Any) -> bool:
        """Serve ``control`` at ``/<name>`` on the loopback control port; False when there is none."""
        if self._xray is None:
            return False
        self._xray.controls[name] = control
        return True

    @property
    def xray_daemon_address(self) -> str | None:
        """Where this cloud's trace store is queried (``hexa traces --daemon-address``); None without one."""
        return self._xray.address if self._xray is not None else None

    # ------------------------------------------------------------------ API

    @property
    def api_url(self) -> str:
        """Base URL of the local API gateway (routes at their template paths, no stage prefix)."""
        return _started(self._gateway).url

    @property
    def endpoint_url(self) -> str:
        """The AWS endpoint in use (embedded moto's URL, or the one given)."""
        return _started(self._endpoint_url)

    @property
    def template(self) -> Template:
        return _started(self._template)

    @property
    def resources(self) -> ResourceMap:
        """Logical id -> physical resource (``ref`` and ``attrs``)."""
        return _started(self._resources)

    @property
    def functions(self) -> dict[str, LocalFunction]:
        """Logical id -> loaded function."""
        return dict(self._functions)

    @property
    def routes(self) -> list[tuple[str, str, str]]:
        """``(method, path, function logical id)`` for every served route."""
        if self._gateway is None:
            return []
        return [(r.method, r.path, r.function) for r in self._gateway.routes]

    def client(self, service: str) -> Any:
        """A boto3 client for this cloud's endpoint and region (shared, thread-safe)."""
        return _started(self._clients)(service)

    def inject_fault(
        self, logical_id: str, *, down: bool = False, stall: float = 0.0, error_rate: float = 0.0
    ) -> None:
        """Test/chaos: make one function's HTTP routes answer 503 (``down``), ``stall`` seconds late or,
        for a share ``error_rate`` of requests, 500 — the way a stopped, overloaded or failing owner
        would, without touching its handlers."""
        self.set_fault(logical_id, Fault(down=down, stall=stall, error_rate=error_rate))

    def set_fault(self, logical_id: str, fault: Fault) -> None:
        if logical_id not in self.functions:
            raise KeyError(f"no function {logical_id} in the template")
        _started(self._gateway).faults[logical_id] = fault

    def clear_fault(self, logical_id: str) -> None:
        _started(self._gateway).faults.pop(logical_id, None)

    def faults(self) -> dict[str, Fault]:
        return dict(_started(self._gateway).faults)

    def clear_faults(self) -> None:
        _started(self._gateway).faults.clear()

    def invoke(self, logical_id: str, event: Any) -> Any:
        """Invoke a function directly (like ``aws lambda invoke``); exceptions propagate."""
        if logical_id not in self._functions:
            raise KeyError(f"no function {logical_id!r} (have: {', '.join(sorted(self._functions))})")
        return self._functions[logical_id].invoke(event)

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        """Block until no poller has anything pending (see :func:`pollers.wait_until_idle`)."""
        wait_until_idle(self.pollers, timeout)
