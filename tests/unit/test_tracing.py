"""Trace headers in handlers (hexa_shared.tracing) and the local trace store's trees."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator

import pytest

from hexa_infra.local.trace_store import TraceStore
from hexa_infra.local.xray_daemon import parse_datagram
from hexa_shared import tracing

ROOT, PARENT = "1-6b0a0000-0123456789abcdef01234567", "0123456789abcdef"
HEADER = f"Root={ROOT};Parent={PARENT};Sampled=1"


@pytest.fixture
def recorder() -> Iterator[Any]:
    rec = tracing.recorder()
    rec.clear_trace_entities()
    yield rec
    rec.clear_trace_entities()


def begin(rec: Any, name: str = "producer") -> Any:
    return rec.begin_segment(name, sampling=1)


def test_outside_a_trace_there_is_no_header_and_nothing_breaks(recorder: Any) -> None:
    assert tracing.current_trace_header() is None
    with tracing.continue_trace(None, "work"), tracing.annotated("svc", correlation_id="c"):
        ran = True
    assert ran and tracing.outgoing_trace_header(HEADER) == HEADER


def test_the_header_names_the_current_entity_as_parent(recorder: Any) -> None:
    segment = begin(recorder)
    assert tracing.current_trace_header() == f"Root={segment.trace_id};Parent={segment.id};Sampled=1"
    with recorder.in_subsegment("inner") as inner:
        assert tracing.current_trace_header() == f"Root={segment.trace_id};Parent={inner.id};Sampled=1"


def test_a_published_event_carries_the_current_entity_only_within_its_own_trace(recorder: Any) -> None:
    segment = begin(recorder)
    current = tracing.current_trace_header()
    same_trace = f"Root={segment.trace_id};Parent=aaaaaaaaaaaaaaaa;Sampled=1"
    assert tracing.outgoing_trace_header(None) == current  # published directly inside the request
    assert tracing.outgoing_trace_header(same_trace) == current  # relayed under the stored trace
    assert tracing.outgoing_trace_header(HEADER) == HEADER  # relayed outside it: the stored one


def test_continuing_the_current_trace_is_a_subsegment(recorder: Any) -> None:
    segment = recorder.begin_segment("consumer", traceid=ROOT, parent_id=PARENT, sampling=1)
    with tracing.continue_trace(HEADER, "consume X"):
        assert recorder.current_subsegment().name == "consume X"
        assert recorder.current_segment() is segment
    assert recorder.get_trace_entity() is segment


def test_continuing_another_trace_begins_a_segment_of_the_same_service_there(recorder: Any) -> None:
    invocation = begin(recorder, "consumer-function")
    with pytest.raises(ValueError), tracing.continue_trace(HEADER, "consume X"):
        continued = recorder.current_segment()
        work = recorder.current_subsegment()
        raise ValueError("the handler's failure propagates")
    assert (continued.name, continued.trace_id, continued.parent_id) == ("consumer-function", ROOT, PARENT)
    assert work.name == "consume X" and work.fault
    assert recorder.get_trace_entity() is invocation
    assert invocation.metadata["hexa"]["linked_traces"] == [ROOT]


def test_a_malformed_header_is_ignored_like_x_ray_does(recorder: Any) -> None:
    segment = begin(recorder)
    for header in ("Root=nonsense", "Parent=0123456789abcdef", f"Root={ROOT};Parent=short"):
        assert tracing.parse(header) is None
        with tracing.continue_trace(header, "work"):
            assert recorder.current_segment() is segment
        assert tracing.outgoing_trace_header(header) == tracing.current_trace_header()  # never published


def test_tracing_off_means_no_headers_and_no_subsegments(
    recorder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    segment = begin(recorder)
    monkeypatch.setenv("HEXA_TRACING", "off")
    assert tracing.current_trace_header() is None
    with tracing.continue_trace(HEADER, "work"):
        assert recorder.get_trace_entity() is segment


def test_work_on_another_thread_joins_the_callers_trace(recorder: Any) -> None:
    segment = begin(recorder)
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(tracing.in_current_trace(recorder.get_trace_entity)).result()
        left_behind = pool.submit(recorder.get_trace_entity).result()
    assert seen is segment and left_behind is None


def test_correlation_ids_are_annotations_and_a_lambda_facade_gets_a_subsegment(recorder: Any) -> None:
    from aws_xray_sdk.core.models.facade_segment import FacadeSegment

    segment = begin(recorder)
    with tracing.annotated("svc", correlation_id="c-1"):
        pass
    assert segment.annotations == {"correlation_id": "c-1"}

    facade = FacadeSegment("facade", entityid=PARENT, traceid=ROOT, sampled=True)
    recorder.set_trace_entity(facade)
    with tracing.annotated("svc", correlation_id="c-2"):
        carrier = recorder.current_subsegment()
    assert carrier.name == "svc" and carrier.annotations == {"correlation_id": "c-2"}


def document(id_: str, parent: str | None = None, start: float = 0.0, **extra: Any) -> dict[str, Any]:
    doc = {
        "id": id_,
        "name": id_,
        "trace_id": ROOT,
        "start_time": 100 + start,
        "end_time": 100.5 + start,
        **extra,
    }
    if parent:
        doc.update(parent_id=parent, type="subsegment")
    return doc


def test_the_store_assembles_a_tree_from_streamed_subsegments_in_any_order() -> None:
    store = TraceStore()
    store.add(
        document("db", parent="work", start=0.2, aws={"operation": "PutItem"})
    )  # streamed, arrives first
    store.add(
        document(
            "api",
            annotations={"correlation_id": "c"},
            http={"request": {"method": "POST"}},
            subsegments=[document("work", start=0.1)],
        )
    )
    store.add(document("consumer", parent="work", start=0.3))  # a segment continuing the trace
    store.add(b'{"id": "cut short by the datagram size')

    (tree,) = store.traces(correlation_id="c")

    assert tree["trace_id"] == ROOT and tree["documents"] == 4 and tree["correlation_ids"] == ["c"]
    (api,) = tree["roots"]
    assert (api["name"], api["detail"], api["start_ms"], api["duration_ms"]) == (
        "api",
        "POST  correlation_id=c",
        0.0,
        500.0,
    )
    (work,) = api["children"]
    assert [(c["name"], c["start_ms"]) for c in work["children"]] == [("db", 200.0), ("consumer", 300.0)]
    assert work["children"][0]["detail"] == "PutItem"


def test_the_store_is_bounded_and_answers_the_last_traces() -> None:
    store = TraceStore(max_documents=3)
    for n in range(4):
        store.add(
            {"id": f"s{n}", "name": "fn", "trace_id": f"1-00000000-{n:024x}", "start_time": n, "end_time": n}
        )
    assert len(store) == 3
    assert [t["roots"][0]["id"] for t in store.traces()] == ["s1", "s2", "s3"]
    assert [t["roots"][0]["id"] for t in store.traces(last=2)] == ["s2", "s3"]
    assert store.traces(correlation_id="nobody") == []


def test_daemon_datagrams_are_a_protocol_header_and_one_document() -> None:
    assert parse_datagram(b'{"format":"json","version":1}\n{"id":"a"}') == b'{"id":"a"}'
    for junk in (
        b'{"id":"a"}',
        b'{"format":"json","version":2}\n{"id":"a"}',
        b'{"format":"json","version":1}\n[1]',
        b"not json\n{}",
        b"",
    ):
        assert parse_datagram(junk) is None
