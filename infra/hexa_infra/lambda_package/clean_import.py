"""Each handler imported the way Lambda loads it, in a fresh process that holds nothing else.

The process runs a bare virtualenv of the given Python (no site-packages of its own) with the sys.path order
of a Lambda sandbox: the function's folder (/var/task), then its layers (/opt/python), then the runtime's
SDK (/var/runtime: only boto3 and its dependencies). A module the build forgot fails the import; a module
that touches the network or reads a missing variable at import fails it too (no credentials, no endpoint).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .host_build import HostBuild
from .sources import FunctionSource

RUNTIME_SDK = Path(__file__).resolve().parents[2] / "lambda_build" / "lambda-runtime-sdk.txt"

PROBE = """
import importlib, json, sys, time
started = time.perf_counter()
module = importlib.import_module(sys.argv[1])
handler = getattr(module, sys.argv[2])
elapsed = time.perf_counter() - started
assert callable(handler), f"{sys.argv[2]} is not callable"
print(json.dumps({"ms": elapsed * 1000, "boto3": "boto3" in sys.modules, "modules": len(sys.modules)}))
"""


@dataclass(frozen=True)
class ImportResult:
    logical_id: str
    ok: bool
    import_ms: float = 0.0
    boto3_at_import: bool = False
    modules: int = 0
    error: str = ""


class CleanRuntime:
    """A bare venv of one interpreter plus a folder with the Lambda runtime's SDK (pip --target)."""

    def __init__(self, python: str, home: Path) -> None:
        self.home = home
        self.venv = home / "venv"
        self.sdk = home / "runtime-sdk"
        if not (self.venv / "bin" / "python").exists():
            subprocess.run([python, "-m", "venv", "--without-pip", str(self.venv)], check=True)
        if not self.sdk.exists():
            subprocess.run(
                [
                    python,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--root-user-action=ignore",
                    "--target",
                    str(self.sdk),
                    "-r",
                    str(RUNTIME_SDK),
                ],
                check=True,
                capture_output=True,
            )
        self.python = str(self.venv / "bin" / "python")
        self.version = subprocess.run(
            [self.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def import_handler(self, function: FunctionSource, build: HostBuild) -> ImportResult:
        path = [str(build.functions[function.logical_id]), *map(str, build.layers), str(self.sdk)]
        environment = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PYTHONPATH": os.pathsep.join(path),
            "PYTHONDONTWRITEBYTECODE": "1",  # Lambda's code folders are read-only: nothing may be cached
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            # what a Lambda sandbox sets (libraries read it: X-Ray's recorder samples locally instead of
            # creating a sampling client at import when LAMBDA_TASK_ROOT is there)
            "LAMBDA_TASK_ROOT": path[0],
            "LAMBDA_RUNTIME_DIR": str(self.sdk),
            "_HANDLER": function.handler,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{self.version}",
            "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
            **function.environment,
        }
        result = subprocess.run(
            [self.python, "-s", "-c", PROBE, function.module, function.attribute],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            return ImportResult(function.logical_id, False, error=last)
        report = json.loads(result.stdout.strip().splitlines()[-1])
        return ImportResult(function.logical_id, True, report["ms"], report["boto3"], report["modules"])
