"""`hexa up` as a separate process, as a user runs it: for benchmarks and for tests that need a whole
platform of their own (its own emulator, stack and pollers), then stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[3]


class CloudDidNotStop(RuntimeError):
    """`hexa up` ignored SIGTERM for the stop timeout (it was killed)."""


@contextmanager
def local_cloud(stack: str, *extra: str, start_timeout: float = 120.0, cwd: Path = ROOT) -> Iterator[dict]:
    """`hexa up` on free ports, no demo data; yields its ready file (api_url, endpoint_url, tokens, pid).
    Raises :class:`CloudDidNotStop` if it does not stop within 30 s of SIGTERM."""
    workdir = Path(tempfile.mkdtemp(prefix="hexa-cloud-"))
    ready = workdir / "ready.json"
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    with open(workdir / "cloud.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hexa_infra.cli",
                "up",
                "--port",
                "0",
                "--emulator-port",
                "0",
                "--trace-port",
                "0",
                "--no-seed",
                "--stack",
                stack,
                "--ready-file",
                str(ready),
                *extra,
            ],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + start_timeout
        while not ready.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"local cloud {stack} did not start; see {workdir / 'cloud.log'}")
            time.sleep(0.1)
        yield {**json.loads(ready.read_text()), "stack": stack, "log": str(workdir / "cloud.log")}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise CloudDidNotStop(
                f"hexa up did not stop within 30 s of SIGTERM; see {workdir / 'cloud.log'}"
            ) from None
