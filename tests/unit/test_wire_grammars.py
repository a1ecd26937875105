"""Property-based tests of what the platform accepts on the wire (issue 12 #5, #6, #9): the strict JSON
parser, money, dates, timestamps and text. Each property is checked against an independent oracle."""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hexa_shared import strict_json
from hexa_shared.fields import iso_date
from hexa_shared.formats import EARLIEST_DATE, LATEST_DATE, is_timestamp, parse_timestamp, text_problem
from hexa_shared.http.responses import json_response
from hexa_shared.money import MAX_MONEY, parse_money

SETTINGS = settings(max_examples=300, deadline=None)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=("Cs",))),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@SETTINGS
@given(json_values)
def test_every_finite_json_value_round_trips(value: object) -> None:
    assert strict_json.loads(json.dumps(value)) == value
    assert strict_json.loads(strict_json.dumps(value).encode()) == value


@SETTINGS
@given(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "-1e400", "1E999"]), json_values)
def test_non_finite_numbers_are_refused_wherever_they_hide(bad: str, around: object) -> None:
    with pytest.raises(strict_json.JsonRejected):
        strict_json.loads(
            json.dumps({"terms": {"fee": "__BAD__", "around": around}}).replace('"__BAD__"', bad)
        )


def test_nothing_non_finite_ever_leaves() -> None:
    for value in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError):
            strict_json.dumps({"x": value})
        with pytest.raises(ValueError):
            json_response({"x": value})


@SETTINGS
@given(st.text(min_size=1, max_size=6), st.integers(), st.integers())
def test_duplicate_keys_are_refused(key: str, first: int, second: int) -> None:
    text = "{" + f"{json.dumps(key)}: {first}, {json.dumps(key)}: {second}" + "}"
    with pytest.raises(strict_json.JsonRejected, match="duplicate key"):
        strict_json.loads(text)


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_nesting_deeper_than_32_is_refused_not_a_crash(depth: int) -> None:
    for opener, closer in (("[", "]"), ('{"a":', "}")):
        with pytest.raises(strict_json.JsonRejected, match="nested deeper"):
            strict_json.loads(opener * depth + "1" + closer * depth)


def test_nesting_of_32_levels_is_fine() -> None:
    expected: list = []
    for _ in range(31):
        expected = [expected]
    assert strict_json.loads("[" * 32 + "]" * 32) == expected


@pytest.mark.parametrize("text", ['"\\ud800"', '{"\\udfff": 1}', '["ok", "\\ud83d"]'])
def test_lone_surrogates_are_refused(text: str) -> None:
    with pytest.raises(strict_json.JsonRejected, match="surrogate"):
        strict_json.loads(text)


# ------------------------------------------------------------------ money
MONEY = re.compile(r"[0-9]{1,13}(\.[0-9]{1,2})?")


def _money_oracle(text: str) -> Decimal | None:
    if not MONEY.fullmatch(text) or Decimal(text) > MAX_MONEY:
        return None
    return Decimal(text).quantize(Decimal("0.01"))


@SETTINGS
@given(
    st.one_of(
        st.text(max_size=20),
        st.from_regex(r"\A-?[0-9]{1,14}(\.[0-9]{0,3})?\Z"),
        st.sampled_from(
            [
                "1_000",
                "1E+1",
                "-0",
                "+5",
                " 5",
                "5 ",
                "٣",
                "0x10",
                "1e309",
                "NaN",
                "Infinity",
                "1,000.00",
                "1.",
                ".5",
            ]
        ),
    )
)
@example("1_000")
@example("-0")
def test_money_strings_follow_the_grammar_exactly(text: str) -> None:
    expected = _money_oracle(text)
    if expected is None:
        with pytest.raises(ValueError):
            parse_money(text)
    else:
        assert parse_money(text) == expected and str(parse_money(text)) == f"{expected:.2f}"


@SETTINGS
@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_money_integers_are_whole_amounts(value: int) -> None:
    if 0 <= value <= MAX_MONEY:
        assert parse_money(value) == Decimal(value)
    else:
        with pytest.raises(ValueError):
            parse_money(value)


@given(st.floats() | st.booleans() | st.none() | st.lists(st.integers()))
def test_money_is_never_a_float_or_anything_else(value: object) -> None:
    with pytest.raises(ValueError):
        parse_money(value)


# ------------------------------------------------------------------ dates and timestamps
def _date_oracle(text: str) -> date | None:
    if len(text) != 10 or not text.isascii():
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if day.isoformat() == text and EARLIEST_DATE <= day <= LATEST_DATE else None


@SETTINGS
@given(
    st.one_of(
        st.text(max_size=12),
        st.dates().map(date.isoformat),
        st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"),
        st.sampled_from(
            [
                "2026-W49-1",
                "20261201",
                "0001-01-01",
                "9999-12-31",
                "2026-12-01T00:00:00",
                "2026-02-29",
                "2028-02-29",
                "２０２６-１２-０１",
                " 2026-12-01",
            ]
        ),
    )
)
def test_dates_are_strictly_yyyy_mm_dd_in_a_sane_range(text: str) -> None:
    expected = _date_oracle(text)
    if expected is None:
        with pytest.raises(ValueError):
            iso_date(text)
    else:
        assert iso_date(text) == expected


@SETTINGS
@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59)))
def test_our_own_timestamps_are_accepted(moment: datetime) -> None:
    from hexa_shared.clock import iso

    text = iso(moment.replace(tzinfo=timezone.utc))
    assert is_timestamp(text)
    assert abs(parse_timestamp(text) - moment.replace(tzinfo=timezone.utc)) < timedelta(milliseconds=1)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-30T16:33:31+01:00",
        "2026-11-30 16:33:31Z",
        "2026-11-30T25:00:00Z",
        "2026-11-30T16:33:31.1234567890Z",
        "yesterday",
        "0001-01-01T00:00:00Z",
        "2026-11-30T16:33:31z",
        "2026-11-30T16:33Z",
        "",
    ],
)
def test_garbage_timestamps_are_not_timestamps(text: str) -> None:
    assert not is_timestamp(text)


# ------------------------------------------------------------------ text
@SETTINGS
@given(st.text())
def test_text_is_refused_exactly_when_it_holds_controls_or_broken_unicode(value: str) -> None:
    allowed = {"\t", "\n", "\r"}
    bad = any(
        (ord(c) < 32 and c not in allowed) or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
        for c in value
    )
    assert (text_problem(value) is not None) is bad
    if not bad and any(c in value for c in "\t\n\r\u2028\u2029"):
        assert text_problem(value, multiline=False) == "must be a single line (no tabs or line breaks)"


def test_the_json_oracle_is_sane() -> None:
    assert math.isinf(float("1e309"))  # why 1e309 must be refused: it parses to inf
