"""The local X-Ray daemon stand-in, and traces through the runtime's gateway and SQS poller."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hexa_infra.local.cloud import LocalCloud
from hexa_infra.local.tracing import refresh_daemon_address
from hexa_infra.local.xray_daemon import LocalXRayDaemon

ROOT, PARENT = "1-6b0a0000-00000000000000000000abcd", "00000000000000aa"
OTHER_ROOT = "1-6b0a0000-00000000000000000000dcba"


def wait_for(probe: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return value


def segments(cloud: LocalCloud, trace_id: str) -> list[dict[str, Any]]:
    return [r for t in cloud.traces.traces(trace_id=trace_id) for r in t["roots"]]


@pytest.fixture(scope="module")
def cloud(fixture_template: Path) -> Iterator[LocalCloud]:
    with LocalCloud(
        fixture_template,
        stack_name="rt-tr",
        emulator_port=0,
        gateway_port=0,
        trace_port=0,
        retry_delay=0.05,
        stream_poll_interval=0.02,
    ) as running:
        yield running


def test_streamed_subsegments_arrive_over_udp_and_are_served_as_trees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter
    from aws_xray_sdk.core.recorder import AWSXRayRecorder
    from aws_xray_sdk.core.sampling.local.sampler import LocalSampler

    daemon = LocalXRayDaemon(port=0, stack="unit").start()
    try:
        monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", daemon.address)  # what the SDK's emitter reads
        recorder = AWSXRayRecorder()  # a private one: the process-wide recorder belongs to the running clouds
        recorder.configure(
            sampler=LocalSampler({"version": 2, "default": {"fixed_target": 1, "rate": 1.0}, "rules": []}),
            emitter=UDPEmitter(),
            streaming_threshold=0,
        )
        segment = recorder.begin_segment("fn")
        with recorder.in_subsegment("outer"):
            with recorder.in_subsegment("inner"):
                pass
        recorder.end_segment()
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"garbage", ("127.0.0.1", daemon.port))

        wait_for(lambda: daemon.received >= 3)  # outer+inner streamed on their own, then the segment
        with urllib.request.urlopen(
            f"http://{daemon.address}/traces?trace_id={segment.trace_id}"
        ) as response:
            body = json.load(response)
    finally:
        daemon.stop()
    (tree,) = body["traces"]
    assert body["stack"] == "unit" and tree["documents"] == 3
    (fn,) = tree["roots"]
    assert fn["name"] == "fn" and [c["name"] for c in fn["children"]] == ["outer"]
    assert [c["name"] for c in fn["children"][0]["children"]] == ["inner"]


def test_the_gateway_continues_the_callers_trace_or_starts_one(cloud: LocalCloud, http: Callable) -> None:
    caller = f"Root={ROOT};Parent={PARENT};Sampled=1"
    continued = http(cloud.api_url, "GET", "/echo", headers={"X-Amzn-Trace-Id": caller})
    fresh = http(cloud.api_url, "GET", "/echo")

    assert continued.status == 200 and continued.header("X-Amzn-Trace-Id") == [f"Root={ROOT}"]
    (segment,) = wait_for(lambda: segments(cloud, ROOT))
    assert segment["name"] == "rt-tr-ApiFunction" and segment["detail"].startswith("GET http://")
    assert segment["detail"].endswith("/echo  200")
    assert cloud.traces._traces[ROOT][segment["id"]]["parent_id"] == PARENT  # noqa: SLF001 - the raw document
    new_root = fresh.header("X-Amzn-Trace-Id")[0].removeprefix("Root=")
    assert new_root != ROOT and wait_for(lambda: segments(cloud, new_root))
    forged = http(cloud.api_url, "GET", "/echo", headers={"X-Amzn-Trace-Id": "Root=garbage;Parent=x"})
    assert (
        forged.status == 200 and "garbage" not in forged.header("X-Amzn-Trace-Id")[0]
    )  # a new trace instead


def test_an_sqs_batch_continues_its_first_records_trace_and_links_the_others(cloud: LocalCloud) -> None:
    sqs, url = cloud.client("sqs"), cloud.resources["StrictQueue"].ref
    for root in (ROOT, OTHER_ROOT):  # one batch: the strict worker waits up to 1 s to fill it
        sqs.send_message(
            QueueUrl=url,
            MessageBody=f"ok-{root}",
            MessageSystemAttributes={
                "AWSTraceHeader": {
                    "DataType": "String",
                    "StringValue": f"Root={root};Parent={PARENT};Sampled=1",
                }
            },
        )
    cloud.wait_until_idle(timeout=20)
    worker = cloud.functions["StrictWorkerFunction"]

    batch = next(e for e in worker.module.EVENTS if f"ok-{ROOT}" in [r["body"] for r in e["Records"]])
    first, second = (r["attributes"]["AWSTraceHeader"] for r in batch["Records"])
    first_root, second_root = (h.split(";")[0].removeprefix("Root=") for h in (first, second))
    (invocation,) = wait_for(lambda: [s for s in segments(cloud, first_root) if s["name"] == worker.name])
    assert {first_root, second_root} == {ROOT, OTHER_ROOT}
    assert "+1 linked trace(s)" in invocation["detail"]
    raw = cloud.traces._traces[first_root][invocation["id"]]  # noqa: SLF001 - the document as received
    assert raw["metadata"]["hexa"]["linked_traces"] == [second_root]


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_nobody_listening_functions_run_and_are_traced_as_usual(
    fixture_template: Path, http: Callable
) -> None:
    saved = os.environ.get("AWS_XRAY_DAEMON_ADDRESS")
    os.environ["AWS_XRAY_DAEMON_ADDRESS"] = f"127.0.0.1:{free_udp_port()}"
    refresh_daemon_address()
    try:
        with LocalCloud(
            fixture_template, stack_name="rt-tr-off", emulator_port=0, gateway_port=0, start_pollers=False
        ) as cloud:
            responses = [http(cloud.api_url, "GET", "/echo") for _ in range(20)]
            direct = cloud.invoke("ApiFunction", {"resource": "/echo", "path": "/echo", "httpMethod": "GET"})
    finally:
        if saved is None:
            os.environ.pop("AWS_XRAY_DAEMON_ADDRESS")
        else:
            os.environ["AWS_XRAY_DAEMON_ADDRESS"] = saved
        refresh_daemon_address()
    assert cloud.xray_daemon_address is None
    assert all(r.status == 200 and r.json()["xray_segment"] == "rt-tr-off-ApiFunction" for r in responses)
    assert json.loads(direct["body"])["xray_segment"] == "rt-tr-off-ApiFunction"


def test_a_taken_trace_port_leaves_the_segments_to_whoever_holds_it(
    fixture_template: Path, http: Callable
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as real_daemon:
        real_daemon.bind(("127.0.0.1", 0))
        real_daemon.settimeout(5)
        port = real_daemon.getsockname()[1]
        with LocalCloud(
            fixture_template,
            stack_name="rt-tr-taken",
            emulator_port=0,
            gateway_port=0,
            start_pollers=False,
            trace_port=port,
        ) as cloud:
            assert cloud.xray_daemon_address is None
            assert http(cloud.api_url, "GET", "/echo").status == 200
            wait_for(lambda: b'"name": "rt-tr-taken-ApiFunction"' in real_daemon.recv(65_535))


LAMBDA_CONSUMER = textwrap.dedent("""
    import json, os, sys
    os.environ.update(LAMBDA_TASK_ROOT="/tmp", AWS_XRAY_DAEMON_ADDRESS=sys.argv[1],
                      _X_AMZN_TRACE_ID="Root=1-6b0a0000-00000000000000000000beef;Parent=00000000000000bb;Sampled=1")
    from hexa_shared import tracing

    with tracing.continue_trace(sys.argv[2], "consume X"):
        inside = tracing.current_trace_header()
        with tracing.recorder().in_subsegment("work"):
            pass
    print(json.dumps({"inside": inside, "env": os.environ["_X_AMZN_TRACE_ID"],
                      "after": tracing.recorder().get_trace_entity().trace_id}))
