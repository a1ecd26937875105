"""`hexa fault set|clear|list` on a running cloud, as a user runs them: the gateway answers 503, late, or
500 for a share of requests, then normally again; the handlers never see the difference."""

from __future__ import annotations

import time

from support import Api, run_hexa

FUNCTION = "RecruitmentApiFunction"


def fault(cloud, *args: str):  # noqa: ANN001, ANN201
    return run_hexa(
        "fault", *args, "--stack", cloud.stack_name, "--daemon-address", cloud.xray_daemon_address
    )


def test_faults_switch_on_and_off_while_the_cloud_runs(cloud, api: Api) -> None:  # noqa: ANN001
    try:
        assert api.get("/jobs").status_code == 200
        down = fault(cloud, "set", FUNCTION, "down")
        assert down.returncode == 0 and f"{FUNCTION}: down" in down.stdout
        answer = api.get("/jobs")
        assert answer.status_code == 503 and answer.json()["error"]["code"] == "service_unavailable"
        assert api.get("/partners").status_code == 200  # only that function's routes

        assert fault(cloud, "set", FUNCTION, "error-rate:1").returncode == 0
        failed = api.get("/jobs")
        assert failed.status_code == 500 and failed.json()["error"]["code"] == "internal_error"

        assert fault(cloud, "set", FUNCTION, "stall:0.4").returncode == 0
        started = time.perf_counter()
        assert api.get("/jobs").status_code == 200 and time.perf_counter() - started >= 0.4

        listed = fault(cloud, "list")
        assert listed.returncode == 0 and f"{FUNCTION}: stall:0.4" in listed.stdout
        cleared = fault(cloud, "clear", FUNCTION)
        assert cleared.returncode == 0 and "no faults" in cleared.stdout
        assert api.get("/jobs").status_code == 200
    finally:
        cloud.clear_faults()


def test_bad_fault_commands_are_clear_errors_and_change_nothing(cloud) -> None:  # noqa: ANN001
    refused = fault(cloud, "set", FUNCTION, "error-rate:150")
    assert refused.returncode == 2 and "error-rate:P (0 < P ≤ 1)" in refused.stderr
    unknown = fault(cloud, "set", "NoSuchFunction", "down")
    assert unknown.returncode == 1 and "no function NoSuchFunction" in unknown.stderr
    assert cloud.faults() == {}
