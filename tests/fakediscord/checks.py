"""After-test checks shared by every suite that drives the bot through the fake."""
from __future__ import annotations

from typing import Any

from . import limits

EPHEMERAL = 64


def command_of(fake: Any, record) -> str | None:
    """The top-level command an interaction belongs to (modal submits and clicks: their origin)."""
    if record.type in (2, 4):
        return record.payload["data"]["name"]
    message = record.payload.get("message") or {}
    origin = (message.get("interaction_metadata") or {}).get("id")
    if origin and int(origin) in fake._interactions:
        return command_of(fake, fake._interactions[int(origin)])
    modal_from = next((r for r in fake._interactions.values()
                       if r.modal and r.modal.get("custom_id") == record.payload["data"].get("custom_id")), None)
    return command_of(fake, modal_from) if modal_from else None


def check_payloads(fake: Any, ephemeral_commands: frozenset[str] | set[str] = frozenset()) -> None:
    """No request broke a limit; every message, autocomplete and modal fits; nothing can ping;
    and every reply to one of ``ephemeral_commands`` (its modals and buttons too) was ephemeral."""
    assert fake.violations == [] and fake.unknown_routes == []
    for req in fake.requests:
        body, path, method = req["json"], req["path"], req["method"]
        if not isinstance(body, dict):
            continue
        if path.startswith("/interactions/"):
            data = body.get("data") or {}
            if body.get("type") in (4, 7):
                assert limits.check_message(data) == {}, data
                if body["type"] == 4:
                    assert data.get("allowed_mentions", {}).get("parse") == [], data
            elif body.get("type") == 8:
                assert limits.check_autocomplete(data) == {}, data
            elif body.get("type") == 9:
                assert limits.check_modal(data) == {}, data
                assert len(limits.modal_text_inputs(data["components"])) <= 5
        elif path.startswith(("/webhooks/", "/channels/")) and method in ("POST", "PATCH") and "/typing" not in path:
            assert limits.check_message(body) == {}, body
            if method == "POST":
                assert body.get("allowed_mentions", {}).get("parse") == [], body
    for iid, record in fake._interactions.items():
        if command_of(fake, record) not in ephemeral_commands:
            continue
        for r in fake.responses(iid):
            if r["kind"] == "callback" and r["type"] in (4, 5):
                assert (r["data"] or {}).get("flags", 0) & EPHEMERAL, r
            if r["kind"] == "followup" and r["message"]:
                assert r["message"]["flags"] & EPHEMERAL, r
