"""Load every ``AWS::Serverless::Function`` in-process and invoke it with Lambda's contract.

Why in-process: moto cannot run Lambda code without Docker (TOOL-FACTS), and an in-process call is
what makes the local cloud fast enough for tests and benchmarks. What we keep from Lambda:

* each function's handler module is loaded under its own module name (``hexa_local_fn_<LogicalId>``)
  so two functions never share module state, exactly like two Lambda containers, and two
  ``app.py`` files in different ``CodeUri`` folders never collide in ``sys.modules``;
* environment variables come from Globals + the function; since all functions share one
  ``os.environ``, a variable two functions set differently is an error, not a silent override;
* a ``LocalLambdaContext`` per invocation, and an X-Ray segment around it so handlers' patched boto
  calls have a parent, continuing the trace the caller names (``tracing``: no daemon needed, everything
  sampled, emission is UDP);
* a Chalice app's ``current_request``/``lambda_context`` become thread-local, because the gateway
  serves requests concurrently (``chalice_compat``; ``chalice local`` does the same).
"""

from __future__ import annotations

import datetime as _dt
import importlib
import importlib.util
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from . import iam
from .chalice_compat import make_chalice_thread_local
from .resources import ResourceMap
from .template import FUNCTION_TYPE, Template, TemplateError
from .tracing import Traced, record_result, xray_segment

__all__ = [
    "LocalFunction",
    "LocalLambdaContext",
    "function_environments",
    "load_functions",
    "make_chalice_thread_local",
    "merge_environments",
    "remove_sys_paths",
]

log = logging.getLogger("hexa.local.functions")

_PATH_LOCK = threading.Lock()


class LocalLambdaContext:
    """The subset of Lambda's context object handlers and Powertools read."""

    def __init__(
        self, function_name: str, invoked_function_arn: str, memory_limit_in_mb: int, timeout_seconds: float
    ) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = memory_limit_in_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"{_dt.datetime.now(_dt.UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity: Any = None
        self.client_context: Any = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function's Timeout (never negative)."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# --------------------------------------------------------------------------- environment


def function_environments(template: Template, resources: ResourceMap) -> dict[str, dict[str, str]]:
    """Each function's resolved ``Environment.Variables`` (Globals merged, function wins)."""
    envs: dict[str, dict[str, str]] = {}
    for lid in template.resources_of_type(FUNCTION_TYPE):
        variables = (template.properties(lid).get("Environment") or {}).get("Variables") or {}
        resolved = (
            template.resolve(variables, resources, where=f"{lid}.Properties.Environment.Variables") or {}
        )
        envs[lid] = {str(k): _env_str(v) for k, v in resolved.items()}
    return envs


