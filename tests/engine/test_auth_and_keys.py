from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from facematch_ui.engine.models import ApiKey
from tests.engine.conftest import Api


def test_it_refuses_a_request_without_a_key(api: Api) -> None:
    reply = api.get("/v1/files", key=None)
    assert reply.status == 401
    assert "Missing API key" in reply.body["error"]


def test_it_refuses_a_wrong_key(api: Api) -> None:
    reply = api.get("/v1/face-match", key="fm_not-a-real-key")
    assert reply.status == 401
    assert reply.body == {"error": "Invalid or revoked API key."}


def test_it_refuses_a_non_bearer_scheme(api: Api, api_key: str) -> None:
    reply = api.get("/v1/files", key=None, headers={"Authorization": f"Basic {api_key}"})
    assert reply.status == 401


def test_it_accepts_a_valid_key_and_records_its_use(api: Api) -> None:
    assert api.get("/v1/files").status == 200
    assert ApiKey.objects.get(name="tests").last_used_at is not None


def test_it_accepts_the_in_process_transport_without_a_key(db: None) -> None:
    response = Client().get("/v1/files", **{"facematch.internal": True})
    assert response.status_code == 200


def test_a_header_cannot_impersonate_the_in_process_transport(db: None) -> None:
    response = Client().get("/v1/files", headers={"facematch.internal": "True"})
    assert response.status_code == 401


def test_create_api_key_prints_only_the_key(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("create_api_key", "ci")
    out = capsys.readouterr().out
    key = out.strip()
    assert out == key + "\n"
    assert key.startswith("fm_") and len(key) > 40
    record = ApiKey.objects.get(name="ci")
    assert key[3:].startswith(record.prefix)
    assert key not in record.key_hash
    assert Api(Client(), key).get("/v1/files").status == 200


def test_a_revoked_key_gets_401(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("create_api_key", "laptop")
    key = capsys.readouterr().out.strip()
    call_command("revoke_api_key", "laptop")
    assert "Revoked laptop" in capsys.readouterr().out
    reply = Api(Client(), key).get("/v1/files")
    assert reply.status == 401


def test_list_api_keys_shows_name_prefix_and_revocation(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("create_api_key", "alpha")
    key = capsys.readouterr().out.strip()
    call_command("revoke_api_key", key[:11])  # by prefix, as list_api_keys shows it
    capsys.readouterr()
    call_command("list_api_keys")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "PREFIX", "CREATED", "LAST", "USED", "REVOKED"]
    assert lines[1].startswith("alpha") and key[:11] in lines[1] and "UTC" in lines[1]
    assert key not in "\n".join(lines)


def test_unknown_methods_get_405_json(api: Api) -> None:
    reply = api.call("PATCH", "/v1/files")
    assert reply.status == 405
    assert "not allowed" in reply.body["error"]
