"""Interaction payload builders and gateway dispatch helpers (mixed into FakeDiscord)."""

from __future__ import annotations

import copy
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from .gateway import INTENT_DIRECT_MESSAGES, INTENT_GUILD_MESSAGES, INTENT_MESSAGE_CONTENT
from .payloads import FakeChannel, FakeGuild, FakeRole, FakeUser, channel_for_interaction, snowflake

if TYPE_CHECKING:
    from .server import FakeDiscord

OPTION_TYPES = {"subcommand": 1, "group": 2, "string": 3, "integer": 4, "boolean": 5, "user": 6, "channel": 7,
                "role": 8, "mentionable": 9, "number": 10, "attachment": 11}


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int  # 2 command, 3 component, 4 autocomplete, 5 modal submit
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    dispatched_at: float  # time.monotonic()
    source_message_id: int | None = None  # the message a component/modal came from
    acked_at: float | None = None
    callback_type: int | None = None
    original_message_id: int | None = None
    modal: dict[str, Any] | None = None  # data of a type-9 callback
    expired: bool = False  # a callback arrived after the ack deadline
    responses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ack_latency(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.dispatched_at


def _user_id(user: FakeUser | int | str) -> int:
    return user.id if isinstance(user, FakeUser) else int(user)


class InteractionBuilders:
    # ------------------------------------------------------------------ common parts

    def _resolve_user(self: FakeDiscord, user: FakeUser | int | None) -> FakeUser:
        if user is None:
            return self.default_user
        return self.users[_user_id(user)]

    def _where(self: FakeDiscord, guild_id: int | None, channel_id: int | None) -> tuple[FakeGuild | None, FakeChannel]:
        if channel_id is not None:
            channel = self.get_channel(channel_id)
            if channel is None:
                raise ValueError(f"unknown channel {channel_id}")
            return (self.get_guild(channel.guild_id) if channel.guild_id else None), channel
        guild = self.get_guild(guild_id) if guild_id is not None else self.guild
        if guild is None:
            raise ValueError(f"unknown guild {guild_id}")
        return guild, next(c for c in guild.channels if c.type == 0)

    def _interaction_base(self: FakeDiscord, itype: int, data: dict[str, Any], *, user: FakeUser,
                          guild: FakeGuild | None, channel: FakeChannel, locale: str = "en-US",
                          app_permissions: int | None = None, context: int | None = None,
                          message: dict[str, Any] | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(snowflake()), "application_id": str(self.application_id), "type": itype, "data": data,
            "token": "fake-itoken-" + secrets.token_hex(24), "version": 1, "locale": locale,
            "entitlements": [], "entitlement_sku_ids": [], "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(channel.id),
        }
        if guild is not None:
            member = guild.member(user.id)
            if member is None:
                raise ValueError(f"user {user.username} is not a member of guild {guild.name}")
            perms = guild.permissions_for(user.id)
            bot_perms = guild.permissions_for(self.bot.id) if app_permissions is None else app_permissions
            payload.update({
                "guild_id": str(guild.id), "guild_locale": guild.locale,
                "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
                "member": {**member.to_dict(), "permissions": str(perms)},
                "channel": channel_for_interaction(channel, perms),
                "app_permissions": str(bot_perms),
                "authorizing_integration_owners": {"0": str(guild.id)},
                "context": 0 if context is None else context,
            })
        else:
            payload.update({
                "user": user.to_dict(),
                "channel": {"id": str(channel.id), "type": 1, "flags": 0, "last_message_id": None,
                            "recipients": [user.to_dict()]},
                "app_permissions": str(app_permissions or 0),
                "authorizing_integration_owners": {"1": str(user.id)},
                "context": 1 if context is None else context,
            })
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        return payload

    # ------------------------------------------------------------------ application commands

    def _find_command(self: FakeDiscord, name: str, guild_id: int | None, ctype: int) -> dict[str, Any] | None:
        for scope in ([guild_id] if guild_id else []) + [None]:
            cmd = self._commands.get(scope, {}).get((ctype, name))
            if cmd is not None:
                return cmd
        return None

    def _option(self: FakeDiscord, name: str, value: Any, schema: dict[str, Any] | None, focused: bool,
                resolved: dict[str, dict[str, Any]], guild: FakeGuild | None) -> dict[str, Any]:
        otype = schema["type"] if schema else None
        if otype is None:
            if isinstance(value, bool):
                otype = 5
            elif isinstance(value, int):
                otype = 4
            elif isinstance(value, float):
                otype = 10
            elif isinstance(value, FakeUser):
                otype = 6
            elif isinstance(value, FakeChannel):
                otype = 7
            elif isinstance(value, FakeRole):
                otype = 8
            elif isinstance(value, dict) and "filename" in value:
                otype = 11
            else:
                otype = 3
        if isinstance(value, (FakeUser, FakeChannel, FakeRole)):
            value = str(value.id)
        if otype == 11 and isinstance(value, dict):  # an upload_attachment() dict: its id, resolved
            resolved.setdefault("attachments", {})[str(value["id"])] = copy.deepcopy(value)
            value = str(value["id"])
        option = {"name": name, "type": otype, "value": value}
        if focused:
            option.update(value=str(value), focused=True)  # Discord sends the partial text as a string
        elif otype in (6, 7, 8, 9):
            option["value"] = str(value)
            self._resolve(int(value), resolved, guild)
        return option

    def _resolve(self: FakeDiscord, object_id: int, resolved: dict[str, dict[str, Any]], guild: FakeGuild | None) -> None:
        key = str(object_id)
        if object_id in self.users:
            resolved.setdefault("users", {})[key] = self.users[object_id].to_dict()
            member = guild.member(object_id) if guild else None
            if member:
                resolved.setdefault("members", {})[key] = {**member.to_dict(with_user=False),
                                                           "permissions": str(guild.permissions_for(object_id))}  # type: ignore[union-attr]
        elif self.get_channel(object_id) is not None:
            channel = self.get_channel(object_id)
            perms = guild.permissions_for(self.default_user.id) if guild else 0
            resolved.setdefault("channels", {})[key] = channel_for_interaction(channel, perms)  # type: ignore[arg-type]
        elif guild is not None and guild.role(object_id) is not None:
            resolved.setdefault("roles", {})[key] = guild.role(object_id).to_dict()  # type: ignore[union-attr]

    def build_slash_command(self: FakeDiscord, name: str, options: dict[str, Any] | list[dict[str, Any]] | None = None, *,
                            user: FakeUser | int | None = None, guild_id: int | None = None,
                            channel_id: int | None = None, dm: bool = False, focused: str | None = None,
                            locale: str = "en-US", app_permissions: int | None = None,
                            context: int | None = None) -> dict[str, Any]:
        """A type-2 INTERACTION_CREATE payload (type 4 when ``focused`` names the option being typed).

        ``name`` may be ``"group sub"``/``"cmd sub"``; ``options`` is ``{name: value}`` (types are
        taken from the registered schema, else from the Python value; FakeUser/FakeChannel/FakeRole
        values become ids with ``resolved`` data) or a raw list of option dicts.
        """
        invoker = self._resolve_user(user)
        guild, channel = (None, FakeChannel(snowflake(), "dm", type=1)) if dm else self._where(guild_id, channel_id)
        root, *path = name.split()
        cmd = self._find_command(root, guild.id if guild else None, 1)
        schema_opts = (cmd or {}).get("options") or []
        chain: list[tuple[str, int]] = []
        for i, part in enumerate(path):
            sub = next((o for o in schema_opts if o["name"] == part), None)
            chain.append((part, sub["type"] if sub else (1 if i == len(path) - 1 else 2)))
            schema_opts = (sub or {}).get("options") or []
        resolved: dict[str, dict[str, Any]] = {}
        if isinstance(options, list):
            leaf = copy.deepcopy(options)
        else:
            leaf = [self._option(k, v, next((o for o in schema_opts if o["name"] == k), None), k == focused, resolved, guild)
                    for k, v in (options or {}).items()]
        for part, ptype in reversed(chain):
            leaf = [{"name": part, "type": ptype, "options": leaf}]
        data: dict[str, Any] = {"id": (cmd or {}).get("id", str(snowflake())), "name": root, "type": 1, "options": leaf}
        if cmd and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return self._interaction_base(4 if focused else 2, data, user=invoker, guild=guild, channel=channel,
                                      locale=locale, app_permissions=app_permissions, context=context)

    def build_autocomplete(self: FakeDiscord, name: str, options: dict[str, Any], focused: str, **kwargs: Any) -> dict[str, Any]:
        return self.build_slash_command(name, options, focused=focused, **kwargs)

    # ------------------------------------------------------------------ components and modals

    def build_component_click(self: FakeDiscord, message_id: int | str, custom_id: str, *,
                              component_type: int | None = None, values: Iterable[str] | None = None,
                              user: FakeUser | int | None = None) -> dict[str, Any]:
        """A type-3 payload for clicking ``custom_id`` on a stored message (button or select)."""
        message = self._messages.get(int(message_id))
        if message is None:
            raise ValueError(f"unknown message {message_id}")
        found = _find_component(message.get("components") or [], custom_id)
        if found is None and component_type is None:
            raise ValueError(f"message {message_id} has no component with custom_id {custom_id!r}")
        ctype = component_type or found["type"]  # type: ignore[index]
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype}
        if ctype in (3, 5, 6, 7, 8) or values is not None:
            data["values"] = [str(v) for v in values or []]
        guild, channel = self._where(None, int(message["channel_id"]))
        return self._interaction_base(3, data, user=self._resolve_user(user), guild=guild, channel=channel,
                                      message=message)

    def build_modal_submit(self: FakeDiscord, custom_id: str, values: dict[str, str], *,
                           interaction_id: int | None = None, user: FakeUser | int | None = None,
                           channel_id: int | None = None) -> dict[str, Any]:
        """A type-5 payload answering the modal ``custom_id`` (shaped like the modal that was sent)."""
        source = None
        if interaction_id is not None:
            source = self._interactions[int(interaction_id)]
        else:
            source = next((r for r in reversed(list(self._interactions.values()))
                           if r.modal and r.modal.get("custom_id") == custom_id), None)
        rows: list[dict[str, Any]] = []
        layout = (source.modal or {}).get("components") if source else None
        if layout:
            for top in layout:
                if top.get("type") == 18:
                    inner = top.get("component") or {}
                    rows.append({"type": 18, "id": top.get("id", 0), "component": _submitted(inner, values)})
                elif top.get("type") == 1:
                    rows.append({"type": 1, "id": top.get("id", 0),
                                 "components": [_submitted(c, values) for c in top.get("components") or []]})
        else:
            rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
        message = None
        if source is not None and source.source_message_id in self._messages:
            message = self._messages[source.source_message_id]  # type: ignore[index]
        if channel_id is None and source is not None:
            channel_id = source.channel_id
        guild, channel = self._where(None, channel_id) if channel_id else self._where(None, None)
        invoker = self._resolve_user(user if user is not None else _invoker_id(source))
        return self._interaction_base(5, {"custom_id": custom_id, "components": rows}, user=invoker, guild=guild,
                                      channel=channel, message=message)

    # ------------------------------------------------------------------ dispatch

    async def dispatch_interaction(self: FakeDiscord, payload: dict[str, Any]) -> int:
        """Send INTERACTION_CREATE to the right shard; returns the interaction id."""
        iid = int(payload["id"])
        message = payload.get("message")
        record = InteractionRecord(
            id=iid, token=payload["token"], type=payload["type"], payload=payload,
            channel_id=int(payload.get("channel_id") or payload["channel"]["id"]),
            guild_id=int(payload["guild_id"]) if payload.get("guild_id") else None, dispatched_at=0.0,
            source_message_id=int(message["id"]) if message else None,
        )
        self._interactions[iid] = record
        self._by_token[record.token] = record
        self._dispatch_mark = self._msg_seq
        session = self.session_for_guild(record.guild_id)
        record.dispatched_at = time.monotonic()
        await session.dispatch("INTERACTION_CREATE", payload)
        return iid

    async def dispatch_slash(self: FakeDiscord, name: str, options: Any = None, **kwargs: Any) -> int:
        return await self.dispatch_interaction(self.build_slash_command(name, options, **kwargs))

    async def dispatch_autocomplete(self: FakeDiscord, name: str, options: dict[str, Any], focused: str, **kwargs: Any) -> int:
        return await self.dispatch_interaction(self.build_autocomplete(name, options, focused, **kwargs))

    async def dispatch_click(self: FakeDiscord, message_id: int | str, custom_id: str, **kwargs: Any) -> int:
        return await self.dispatch_interaction(self.build_component_click(message_id, custom_id, **kwargs))

    async def dispatch_modal_submit(self: FakeDiscord, custom_id: str, values: dict[str, str], **kwargs: Any) -> int:
        return await self.dispatch_interaction(self.build_modal_submit(custom_id, values, **kwargs))

    async def dispatch_message(self: FakeDiscord, content: str, *, author: FakeUser | int | None = None,
                               channel_id: int | None = None, mentions: Iterable[FakeUser | int] = (),
                               reference: int | None = None, embeds: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """A user posts a message: stored, then MESSAGE_CREATE on the guild's shard.

        Mentioned users (``mentions``) get ``<@id>`` added to ``content`` if missing
        (the bot's in front, others at the end). Like Discord,
        the gateway copy has empty content unless the bot asked for MESSAGE_CONTENT, is
        mentioned, or is replied to.
        """
        user = self._resolve_user(author)
        guild, channel = self._where(None, channel_id)
        ids = [_user_id(u) for u in mentions]
        missing = [i for i in ids if f"<@{i}>" not in content and f"<@!{i}>" not in content]
        # The bot's mention goes first (so when_mentioned prefixes work), others at the end
        # (so ordinary prefixes keep working).
        content = " ".join([f"<@{i}>" for i in missing if i == self.bot.id] + [content]
                           + [f"<@{i}>" for i in missing if i != self.bot.id])
        payload: dict[str, Any] = {"content": content, "embeds": embeds or []}
        if reference is not None:
            payload["message_reference"] = {"message_id": str(reference)}
        self._dispatch_mark = self._msg_seq + 1  # wait_for_message looks at what comes after this one
        msg = await self.create_message(channel.id, payload, author=user, source="gateway")
        if guild is not None:
            member = guild.member(user.id)
            if member is not None:
                msg["member"] = member.to_dict(with_user=False)
        session = self.session_for_guild(guild.id if guild else None)
        if not session.has_intent(INTENT_GUILD_MESSAGES if guild else INTENT_DIRECT_MESSAGES):
            return copy.deepcopy(msg)
        event = copy.deepcopy(msg)
        addressed = any(m["id"] == str(self.bot.id) for m in msg["mentions"]) or guild is None
        if not session.has_intent(INTENT_MESSAGE_CONTENT) and not addressed:
            event.update(content="", embeds=[], attachments=[], components=[])
        await session.dispatch("MESSAGE_CREATE", event)
        return copy.deepcopy(msg)


def _find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return comp
        for key in ("components",):
            found = _find_component(comp.get(key) or [], custom_id)
            if found:
                return found
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                found = _find_component([comp[key]], custom_id)
                if found:
                    return found
    return None


def _submitted(component: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    out = {"type": component.get("type", 4), "id": component.get("id", 0), "custom_id": component.get("custom_id")}
    if out["type"] == 4:
        out["value"] = values.get(component.get("custom_id", ""), "")
    else:
        out["values"] = list(values.get(component.get("custom_id", ""), []))
    return out


def _invoker_id(record: InteractionRecord | None) -> int | None:
    if record is None:
        return None
    user = record.payload.get("member", {}).get("user") or record.payload.get("user")
    return int(user["id"]) if user else None
