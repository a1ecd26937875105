"""Distributed traces through the local cloud: one X-Ray trace per request, across the outbox relay,
the bus, the queue and the consumer, read back from the local daemon stand-in's store."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from support import Api, activate_contract, partner_body, poll, register_partner, wait_for_contract


def nodes(tree: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every (node, parent) of a trace tree, depth first."""

    def walk(node: dict[str, Any], parent: dict[str, Any] | None) -> Iterator[tuple[dict[str, Any], Any]]:
        yield node, parent
        for child in node["children"]:
            yield from walk(child, node)

    for root in tree["roots"]:
        yield from walk(root, None)


def trace_of(response: Any) -> str:
    return response.headers["X-Amzn-Trace-Id"].removeprefix("Root=")


def wait_for_trace(cloud, trace_id: str, complete: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:  # noqa: ANN001
    def probe() -> dict[str, Any] | None:
        found = cloud.traces.traces(trace_id=trace_id)
        return found[0] if found and complete(found[0]) else None

    try:
        return poll(probe, timeout=15, what=f"trace {trace_id} to be complete")
    except AssertionError:
        names = sorted({n["name"] for tree in cloud.traces.traces(trace_id=trace_id) for n, _ in nodes(tree)})
        raise AssertionError(f"trace {trace_id} is incomplete; it has {names}") from None


def segment(tree: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    return next(((n, p) for n, p in nodes(tree) if n["kind"] == "segment" and n["name"] == name), None)


def having(*names: str) -> Callable[[dict[str, Any]], bool]:
    """Complete once every named segment arrived (each is sent when its own invocation ends)."""
    return lambda tree: all(segment(tree, name) is not None for name in names)


def test_registration_to_draft_contract_is_one_trace(cloud, api: Api) -> None:  # noqa: ANN001
    response = api.post("/partners", partner_body())
    assert response.status_code == 201, response.text
    wait_for_contract(api, response.json()["partner_id"])
    api_name, relay_name, consumer_name = (
        cloud.functions[lid].name
        for lid in (
            "PartnerManagementApiFunction",
            "PartnerEventRelayFunction",
            "OnboardingPartnerEventsFunction",
        )
    )

    tree = wait_for_trace(cloud, trace_of(response), having(api_name, relay_name, consumer_name))

    ((api_segment, no_parent),) = [(n, p) for n, p in nodes(tree) if n["name"] == api_name]
    assert no_parent is None and "POST" in api_segment["detail"] and "/partners" in api_segment["detail"]
    assert f"correlation_id={response.headers['X-Correlation-Id']}" in api_segment["detail"]
    assert any("TransactWriteItems" in c["detail"] for c in api_segment["children"])
    relay, relay_parent = segment(tree, relay_name)
    assert relay_parent is api_segment  # the outbox row carried the request's trace header
    assert [c["name"] for c in relay["children"]] == ["relay PartnerRegistrationCompleted"]
    consumer, consumer_parent = segment(tree, consumer_name)
    assert consumer_parent is relay["children"][0]  # PutEvents TraceHeader → SQS AWSTraceHeader → consumer
    work = consumer["children"][0]
    assert work["name"] == "consume PartnerRegistrationCompleted"
    assert f"correlation_id={response.headers['X-Correlation-Id']}" in work["detail"]
    assert any("TransactWriteItems" in c["detail"] for c in work["children"])  # the draft, in the same trace
    assert tree["correlation_ids"] == [response.headers["X-Correlation-Id"]]


def test_a_contract_event_carries_the_trace_of_the_request_that_stored_it(cloud, api: Api) -> None:  # noqa: ANN001
    partner = register_partner(api)
    contract_id = wait_for_contract(api, partner["partner_id"])["contract_id"]
    for step, body in (("submit", {}), ("sign", {"signed_by": "Tracy"})):
        assert api.post(f"/contracts/{contract_id}/{step}", body).status_code == 200
    activated = api.post(f"/contracts/{contract_id}/activate")
    assert activated.status_code == 200
    api_name, publisher, consumer = (
        cloud.functions[lid].name
        for lid in (
            "OnboardingApiFunction",
            "ContractEventPublisherFunction",
            "CampaignContractEventsFunction",
        )
    )

    tree = wait_for_trace(cloud, trace_of(activated), having(api_name, publisher, consumer))

    published, _ = segment(tree, publisher)
    assert [c["name"] for c in published["children"]] == ["publish ContractActivated"]
    _, consumer_parent = segment(tree, consumer)
    assert consumer_parent is published["children"][0]


def test_profile_360_owner_calls_join_the_callers_trace(cloud, api: Api) -> None:  # noqa: ANN001
    partner = register_partner(api)
    activate_contract(api, wait_for_contract(api, partner["partner_id"])["contract_id"])
    profile = f"/partners/{partner['partner_id']}/profile-360"
    response = poll(
        lambda: (r := api.get(profile)).status_code == 200 and "ok" in r.json()["sources"].values() and r,
        what="an owner answering within the 300 ms budget",
    )
    owner_of = {
        "contracts": "OnboardingApiFunction",
        "campaigns": "CampaignManagementApiFunction",
        "recruitment": "RecruitmentApiFunction",
    }
    owners = {
        cloud.functions[owner_of[section]].name
        for section, source in response.json()["sources"].items()
        if source == "ok"
    }

    api_name = cloud.functions["PartnerManagementApiFunction"].name

    tree = wait_for_trace(cloud, trace_of(response), having(api_name, *owners))

    for owner in owners:
        node, parent = segment(tree, owner)
        assert parent is not None and parent["kind"] == "subsegment" and "GET" in parent["detail"]
