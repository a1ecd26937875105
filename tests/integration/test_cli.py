"""The hexa CLI against the running test stack, as separate processes (as a user runs it)."""

from __future__ import annotations

import subprocess

import jwt

from support import Api, poll, register_partner, run_hexa, wait_for_contract


def hexa(cloud, *args: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    result = run_hexa(
        *args,
        "--stack",
        cloud.stack_name,
        "--template",
        str(cloud.template_path),
        env={"AWS_ENDPOINT_URL": cloud.endpoint_url},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_token_command_signs_with_the_stacks_key(cloud, api: Api) -> None:  # noqa: ANN001
    partner = register_partner(api)
    token = hexa(cloud, "token", "--role", "partner", "--partner-id", partner["partner_id"]).stdout.strip()
    assert jwt.decode(token, options={"verify_signature": False})["partner_id"] == partner["partner_id"]
    mine = api.as_(token)
    assert mine.get(f"/partners/{partner['partner_id']}").status_code == 200
    assert mine.get("/partners").json()["items"][0]["partner_id"] == partner["partner_id"]


def test_rebuild_projections_restores_a_damaged_read_model(cloud, api: Api, aws) -> None:  # noqa: ANN001
    first, second = register_partner(api), register_partner(api)
    lost, wrong = wait_for_contract(api, first["partner_id"]), wait_for_contract(api, second["partner_id"])
    assert api.post(f"/contracts/{wrong['contract_id']}/submit").status_code == 200
    poll(
        lambda: api.get(f"/contracts/{wrong['contract_id']}").json()["version"] == 2, what="projection at v2"
    )
    table = cloud.resources["ContractsTable"].ref
    ddb = aws("dynamodb")
    ddb.delete_item(TableName=table, Key={"contract_id": {"S": lost["contract_id"]}})
    ddb.update_item(
        TableName=table,
        Key={"contract_id": {"S": wrong["contract_id"]}},
        UpdateExpression="SET #s = :s, version = :v",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "ACTIVE"}, ":v": {"N": "99"}},
    )
    ddb.put_item(
        TableName=table,
        Item={
            "contract_id": {"S": "orphan"},
            "partner_id": {"S": "x"},
            "status": {"S": "DRAFT"},
            "created_at": {"S": "2026-01-01T00:00:00.000Z"},
        },
    )
    assert api.get(f"/contracts/{lost['contract_id']}").status_code == 404

    output = hexa(cloud, "rebuild-projections", "onboarding").stdout

    assert "rebuilt" in output
    assert api.get(f"/contracts/{lost['contract_id']}").json()["status"] == "DRAFT"
    restored = api.get(f"/contracts/{wrong['contract_id']}").json()
    assert (restored["status"], restored["version"]) == ("PENDING_SIGNATURE", 2)
    assert "Item" not in ddb.get_item(TableName=table, Key={"contract_id": {"S": "orphan"}})


def test_dlq_list_shows_every_dead_letter_queue(cloud) -> None:  # noqa: ANN001
    output = hexa(cloud, "dlq", "list").stdout
    for queue in ("OnboardingPartnerEventsDLQ", "ContractStreamFailuresQueue", "PartnerOutboxFailuresQueue"):
        assert queue in output
