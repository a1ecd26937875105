"""The facade's traffic state: `hexa traffic set|status` against the stack's TrafficStateTable, bad
values refused with nothing changed, concurrent writers never overwriting each other unseen."""

from __future__ import annotations

import pytest

from facade.state import StateConflict, Traffic, TrafficState
from support import run_hexa


def traffic(cloud, *args: str):  # noqa: ANN001, ANN201
    return run_hexa("traffic", *args, "--stack", cloud.stack_name, "--endpoint-url", cloud.endpoint_url)


def test_set_and_status_through_the_cli(cloud) -> None:  # noqa: ANN001
    state = TrafficState(cloud.resources["TrafficStateTable"].ref, cache_seconds=0)
    assert traffic(cloud, "set", "--green", "10", "--shadow", "5").returncode == 0
    shown = traffic(cloud, "status")
    assert shown.returncode == 0 and "green 10% of partners, shadow 5% of GETs" in shown.stdout
    assert (state.read().green_percent, state.read().shadow_percent) == (10, 5)
    for bad in (["--green", "150"], ["--shadow", "-1"], []):
        refused = traffic(cloud, "set", *bad)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert (state.read().green_percent, state.read().shadow_percent) == (10, 5)  # nothing changed
    assert traffic(cloud, "set", "--green", "0", "--shadow", "0").returncode == 0


def test_two_writers_from_the_same_read_cannot_both_win(cloud) -> None:  # noqa: ANN001
    state = TrafficState(cloud.resources["TrafficStateTable"].ref, cache_seconds=0)
    seen = state.read()
    state.write(seen, green_percent=50, by="operator")
    with pytest.raises(StateConflict):
        state.write(seen, green_percent=0, by="a stale controller")
    assert state.read().green_percent == 50 and state.read().updated_by == "operator"
    state.write(state.read(), green_percent=0, by="test cleanup")
    with pytest.raises(ValueError, match="between 0 and 100"):
        Traffic(green_percent=101)