def _env_str(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def merge_environments(envs: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """One process environment for all functions; a variable set differently by two functions is an error."""
    merged: dict[str, str] = {}
    owner: dict[str, str] = {}
    for lid, env in envs.items():
        for key, value in env.items():
            if key in merged and merged[key] != value:
                raise TemplateError(
                    f"environment variable {key} differs between functions {owner[key]} ({merged[key]!r}) "
                    "and "
                    f"{lid} ({value!r}); all functions share one process locally, so give them distinct names"
                )
            merged.setdefault(key, value)
            owner.setdefault(key, lid)
    return merged


# --------------------------------------------------------------------------- loading


@dataclass
class LocalFunction:
    """One function of the template, loaded and ready to invoke."""

    logical_id: str
    name: str
    arn: str
    handler_path: str
    code_dir: Path
    timeout: float
    memory_mb: int
    environment: dict[str, str]
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    module: ModuleType | None = None
    handler: Callable[[Any, Any], Any] | None = None
    added_paths: list[str] = field(default_factory=list)  # sys.path entries this load added
    policy: iam.FunctionPolicy | None = None  # its IAM role, enforced on its AWS calls (None: not enforced)

    def new_context(self) -> LocalLambdaContext:
        """A fresh context, as Lambda makes for every invocation."""
        return LocalLambdaContext(self.name, self.arn, self.memory_mb, self.timeout)

    def invoke(
        self, event: Any, context: LocalLambdaContext | None = None, traced: Traced | None = None
    ) -> Any:
        """Call the handler like Lambda does; exceptions propagate (the caller decides what failure means)."""
        if self.handler is None:
            raise RuntimeError(f"{self.logical_id}: handler not loaded")
        context = context or self.new_context()
        with xray_segment(self.name, traced) as segment, iam.acting_as(self.policy):
            started = time.monotonic()
            try:
                result = self.handler(event, context)
                record_result(segment, result)
                return result
            finally:
                elapsed = time.monotonic() - started
                if elapsed > self.timeout:
                    log.warning(
                        "%s ran %.1fs, over its Timeout of %ss (Lambda would have killed it)",
                        self.logical_id,
                        elapsed,
                        self.timeout,
                    )


def _add_sys_path(directory: Path, *, front: bool) -> str | None:
    """Put a code folder on sys.path once; returns the entry if this call added it."""
    entry = str(directory)
    with _PATH_LOCK:
        if entry in sys.path:
            return None
        if front:
            sys.path.insert(0, entry)
        else:
            sys.path.append(entry)
        return entry


def remove_sys_paths(entries: list[str]) -> None:
    """Undo :func:`_add_sys_path` (so a stopped cloud's ``app.py`` folders shadow nothing)."""
    with _PATH_LOCK:
        for entry in entries:
            if entry in sys.path:
                sys.path.remove(entry)


def _layer_dirs(template: Template, raw_layers: Any) -> list[Path]:
    """Source folders of the template's own layers (Lambda mounts them on sys.path via /opt/python)."""
    dirs: list[Path] = []
    for item in raw_layers or []:
        if isinstance(item, dict) and isinstance(item.get("Ref"), str):
            lid = item["Ref"]
            layer = template.resources.get(lid) or {}
            content = (layer.get("Properties") or {}).get("ContentUri")
            if layer.get("Type") == "AWS::Serverless::LayerVersion" and isinstance(content, str):
                base = (template.directory / content).resolve()
                dirs.extend(d for d in (base / "python", base) if d.is_dir())
    return dirs


def _load_module(logical_id: str, code_dir: Path, module_path: str) -> ModuleType:
    relative = Path(*module_path.split("."))
    candidates = [code_dir / relative.with_suffix(".py"), code_dir / relative / "__init__.py"]
    file = next((c for c in candidates if c.is_file()), None)
    if file is None:
        raise TemplateError(f"{logical_id}: handler module {module_path!r} not found in {code_dir}")
    unique = f"hexa_local_fn_{logical_id}"
    parent = module_path.rpartition(".")[0]
    if parent:  # keep relative imports working: the unique module lives inside the real package
        importlib.import_module(parent)
        unique = f"{parent}.{unique}"
    spec = importlib.util.spec_from_file_location(unique, file)
    if spec is None or spec.loader is None:
        raise TemplateError(f"{logical_id}: cannot load {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(unique, None)
        raise
    return module


def load_function(
    template: Template, resources: ResourceMap, logical_id: str, environment: dict[str, str]
) -> LocalFunction:
    """Import one function's handler from CodeUri + Handler (the process env must already be set)."""
    props = template.properties(logical_id)
    where = f"{logical_id}.Properties"
    code_uri = template.resolve(props.get("CodeUri"), resources, where=f"{where}.CodeUri")
    handler_path = template.resolve(props.get("Handler"), resources, where=f"{where}.Handler")
    if not isinstance(code_uri, str) or not isinstance(handler_path, str) or "." not in handler_path:
        raise TemplateError(
            f"{where}: a local CodeUri folder and a 'module.function' Handler are required "
            f"(got CodeUri={code_uri!r}, Handler={handler_path!r})"
        )
    code_dir = (template.directory / code_uri).resolve()
    if not code_dir.is_dir():
        raise TemplateError(f"{where}.CodeUri: folder {code_dir} does not exist")
    physical = resources[logical_id]
    function = LocalFunction(
        logical_id=logical_id,
        name=physical.ref,
        arn=str(physical.attrs["Arn"]),
        handler_path=handler_path,
        code_dir=code_dir,
        timeout=float(template.resolve(props.get("Timeout", 3), resources, where=f"{where}.Timeout")),
        memory_mb=int(template.resolve(props.get("MemorySize", 128), resources, where=f"{where}.MemorySize")),
        environment=environment,
        events=props.get("Events") or {},
    )
    added = [_add_sys_path(code_dir, front=True)]
    added += [_add_sys_path(d, front=False) for d in _layer_dirs(template, props.get("Layers"))]
    function.added_paths = [a for a in added if a]
    module_path, attribute = handler_path.rsplit(".", 1)
    try:
        module = _load_module(logical_id, code_dir, module_path)
        handler = getattr(module, attribute, None)
        if not callable(handler):
            raise TemplateError(f"{logical_id}: {handler_path} is not a callable in {module.__file__}")
    except TemplateError:
        remove_sys_paths(function.added_paths)
        raise
    except Exception as exc:
        remove_sys_paths(function.added_paths)
        raise TemplateError(
            f"{logical_id}: importing handler {handler_path} from {code_dir} failed: {exc!r}"
        ) from exc
    make_chalice_thread_local(handler)
    function.module, function.handler = module, handler
    return function


def load_functions(
    template: Template, resources: ResourceMap, *, apply_environment: bool = True, enforce_iam: bool = True
) -> dict[str, LocalFunction]:
    """Resolve env, export it to ``os.environ`` (conflicts raise), then load every function, each with
    its IAM role enforced on the AWS calls it makes (``iam``).

    The environment is exported *before* importing handlers because module-level code commonly
    reads it (table names, log level).
    """
    envs = function_environments(template, resources)
    merged = merge_environments(envs)
    if apply_environment:
        os.environ.update(merged)
    loaded: dict[str, LocalFunction] = {}
    try:
        for lid, env in envs.items():
            loaded[lid] = load_function(template, resources, lid, env)
        if enforce_iam:
            for lid, policy in iam_policies(template, resources, list(loaded)).items():
                loaded[lid].policy = policy
            iam.install()
    except BaseException:
        remove_sys_paths([p for f in loaded.values() for p in f.added_paths])
        raise
    return loaded


def iam_policies(
    template: Template, resources: ResourceMap, function_ids: list[str]
) -> dict[str, iam.FunctionPolicy]:
    """Each function's role from the template after the SAM transform, resolved against the local cloud."""
    from .sam_transform import transformed

    return iam.function_policies(
        transformed(template.path),
        lambda value, where: template.resolve(value, resources, where=where),
        function_ids,
        lambda role: f"arn:aws:iam::{template.account_id}:role/{template.stack_name}-{role}",
    )
