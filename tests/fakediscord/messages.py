"""Message storage shared by channel messages, interaction responses and dispatched user messages."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from . import limits
from .gateway import INTENT_GUILD_MESSAGES
from .payloads import FakeGuild, FakeUser, iso, snowflake

if TYPE_CHECKING:
    from .interactions import InteractionRecord
    from .server import FakeDiscord


class MessageStore:
    """Mixed into FakeDiscord; state lives in ``_messages`` (as served) and ``_meta`` (request side)."""

    def _recorded(self: FakeDiscord, message_id: int) -> dict[str, Any]:
        meta = self._meta[message_id]
        return {**copy.deepcopy(self._messages[message_id]), "allowed_mentions": meta.get("allowed_mentions"),
                "files": meta.get("files", []), "source": meta["source"]}

    def _attachments(self: FakeDiscord, message_id: int, payload: dict[str, Any], files: list[dict[str, Any]],
                     existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
        blobs = self._meta.setdefault(message_id, {}).setdefault("blobs", {})
        by_index = {}
        for i, f in enumerate(files):
            m = re.match(r"files\[(\d+)\]", f["field"] or "")
            by_index[int(m.group(1)) if m else i] = f

        def new(index: int, meta: dict[str, Any]) -> dict[str, Any]:
            f, aid = by_index[index], str(snowflake())
            blobs[aid] = f["data"]
            filename = meta.get("filename") or f["filename"]
            url = f"{self.base_url}/attachments/{message_id}/{aid}/{filename}"
            att = {"id": aid, "filename": filename, "size": f["size"], "url": url, "proxy_url": url,
                   "content_type": f["content_type"]}
            if meta.get("description"):
                att["description"] = meta["description"]
            return att

        if "attachments" not in payload:
            return existing + [new(i, {}) for i in sorted(by_index)]
        keep = {a["id"]: a for a in existing}
        result = []
        for meta in payload.get("attachments") or []:
            aid = str(meta.get("id"))
            if aid in keep:
                result.append(keep[aid])
            elif aid.isdigit() and int(aid) in by_index:
                result.append(new(int(aid), meta))
        return result

    def _mentions(self: FakeDiscord, content: str, allowed: dict[str, Any] | None, guild: FakeGuild | None) -> tuple[list, list, bool]:
        parse = None if allowed is None else set(allowed.get("parse") or [])
        user_ids = [int(u) for u in re.findall(r"<@!?(\d+)>", content)]
        role_ids = [int(r) for r in re.findall(r"<@&(\d+)>", content)]
        if parse is not None:
            explicit_users = {int(u) for u in allowed.get("users") or []}  # type: ignore[union-attr]
            explicit_roles = {int(r) for r in allowed.get("roles") or []}  # type: ignore[union-attr]
            user_ids = [u for u in user_ids if "users" in parse or u in explicit_users]
            role_ids = [r for r in role_ids if "roles" in parse or r in explicit_roles]
        everyone = bool(re.search(r"@(everyone|here)", content)) and (parse is None or "everyone" in parse)
        users = []
        for uid in dict.fromkeys(user_ids):
            user = self.users.get(uid)
            if user:
                data = user.to_dict()
                member = guild.member(uid) if guild else None
                if member:
                    data["member"] = member.to_dict(with_user=False)
                users.append(data)
        return users, [str(r) for r in dict.fromkeys(role_ids)], everyone

    async def create_message(self: FakeDiscord, channel_id: int, payload: dict[str, Any], *, files: list[dict[str, Any]] | None = None,
                             author: FakeUser | None = None, source: str = "channel",
                             interaction: InteractionRecord | None = None, extra_flags: int = 0) -> dict[str, Any]:
        """Create and store a message (also used for dispatched user messages and interaction responses)."""
        channel = self.get_channel(channel_id)
        guild = self.get_guild(channel.guild_id) if channel and channel.guild_id else None
        author = author or self.bot
        mid = snowflake()
        self._msg_seq += 1
        meta = self._meta.setdefault(mid, {})
        meta.update(seq=self._msg_seq, channel_id=int(channel_id), source=source, payload=copy.deepcopy(payload),
                    files=[{k: v for k, v in f.items()} for f in files or []],
                    allowed_mentions=payload.get("allowed_mentions"),
                    interaction_id=interaction.id if interaction else None)
        content = payload.get("content") or ""
        mentions, mention_roles, everyone = self._mentions(content, payload.get("allowed_mentions"), guild)
        msg: dict[str, Any] = {
            "id": str(mid), "channel_id": str(channel_id), "author": author.to_dict(), "content": content,
            "timestamp": iso(), "edited_timestamp": None, "tts": bool(payload.get("tts")),
            "mention_everyone": everyone, "mentions": mentions, "mention_roles": mention_roles,
            "attachments": self._attachments(mid, payload, files or [], []), "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [], "reactions": [], "pinned": False, "type": 0,
            "flags": int(payload.get("flags") or 0) | extra_flags, "nonce": payload.get("nonce"),
            "sticker_items": [], "position": 0,
        }
        if guild is not None:
            msg["guild_id"] = str(guild.id)
        ref = payload.get("message_reference")
        if ref and ref.get("message_id") and int(ref["message_id"]) in self._messages:
            msg["type"] = 19
            msg["message_reference"] = {"type": 0, "message_id": str(ref["message_id"]), "channel_id": str(channel_id),
                                        **({"guild_id": str(guild.id)} if guild else {})}
            referenced = copy.deepcopy(self._messages[int(ref["message_id"])])
            msg["referenced_message"] = referenced
            replied = (payload.get("allowed_mentions") or {}).get("replied_user", True)
            if replied and referenced["author"]["id"] not in [m["id"] for m in mentions]:
                msg["mentions"].append(referenced["author"])
        if interaction is not None:
            user = interaction.payload.get("member", {}).get("user") or interaction.payload.get("user")
            msg.update(webhook_id=str(self.application_id), application_id=str(self.application_id))
            msg["interaction_metadata"] = {"id": str(interaction.id), "type": interaction.type, "user": user,
                                           "authorizing_integration_owners": interaction.payload.get("authorizing_integration_owners", {})}
            if interaction.type == 2:
                msg["type"] = 20
                msg["interaction"] = {"id": str(interaction.id), "type": 2, "user": user,
                                      "name": interaction.payload["data"]["name"]}
        self._messages[mid] = msg
        await self._notify()
        if source != "gateway" and not msg["flags"] & limits.FLAG_EPHEMERAL:
            await self._echo("MESSAGE_CREATE", msg, guild)
        return msg

    async def edit_message(self: FakeDiscord, message_id: int, payload: dict[str, Any], files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        msg = self._messages[message_id]
        meta = self._meta[message_id]
        was_loading = bool(msg["flags"] & limits.FLAG_LOADING)
        for key in ("content", "embeds", "components"):
            if key in payload:
                msg[key] = payload[key] if payload[key] is not None else ([] if key != "content" else "")
        if "flags" in payload and payload["flags"] is not None:
            # Only suppress-embeds and components-v2 can change after creation.
            mutable = (1 << 2) | limits.FLAG_COMPONENTS_V2
            msg["flags"] = (msg["flags"] & ~mutable) | (int(payload["flags"]) & mutable)
        if "content" in payload:
            guild = self.get_guild(int(msg["guild_id"])) if msg.get("guild_id") else None
            msg["mentions"], msg["mention_roles"], msg["mention_everyone"] = self._mentions(
                msg["content"], payload.get("allowed_mentions", meta.get("allowed_mentions")), guild)
        if "allowed_mentions" in payload:
            meta["allowed_mentions"] = payload["allowed_mentions"]
        msg["attachments"] = self._attachments(message_id, payload, files or [], msg["attachments"])
        meta.setdefault("files", []).extend(files or [])
        msg["flags"] &= ~limits.FLAG_LOADING
        msg["edited_timestamp"] = None if was_loading else iso()
        await self._notify()
        if not msg["flags"] & limits.FLAG_EPHEMERAL:
            guild = self.get_guild(int(msg["guild_id"])) if msg.get("guild_id") else None
            await self._echo("MESSAGE_UPDATE", msg, guild)
        return msg

    async def delete_message(self: FakeDiscord, message_id: int) -> None:
        msg = self._messages[message_id]
        self._meta[message_id]["deleted"] = True
        await self._notify()
        if not msg["flags"] & limits.FLAG_EPHEMERAL:
            guild = self.get_guild(int(msg["guild_id"])) if msg.get("guild_id") else None
            data = {"id": msg["id"], "channel_id": msg["channel_id"], **({"guild_id": msg["guild_id"]} if guild else {})}
            await self._echo("MESSAGE_DELETE", data, guild, content_event=False)

    async def _echo(self: FakeDiscord, event: str, msg: dict[str, Any], guild: FakeGuild | None, content_event: bool = True) -> None:
        if not self.echo_bot_messages:
            return
        try:
            session = self.session_for_guild(guild.id if guild else None)
        except RuntimeError:
            return
        if session.has_intent(INTENT_GUILD_MESSAGES):
            await session.dispatch(event, copy.deepcopy(msg))
