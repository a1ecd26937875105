"""`hexa up --fault`: what the option accepts and what it refuses."""
from __future__ import annotations

import pytest
import typer

from hexa_infra.cli import parse_fault


def test_down_and_stall_specs_parse() -> None:
    assert parse_fault("RecruitmentApiFunction=down") == ("RecruitmentApiFunction", True, 0.0)
    assert parse_fault("OnboardingApiFunction=stall:2.5") == ("OnboardingApiFunction", False, 2.5)


@pytest.mark.parametrize("spec", ["RecruitmentApiFunction", "=down", "Fn=slow", "Fn=stall:", "Fn=stall:x",
                                  "Fn=stall:0", "Fn=stall:-1", "Fn=stall:61", "Fn=stall:nan"])
def test_anything_else_is_a_usage_error(spec: str) -> None:
    with pytest.raises(typer.BadParameter):
        parse_fault(spec)
