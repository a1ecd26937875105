"""`hexa up --endpoint-url` (LocalStack, or any emulator) with no AWS credentials anywhere: the runtime
uses the emulators' conventional test/test instead of failing with botocore's NoCredentialsError."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import os, sys
    from hexa_infra.local.cloud import LocalCloud
    from hexa_infra.local.emulator import Emulator
    emulator = Emulator("127.0.0.1", 0).start()  # stands in for LocalStack: another process's endpoint
    cloud = LocalCloud(sys.argv[1], stack_name="no-creds", endpoint_url=emulator.url, gateway_port=0,
                       trace_port=None, start_pollers=False).start()
    try:
        print("resources", len(cloud.resources), "key", os.environ["AWS_ACCESS_KEY_ID"])
    finally:
        cloud.stop(); emulator.stop()
""")


def test_an_endpoint_without_credentials_gets_the_conventional_test_ones(
    fixture_template: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
        HOME=str(tmp_path),
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(fixture_template)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "key test" in done.stdout and "NoCredentialsError" not in done.stderr
