"""`hexa up --fault`: what the option accepts and what it refuses."""

from __future__ import annotations

import pytest
import typer

from hexa_infra.cli_up import parse_fault
from hexa_infra.local.faults import Fault


def test_down_stall_and_error_rate_specs_parse() -> None:
    assert parse_fault("RecruitmentApiFunction=down") == ("RecruitmentApiFunction", Fault(down=True))
    assert parse_fault("OnboardingApiFunction=stall:2.5") == ("OnboardingApiFunction", Fault(stall=2.5))
    assert parse_fault("PartnerManagementApiFunction=error-rate:0.3") == (
        "PartnerManagementApiFunction",
        Fault(error_rate=0.3),
    )
    assert (
        Fault.parse("error-rate:1").describe() == "error-rate:1"
        and Fault.parse("stall:2").describe() == "stall:2"
    )


def test_an_error_rate_fails_about_that_share_of_requests() -> None:
    fault = Fault.parse("error-rate:0.3")
    failures = sum(fault.fails_now() for _ in range(20_000))
    assert 5_400 < failures < 6_600  # 30 % ± 3 %, many standard deviations wide


@pytest.mark.parametrize(
    "spec",
    [
        "RecruitmentApiFunction",
        "=down",
        "Fn=slow",
        "Fn=stall:",
        "Fn=stall:x",
        "Fn=stall:0",
        "Fn=stall:-1",
        "Fn=stall:61",
        "Fn=stall:nan",
        "Fn=down:1",
        "Fn=error-rate:0",
        "Fn=error-rate:1.5",
        "Fn=error-rate:inf",
    ],
)
def test_anything_else_is_a_usage_error(spec: str) -> None:
    with pytest.raises(typer.BadParameter):
        parse_fault(spec)