""")


def test_in_lambda_a_record_is_handled_in_its_producers_trace() -> None:
    daemon = LocalXRayDaemon(port=0).start()
    try:
        header = f"Root={ROOT};Parent={PARENT};Sampled=1"
        run = subprocess.run(
            [sys.executable, "-c", LAMBDA_CONSUMER, daemon.address, header],
            capture_output=True,
            text=True,
            timeout=60,
            env={k: v for k, v in os.environ.items() if k != "HEXA_TRACING"},
        )
        assert run.returncode == 0, run.stderr
        wait_for(lambda: daemon.received >= 2)  # Lambda streams every subsegment on its own
        (tree,) = daemon.store.traces(trace_id=ROOT)
    finally:
        daemon.stop()
    result = json.loads(run.stdout)
    assert result["inside"].startswith(f"Root={ROOT};Parent=")
    assert result["env"].startswith(
        "Root=1-6b0a0000-00000000000000000000beef"
    )  # the invocation's own, restored
    assert result["after"] == "1-6b0a0000-00000000000000000000beef"
    (consume,) = tree["roots"]  # its parent, the producer's entity, lives in the producer's documents
    assert consume["name"] == "consume X" and [c["name"] for c in consume["children"]] == ["work"]
    assert daemon.store._traces[ROOT][consume["id"]]["parent_id"] == PARENT  # noqa: SLF001
