"""Recruitment validation: skills normalisation, experience bounds, enums, search cursor."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hexa_shared.errors import MalformedRequest
from recruitment.application.commands import CreateCandidate, SearchCandidates
from recruitment.application.search import decode_cursor, encode_cursor
from recruitment.domain.profiles import normalise_skills
from recruitment.domain.search import words

BODY = {
    "name": "Ana",
    "skills": ["python"],
    "experience_years": 3,
    "location": "Madrid",
    "availability": "IMMEDIATE",
}


def test_skills_are_trimmed_lowercased_and_deduplicated_in_order() -> None:
    assert normalise_skills([" Python ", "AWS", "python", "", "  ", "Power   BI", "aws"]) == (
        "python",
        "aws",
        "power bi",
    )
    with pytest.raises(ValueError):
        normalise_skills(["x" * 51])
    with pytest.raises(ValueError):
        normalise_skills([f"s{n}" for n in range(51)])


@pytest.mark.parametrize(
    "field,value",
    [
        ("experience_years", -1),
        ("experience_years", 61),
        ("experience_years", "3"),
        ("availability", "SOON"),
        ("skills", "python"),
        ("name", ""),
        ("email", "nope"),
        ("location", ""),
    ],
)
def test_candidate_fields(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as error:
        CreateCandidate.model_validate({**BODY, field: value})
    assert {e["loc"][0] for e in error.value.errors()} == {field}


def test_candidate_normalises_on_the_way_in() -> None:
    assert CreateCandidate.model_validate({**BODY, "skills": ["Go", "go ", "RUST"]}).skills == ["go", "rust"]


def test_search_parameters() -> None:
    assert SearchCandidates.model_validate({"skills": " Python, aws ,,python"}).skill_list() == (
        "python",
        "aws",
    )
    for bad in (
        {"limit": 0},
        {"limit": 101},
        {"min_experience": -1},
        {"availability": "x"},
        {"q": "x" * 501},
    ):
        with pytest.raises(ValidationError):
            SearchCandidates.model_validate(bad)


def test_words_are_what_both_engines_search_for() -> None:
    assert words('name:"Ana" OR *:* AND (java)') == ["name", "ana", "or", "and", "java"]
    assert words("!!! ***") == [] and words("José Ñandú") == ["josé", "ñandú"]


def test_cursor_round_trip_and_tampering() -> None:
    assert decode_cursor(encode_cursor((1.25, "c-1"))) == (1.25, "c-1")
    assert encode_cursor(None) is None and decode_cursor(None) is None
    for token in [
        "garbage",
        encode_cursor((1.0, "x"))[:-3] + "!!",
        "W10",
        "WyJhIiwgMV0",
        "WzEsIDJd",
        "WyJ4Il0",
    ]:
        with pytest.raises(MalformedRequest):
            decode_cursor(token)


class _BrokenIndex:
    """A search adapter whose engine is down (a fake: this tests our stream handling, not an engine)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def upsert(self, kind: str, documents: list) -> None:
        self.calls.append(("upsert", documents[0]["candidate_id"]))
        raise ConnectionError("search engine unreachable")

    def delete(self, kind: str, ids: list) -> None:
        self.calls.append(("delete", ids))


def test_an_unreachable_engine_fails_its_record_and_everything_after_it() -> None:
    """A transient failure (the engine is down) is retried in order: nothing after it is applied early."""
    from aws_lambda_powertools import Logger

    from hexa_shared.batch import handle_stream_records
    from recruitment.application.indexing import index_stream_record

    def record(seq: str, name: str, cid: str) -> dict:
        return {
            "eventName": name,
            "dynamodb": {
                "SequenceNumber": seq,
                "Keys": {"candidate_id": {"S": cid}},
                "NewImage": {"candidate_id": {"S": cid}},
            },
        }

    index = _BrokenIndex()
    event = {"Records": [record("1", "REMOVE", "a"), record("2", "INSERT", "b"), record("3", "MODIFY", "c")]}
    result = handle_stream_records(
        event,
        None,
        Logger(service="test"),
        lambda r: index_stream_record(
            "candidates", r, index, lambda image: {"candidate_id": image["candidate_id"]["S"]}
        ),
        consumer="test.indexer",
        parking_queue_env="UNUSED_PARKING_QUEUE_URL",
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "2"}, {"itemIdentifier": "3"}]}
    assert index.calls == [("delete", ["a"]), ("upsert", "b")]  # nothing after the failure was applied early
