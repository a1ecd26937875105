"""Facade cohorts: a partner's requests all go to one side, and raising the green percentage only ever
moves partners blue → green (issue 10)."""

from __future__ import annotations

import base64
import json
import random
import uuid

from facade.cohorts import BLUE, GREEN, point, route

PARTNERS = [str(uuid.UUID(int=random.Random(7).getrandbits(128) ^ n, version=4)) for n in range(5000)]


def _token(claims: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"Bearer e30.{body}.sig"


def test_a_partner_is_sticky_wherever_its_id_appears() -> None:
    pid = PARTNERS[0]
    headers = {"Authorization": _token({"role": "partner", "partner_id": pid})}
    sides = {
        route(f"/partners/{pid}", None, {}, 37, lambda: 0).side,
        route(f"/partners/{pid}/profile-360", None, {}, 37, lambda: 0).side,
        route(f"/permissions/{pid}", None, {}, 37, lambda: 0).side,
        route("/campaigns", json.dumps({"partner_id": pid}).encode(), {}, 37, lambda: 0).side,
        route("/contracts", None, headers, 37, lambda: 99.9).side,
    }
    assert sides == {GREEN if point(pid) < 37 else BLUE}


def test_raising_the_percentage_only_moves_partners_blue_to_green() -> None:
    previous = {pid: BLUE for pid in PARTNERS}
    for percent in (0, 10, 25, 50, 75, 100):
        now = {pid: route(f"/partners/{pid}", None, {}, percent, lambda: 0).side for pid in PARTNERS}
        assert not [pid for pid in PARTNERS if previous[pid] == GREEN and now[pid] == BLUE]
        share = sum(side == GREEN for side in now.values()) / len(PARTNERS) * 100
        assert abs(share - percent) < 2.5, (percent, share)  # the hash spreads partners evenly
        previous = now


def test_without_a_partner_the_request_is_weighted_and_recruitment_is_green() -> None:
    assert route("/contracts/abc", None, {}, 30, lambda: 29.9).side == GREEN
    assert route("/contracts/abc", None, {}, 30, lambda: 30.0).side == BLUE
    assert route("/jobs", json.dumps({"partner_id": PARTNERS[1]}).encode(), {}, 0, lambda: 99).side == GREEN
    admin = {
        "Authorization": _token({"role": "admin", "partner_id": PARTNERS[2]})
    }  # only a partner's claim counts
    assert route("/partners", None, admin, 0, lambda: 50).partner_id is None
    assert route("/campaigns", b"{not json", {}, 100, lambda: 99.9).side == GREEN
