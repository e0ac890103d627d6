"""FakeDiscord: a local aiohttp stand-in for Discord's HTTP API and gateway."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import time
from typing import Any, Callable

from aiohttp import web

from . import limits
from .gateway import GatewaySession
from .interactions import InteractionBuilders, InteractionRecord
from .messages import MessageStore
from .payloads import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, default_guild, snowflake

API_PREFIX = "/api/v10"
# Typed request-storage keys (aiohttp warns about plain strings).
_RequestKey = getattr(web, "RequestKey", lambda name, _type: name)
BODY = _RequestKey("fake_discord_json", object)
FILES = _RequestKey("fake_discord_files", list)
WS_PATH = "/gateway-ws"


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py's json_or_text() compares the header
    # verbatim and treats "application/json; charset=utf-8" (aiohttp's default) as text.
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status=status)


class FakeDiscord(InteractionBuilders, MessageStore):
    """Start with ``await fake.start()``; point the bot at ``api_base``/``gateway_url``.

    Defaults: one guild (``fake.guild``) with #general, #bot-commands and a thread,
    the bot user (``fake.bot``), ``fake.admin`` (Admin role: Manage Guild) and
    ``fake.member`` (no roles). Knobs: ``ack_deadline`` (3.0 s), ``followup_window``
    (900 s), ``heartbeat_interval_ms``, ``gateway_compression``, ``echo_bot_messages``,
    ``invalid_tokens``, ``allowed_privileged_intents``.
    """

    def __init__(self, *, token: str | None = None, bot_name: str = "FakeBot", guild_name: str = "Fake Guild",
                 host: str = "127.0.0.1", port: int = 0):
        self.host, self._requested_port, self.port = host, port, 0
        self.bot = FakeUser(snowflake(), bot_name, bot=True)
        self.admin = FakeUser(snowflake(), "admin_user", global_name="Admin User")
        self.member = FakeUser(snowflake(), "plain_user", global_name="Plain User")
        self.users: dict[int, FakeUser] = {u.id: u for u in (self.bot, self.admin, self.member)}
        self.guilds: list[FakeGuild] = [default_guild(self.bot, self.admin, self.member, name=guild_name)]
        self.application_id = self.bot.id  # as for every modern bot
        self.application_flags = (1 << 19) | (1 << 23)  # message-content limited, command badge
        self.default_user = self.admin  # who invokes commands / sends messages unless told otherwise

        self.accepted_token = token  # None: any token not in invalid_tokens
        self.invalid_tokens = {"invalid-token", "bad-token"}
        self.ack_deadline = 3.0
        self.followup_window = 15 * 60.0
        self.heartbeat_interval_ms = 41250
        self.recommended_shards = 1  # the `shards` of GET /gateway/bot
        self.resume_gateway_url: str | None = None  # READY's resume_gateway_url; None = gateway_url
        self.gateway_compression = True
        self.echo_bot_messages = True  # Discord sends MESSAGE_CREATE for the bot's own messages too
        self.allowed_privileged_intents = (1 << 1) | (1 << 8) | (1 << 15)  # all toggled on in the portal

        self.requests: list[dict[str, Any]] = []
        self.violations: list[dict[str, Any]] = []
        self.unknown_routes: list[dict[str, Any]] = []
        self.gateway_connections: list[dict[str, Any]] = []  # query string of every websocket
        self.gateway_received: list[dict[str, Any]] = []  # every op the client sent
        self._interactions: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}
        self._messages: dict[int, dict[str, Any]] = {}  # id -> message object as served
        self._meta: dict[int, dict[str, Any]] = {}  # id -> {seq, channel_id, source, payload, files, ...}
        self._msg_seq = 0
        self._uploads: dict[str, bytes] = {}  # attachment id -> bytes of files "uploaded" as command options
        self._dispatch_mark = 0
        self._commands: dict[int | None, dict[tuple[int, str], dict[str, Any]]] = {}
        self._live: dict[int, GatewaySession] = {}  # shard id -> current session
        self._sessions: dict[str, GatewaySession] = {}  # session id -> session (for RESUME)
        self._sockets: set[GatewaySession] = set()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle / addresses

    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self._add_routes(app.router)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for session in list(self._sockets):
            await session.close(1001, "Fake Discord shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}{WS_PATH}"

    # ------------------------------------------------------------------ world

    @property
    def guild(self) -> FakeGuild:
        return self.guilds[0]

    @property
    def channel(self) -> FakeChannel:
        """The first text channel of the first guild (#general)."""
        return next(c for c in self.guild.channels if c.type == 0)

    def get_guild(self, guild_id: int) -> FakeGuild | None:
        return next((g for g in self.guilds if g.id == int(guild_id)), None)

    def get_channel(self, channel_id: int) -> FakeChannel | None:
        return next((c for g in self.guilds for c in g.channels if c.id == int(channel_id)), None)

    def add_guild(self, name: str = "Another Guild", *, guild_id: int | None = None) -> FakeGuild:
        """Add a default-shaped guild with the same bot/admin/member. Before the bot connects."""
        guild = default_guild(self.bot, self.admin, self.member, guild_id=guild_id, name=name)
        self.guilds.append(guild)
        return guild

    def add_user(self, username: str, *, roles: list[int] | None = None, bot: bool = False,
                 guild: FakeGuild | None = None) -> FakeUser:
        user = FakeUser(snowflake(), username, bot=bot)
        self.users[user.id] = user
        (guild or self.guild).members.append(FakeMember(user, list(roles or [])))
        return user

    def add_role(self, name: str, permissions: int, *, guild: FakeGuild | None = None) -> FakeRole:
        guild = guild or self.guild
        role = FakeRole(snowflake(), name, permissions, position=len(guild.roles))
        guild.roles.append(role)
        return role

    def token_is_valid(self, token: str | None) -> bool:
        if token and token.startswith("Bot "):
            token = token[4:]
        if not token or token in self.invalid_tokens:
            return False
        return self.accepted_token is None or token == self.accepted_token

    # ------------------------------------------------------------------ recorded state (test API)

    def responses(self, interaction_id: int | str) -> list[dict[str, Any]]:
        """Callback, follow-ups, edits and deletes of one interaction, in order (failed ones too)."""
        record = self._interactions.get(int(interaction_id))
        return list(record.responses) if record else []

    def interaction(self, interaction_id: int | str) -> InteractionRecord:
        return self._interactions[int(interaction_id)]

    def ack_latency(self, interaction_id: int | str) -> float | None:
        return self._interactions[int(interaction_id)].ack_latency

    def ack_latencies(self) -> list[float]:
        """Dispatch-to-callback seconds for every acknowledged interaction (benchmark p50/p99)."""
        return [r.ack_latency for r in self._interactions.values() if r.ack_latency is not None]

    def message(self, message_id: int | str) -> dict[str, Any]:
        return self._recorded(int(message_id))

    def channel_messages(self, channel_id: int | str) -> list[dict[str, Any]]:
        """Messages in a channel (bot-sent, interaction responses incl. ephemeral, and
        dispatched user messages), oldest first, current state. Each also carries the
        request-only fields ``allowed_mentions``, ``files`` and ``source``."""
        ids = [mid for mid, meta in self._meta.items() if meta["channel_id"] == int(channel_id) and not meta.get("deleted")]
        return [self._recorded(mid) for mid in sorted(ids, key=lambda m: self._meta[m]["seq"])]

    def registered_commands(self, guild_id: int | str | None = None) -> list[dict[str, Any]]:
        scope = int(guild_id) if guild_id is not None else None
        return copy.deepcopy(list(self._commands.get(scope, {}).values()))

    def mark(self) -> int:
        """A position in the message stream, for ``wait_for_message(after=...)``."""
        return self._msg_seq

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked whenever the fake's state changes)."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                return await self._changed.wait_for(predicate)

    async def wait_for_response(self, interaction_id: int | str, timeout: float = 5.0, *, count: int = 1) -> dict[str, Any]:
        """The ``count``-th response (1 = the callback) of an interaction."""
        await self.wait_for(lambda: len(self.responses(interaction_id)) >= count, timeout)
        return self.responses(interaction_id)[count - 1]

    async def wait_for_message(self, channel_id: int | str, timeout: float = 5.0, *, after: int | None = None,
                               predicate: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
        """First bot-created message in the channel since ``after`` (default: the last dispatch_*)."""
        after = self._dispatch_mark if after is None else after

        def find() -> dict[str, Any] | None:
            for msg in self.channel_messages(channel_id):
                meta = self._meta[int(msg["id"])]
                if meta["seq"] > after and meta["source"] != "gateway" and (predicate is None or predicate(msg)):
                    return msg
            return None

        await self.wait_for(find, timeout)
        return find()  # type: ignore[return-value]

    async def wait_until_connected(self, shards: int = 1, timeout: float = 5.0) -> None:
        await self.wait_for(lambda: len(self._live) >= shards, timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ------------------------------------------------------------------ gateway plumbing

    def _register_session(self, session: GatewaySession) -> None:
        self._sessions[session.session_id] = session  # type: ignore[index]
        self._live[session.shard_id] = session

    def session_for_guild(self, guild_id: int | None) -> GatewaySession:
        for session in self._live.values():
            if guild_id is None and session.shard_id == 0:
                return session
            if guild_id is not None and (int(guild_id) >> 22) % session.shard[1] == session.shard_id:
                return session
        raise RuntimeError(f"no connected gateway session for guild {guild_id}; is the bot running?")

    async def dispatch_event(self, event: str, data: dict[str, Any], *, guild_id: int | None = None) -> int:
        """Send any gateway DISPATCH to the shard owning ``guild_id``; returns its sequence number."""
        return await self.session_for_guild(guild_id).dispatch(event, data)

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.gateway_connections.append(dict(request.query))
        if request.query.get("encoding", "json") != "json":
            await ws.close(code=4002, message=b"Only encoding=json is supported by the fake.")
            return ws
        session = GatewaySession(self, ws, dict(request.query))
        self._sockets.add(session)
        try:
            await session.run()
        finally:
            self._sockets.discard(session)
            if self._live.get(session.shard_id) is session:
                del self._live[session.shard_id]
            await self._notify()
        return ws

    # ------------------------------------------------------------------ HTTP plumbing

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        a = API_PREFIX
        app_cmds = a + "/applications/{app_id}/commands"
        guild_cmds = a + "/applications/{app_id}/guilds/{guild_id}/commands"
        hook = a + "/webhooks/{app_id}/{token}"
        routes = [
            ("GET", WS_PATH, self._gateway),
            ("GET", a + "/gateway", self._get_gateway),
            ("GET", a + "/gateway/bot", self._get_gateway_bot),
            ("GET", a + "/users/@me", self._get_me),
            ("GET", a + "/users/{user_id}", self._get_user),
            ("GET", a + "/oauth2/applications/@me", self._get_application),
            ("GET", a + "/applications/@me", self._get_application),
            ("GET", app_cmds, self._get_commands), ("PUT", app_cmds, self._put_commands),
            ("POST", app_cmds, self._post_command),
            ("GET", guild_cmds, self._get_commands), ("PUT", guild_cmds, self._put_commands),
            ("POST", guild_cmds, self._post_command),
            ("POST", a + "/interactions/{interaction_id}/{token}/callback", self._interaction_callback),
            ("POST", hook, self._webhook_execute),
            ("GET", hook + "/messages/{message_id}", self._webhook_message),
            ("PATCH", hook + "/messages/{message_id}", self._webhook_message),
            ("DELETE", hook + "/messages/{message_id}", self._webhook_message),
            ("GET", a + "/channels/{channel_id}", self._get_channel),
            ("POST", a + "/channels/{channel_id}/messages", self._create_channel_message),
            ("GET", a + "/channels/{channel_id}/messages/{message_id}", self._channel_message),
            ("PATCH", a + "/channels/{channel_id}/messages/{message_id}", self._channel_message),
            ("DELETE", a + "/channels/{channel_id}/messages/{message_id}", self._channel_message),
            ("POST", a + "/channels/{channel_id}/typing", self._typing),
            ("PUT", a + "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self._add_reaction),
            ("GET", a + "/guilds/{guild_id}", self._get_guild),
            ("GET", a + "/guilds/{guild_id}/channels", self._get_guild_channels),
            ("GET", a + "/guilds/{guild_id}/roles", self._get_guild_roles),
            ("GET", a + "/guilds/{guild_id}/members/{user_id}", self._get_member),
            ("GET", "/attachments/{message_id}/{attachment_id}/{filename}", self._get_attachment),
            ("GET", "/ephemeral-attachments/{app_id}/{attachment_id}/{filename}", self._get_upload),
        ]
        for method, path, handler in routes:
            router.add_route(method, path, handler)
        router.add_route("*", "/{tail:.*}", self._unknown)

    _NO_AUTH = re.compile(r"^/api/v10/(gateway$|interactions/|webhooks/\d+/[^/]+)|^/(ephemeral-)?attachments/|^/gateway-ws$")

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        if request.path == WS_PATH:
            return await handler(request)
        body, files = await self._read_body(request)
        request[BODY], request[FILES] = body, files
        entry = {
            "method": request.method, "path": request.path.removeprefix(API_PREFIX), "query": dict(request.query),
            "json": body, "files": files, "time": time.monotonic(), "status": None,
        }
        self.requests.append(entry)
        if not self._NO_AUTH.match(request.path) and not self.token_is_valid(request.headers.get("Authorization")):
            response: web.StreamResponse = _error(401, 0, "401: Unauthorized")
        else:
            response = await handler(request)
        entry["status"] = response.status
        await self._notify()
        return response

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        if request.method in ("GET", "HEAD") or not request.can_read_body:
            return None, []
        if request.content_type == "multipart/form-data":
            body, files = None, []
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":
                    body = json.loads(data)
                else:
                    files.append({"field": part.name, "filename": part.filename, "size": len(data), "data": bytes(data),
                                  "content_type": part.headers.get("Content-Type", "application/octet-stream")})
            return body, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    def _violation(self, request: web.Request, body: dict[str, Any], *, status: int = 400,
                   interaction_id: int | None = None) -> web.Response:
        self.violations.append({
            "method": request.method, "path": request.path.removeprefix(API_PREFIX), "status": status,
            "interaction_id": interaction_id, "error": body, "payload": request[BODY], "time": time.monotonic(),
        })
        return _json(body, status=status)

    async def _unknown(self, request: web.Request) -> web.Response:
        self.unknown_routes.append({"method": request.method, "path": request.path, "json": request.get(BODY)})
        return _error(404, 0, f"404: Not Found (fake Discord has no route for {request.method} {request.path})")

    # ------------------------------------------------------------------ simple GETs

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return _json({
            "url": self.gateway_url, "shards": self.recommended_shards,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
        })

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json({**self.bot.to_dict(), "verified": True, "mfa_enabled": False, "email": None,
                                  "locale": "en-US", "premium_type": 0})

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(int(request.match_info["user_id"]))
        return _json(user.to_dict()) if user else _error(404, 10013, "Unknown User")

    async def _get_application(self, request: web.Request) -> web.Response:
        owner = self.admin.to_dict()
        return _json({
            "id": str(self.application_id), "name": self.bot.username, "icon": None, "description": "",
            "summary": "", "type": None, "bot_public": True, "bot_require_code_grant": False,
            "verify_key": "0" * 64, "flags": self.application_flags, "owner": owner, "team": None,
            "bot": self.bot.to_dict(), "redirect_uris": [], "interactions_endpoint_url": None,
            "approximate_guild_count": len(self.guilds), "tags": [], "hook": True,
            "integration_types_config": {"0": {}}, "install_params": None, "rpc_origins": [],
        })

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self.get_channel(int(request.match_info["channel_id"]))
        return _json(channel.to_dict()) if channel else _error(404, 10003, "Unknown Channel")

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self.get_guild(int(request.match_info["guild_id"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        data = guild.to_create_payload()
        for key in ("members", "channels", "threads", "voice_states", "presences", "joined_at", "large", "member_count"):
            data.pop(key, None)
        return _json(data)

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.get_guild(int(request.match_info["guild_id"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        return _json([c.to_dict() for c in guild.channels if not c.is_thread])

    async def _get_guild_roles(self, request: web.Request) -> web.Response:
        guild = self.get_guild(int(request.match_info["guild_id"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        return _json([r.to_dict() for r in guild.roles])

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self.get_guild(int(request.match_info["guild_id"]))
        member = guild.member(int(request.match_info["user_id"])) if guild else None
        return _json(member.to_dict()) if member else _error(404, 10007, "Unknown Member")

    async def _typing(self, request: web.Request) -> web.Response:
        if self.get_channel(int(request.match_info["channel_id"])) is None:
            return _error(404, 10003, "Unknown Channel")
        return web.Response(status=204)

    async def _add_reaction(self, request: web.Request) -> web.Response:
        msg, error = self._message_in_channel(request)
        if error:
            return error
        emoji = request.match_info["emoji"]
        for reaction in msg["reactions"]:  # type: ignore[index]
            if reaction["emoji"]["name"] == emoji:
                if not reaction["me"]:
                    reaction.update(me=True, count=reaction["count"] + 1)
                break
        else:
            msg["reactions"].append({"emoji": {"id": None, "name": emoji}, "count": 1, "me": True})  # type: ignore[index]
        await self._notify()
        return web.Response(status=204)

    async def _get_attachment(self, request: web.Request) -> web.Response:
        meta = self._meta.get(int(request.match_info["message_id"]), {})
        blob = meta.get("blobs", {}).get(request.match_info["attachment_id"])
        return web.Response(body=blob) if blob is not None else web.Response(status=404)

    async def _get_upload(self, request: web.Request) -> web.Response:
        blob = self._uploads.get(request.match_info["attachment_id"])
        return web.Response(body=blob) if blob is not None else web.Response(status=404)

    def upload_attachment(self, filename: str, data: bytes, *, content_type: str = "application/octet-stream",
                          size: int | None = None) -> dict[str, Any]:
        """A file a user attaches to an ATTACHMENT option: pass the returned dict as the option's value.
        It is served (like Discord's CDN) at its ``url``; ``size`` may claim a size other than ``len(data)``."""
        aid = str(snowflake())
        self._uploads[aid] = bytes(data)
        url = f"{self.base_url}/ephemeral-attachments/{self.application_id}/{aid}/{filename}"
        return {"id": aid, "filename": filename, "size": len(data) if size is None else size, "url": url,
                "proxy_url": url, "content_type": content_type, "ephemeral": True}

    # ------------------------------------------------------------------ application commands

    def _scope(self, request: web.Request) -> tuple[int | None, web.Response | None]:
        if int(request.match_info["app_id"]) != self.application_id:
            return None, _error(403, 50001, "Missing Access")
        if "guild_id" not in request.match_info:
            return None, None
        guild_id = int(request.match_info["guild_id"])
        if self.get_guild(guild_id) is None:
            return None, _error(403, 50001, "Missing Access")
        return guild_id, None

    def _store_command(self, scope: int | None, cmd: dict[str, Any], old: dict[tuple[int, str], dict[str, Any]]) -> dict[str, Any]:
        key = (int(cmd.get("type", 1)), cmd["name"])
        previous = old.get(key)
        stored = {
            "default_member_permissions": None, "nsfw": False, "options": [], "contexts": None,
            "integration_types": [0], "description_localizations": None, "name_localizations": None,
            **copy.deepcopy(cmd),
            "id": previous["id"] if previous else str(snowflake()),  # Discord keeps ids across overwrites
            "application_id": str(self.application_id), "version": str(snowflake()), "type": key[0],
        }
        stored.setdefault("description", "")
        if scope is not None:
            stored["guild_id"] = str(scope)
        self._commands.setdefault(scope, {})[key] = stored
        return stored

    async def _get_commands(self, request: web.Request) -> web.Response:
        scope, error = self._scope(request)
        return error or _json(list(self._commands.get(scope, {}).values()))

    async def _put_commands(self, request: web.Request) -> web.Response:
        scope, error = self._scope(request)
        if error:
            return error
        errors = limits.check_commands(request[BODY])
        if errors:
            return self._violation(request, limits.invalid_form_body(errors))
        old = self._commands.get(scope, {})
        self._commands[scope] = {}
        return _json([self._store_command(scope, cmd, old) for cmd in request[BODY]])

    async def _post_command(self, request: web.Request) -> web.Response:
        scope, error = self._scope(request)
        if error:
            return error
        errors = limits.check_commands([request[BODY]])
        if errors:
            return self._violation(request, limits.invalid_form_body(errors.get("0", errors)))
        return _json(self._store_command(scope, request[BODY], self._commands.get(scope, {})), status=201)

    # ------------------------------------------------------------------ message routes

    def _check_message(self, request: web.Request, payload: Any, *, creating: bool, base: tuple[Any, ...] = (),
                       interaction_id: int | None = None) -> web.Response | None:
        errors = limits.check_message(payload if payload is not None else {}, base)
        if errors:
            return self._violation(request, limits.invalid_form_body(errors), interaction_id=interaction_id)
        if creating and limits.is_empty_message(payload or {}, bool(request[FILES])):
            return self._violation(request, {"code": 50006, "message": "Cannot send an empty message"},
                                   interaction_id=interaction_id)
        return None

    def _message_in_channel(self, request: web.Request) -> tuple[dict[str, Any] | None, web.Response | None]:
        if self.get_channel(int(request.match_info["channel_id"])) is None:
            return None, _error(404, 10003, "Unknown Channel")
        mid = int(request.match_info["message_id"])
        msg = self._messages.get(mid)
        if msg is None or self._meta[mid].get("deleted") or msg["channel_id"] != request.match_info["channel_id"]:
            return None, _error(404, 10008, "Unknown Message")
        return msg, None

    async def _create_channel_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        if self.get_channel(channel_id) is None:
            return _error(404, 10003, "Unknown Channel")
        payload = request[BODY] or {}
        error = self._check_message(request, payload, creating=True)
        if error:
            return error
        ref = payload.get("message_reference")
        if ref and ref.get("message_id") and int(ref["message_id"]) not in self._messages and ref.get("fail_if_not_exists", True):
            errors: dict[str, Any] = {}
            limits.add_error(errors, ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
            return self._violation(request, limits.invalid_form_body(errors))
        msg = await self.create_message(channel_id, payload, files=request[FILES])
        return _json(msg)

    async def _channel_message(self, request: web.Request) -> web.Response:
        msg, error = self._message_in_channel(request)
        if error:
            return error
        mid = int(msg["id"])  # type: ignore[index]
        if request.method == "GET":
            return _json(msg)
        if request.method == "DELETE":
            await self.delete_message(mid)
            return web.Response(status=204)
        if msg["author"]["id"] != str(self.bot.id):  # type: ignore[index]
            return _error(403, 50005, "Cannot edit a message authored by another user")
        error = self._check_message(request, request[BODY], creating=False)
        if error:
            return error
        return _json(await self.edit_message(mid, request[BODY] or {}, request[FILES]))

    # ------------------------------------------------------------------ interactions (HTTP side)

    def _answer(self, record: InteractionRecord, request: web.Request, kind: str, status: int,
                message: dict[str, Any] | None = None, callback_type: int | None = None) -> None:
        body = request[BODY] if isinstance(request[BODY], dict) else {}
        record.responses.append({
            "kind": kind, "type": callback_type, "method": request.method,
            "path": request.path.removeprefix(API_PREFIX), "payload": request[BODY],
            "data": body.get("data") if kind == "callback" else request[BODY], "files": request[FILES],
            "status": status, "time": time.monotonic(), "message_id": int(message["id"]) if message else None,
            "message": copy.deepcopy(message) if message else None,
        })

    async def _interaction_callback(self, request: web.Request) -> web.Response:
        record = self._interactions.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            return _error(404, 10062, "Unknown interaction")
        now = time.monotonic()
        body = request[BODY] or {}
        ctype = body.get("type")
        if record.callback_type is not None:
            self._answer(record, request, "callback", 400, callback_type=ctype)
            return _error(400, 40060, "Interaction has already been acknowledged.")
        if now - record.dispatched_at > self.ack_deadline:
            record.expired = True
            self._answer(record, request, "callback", 404, callback_type=ctype)
            return _error(404, 10062, "Unknown interaction")
        error = self._check_callback(request, record, body)
        if error is not None:
            self._answer(record, request, "callback", error.status, callback_type=ctype)
            return error
        # Claimed before the first await so a concurrent second callback sees it.
        record.callback_type, record.acked_at = ctype, now
        data = body.get("data") or {}
        message = None
        if ctype == 4:
            message = await self.create_message(record.channel_id, data, files=request[FILES], source="interaction",
                                                interaction=record)
            record.original_message_id = int(message["id"])
        elif ctype == 5:
            flags = limits.FLAG_LOADING | (int(data.get("flags") or 0) & limits.FLAG_EPHEMERAL)
            message = await self.create_message(record.channel_id, {}, source="interaction", interaction=record,
                                                extra_flags=flags)
            record.original_message_id = int(message["id"])
        elif ctype in (6, 7):
            record.original_message_id = record.source_message_id
            if ctype == 7 and record.source_message_id in self._messages:
                message = await self.edit_message(record.source_message_id, data, request[FILES])
        elif ctype == 9:
            record.modal = copy.deepcopy(data)
        self._answer(record, request, "callback", 200, message, callback_type=ctype)
        await self._notify()
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return web.Response(status=204)
        result: dict[str, Any] = {"interaction": {"id": str(record.id), "type": record.type}}
        if message is not None:
            result["interaction"].update(
                response_message_id=message["id"], response_message_loading=ctype == 5,
                response_message_ephemeral=bool(message["flags"] & limits.FLAG_EPHEMERAL))
            result["resource"] = {"type": ctype, "message": message}
        elif ctype in (6, 8, 9):
            result["resource"] = {"type": ctype}
        return _json(result)

    def _check_callback(self, request: web.Request, record: InteractionRecord, body: dict[str, Any]) -> web.Response | None:
        ctype, data = body.get("type"), body.get("data")
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}.get(record.type, set())
        if record.type == 5 and record.source_message_id is None:
            allowed = {4, 5}
        if ctype not in allowed:
            errors: dict[str, Any] = {}
            limits.add_error(errors, ("type",), "INTERACTION_RESPONSE_TYPE_INVALID",
                             f"Response type {ctype} is not valid for interaction type {record.type}")
            return self._violation(request, limits.invalid_form_body(errors), interaction_id=record.id)
        if ctype in (4, 7):
            return self._check_message(request, data or {}, creating=ctype == 4, base=("data",), interaction_id=record.id)
        check = {8: limits.check_autocomplete, 9: limits.check_modal}.get(ctype)
        errors = check(data) if check else {}
        if errors:
            return self._violation(request, limits.invalid_form_body(errors), interaction_id=record.id)
        return None

    def _webhook_record(self, request: web.Request) -> tuple[InteractionRecord | None, web.Response | None]:
        record = self._by_token.get(request.match_info["token"])
        if record is None or int(request.match_info["app_id"]) != self.application_id:
            return None, _error(401, 50027, "Invalid Webhook Token")
        if time.monotonic() - record.dispatched_at > self.followup_window:
            return None, _error(401, 50027, "Invalid Webhook Token")
        if record.callback_type is None:
            return None, _error(404, 10015, "Unknown Webhook")
        return record, None

    async def _webhook_execute(self, request: web.Request) -> web.Response:
        record, error = self._webhook_record(request)
        if error:
            return error
        payload = request[BODY] or {}
        error = self._check_message(request, payload, creating=True, interaction_id=record.id)  # type: ignore[union-attr]
        if error:
            self._answer(record, request, "followup", error.status)  # type: ignore[arg-type]
            return error
        original = self._messages.get(record.original_message_id or 0)  # type: ignore[union-attr]
        if original is not None and self._meta[int(original["id"])].get("deleted"):
            original = None  # a deleted deferred response: follow-ups are new messages
        if record.callback_type == 5 and original is not None and original["flags"] & limits.FLAG_LOADING:  # type: ignore[union-attr]
            # Documented: the first follow-up after a deferred response edits the loading message.
            message = await self.edit_message(int(original["id"]), payload, request[FILES])
        else:
            message = await self.create_message(record.channel_id, payload, files=request[FILES],  # type: ignore[union-attr]
                                                source="interaction", interaction=record)
        self._answer(record, request, "followup", 200, message)  # type: ignore[arg-type]
        await self._notify()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return _json(message)
        return web.Response(status=204)

    async def _webhook_message(self, request: web.Request) -> web.Response:
        record, error = self._webhook_record(request)
        if error:
            return error
        raw = request.match_info["message_id"]
        mid = record.original_message_id if raw == "@original" else int(raw)  # type: ignore[union-attr]
        msg = self._messages.get(mid or 0)
        ours = mid is not None and (mid == record.original_message_id  # type: ignore[union-attr]
                                    or self._meta.get(mid, {}).get("interaction_id") == record.id)  # type: ignore[union-attr]
        if msg is None or not ours or self._meta[mid].get("deleted"):  # type: ignore[index]
            return _error(404, 10008, "Unknown Message")
        kind = "original" if mid == record.original_message_id else "followup"  # type: ignore[union-attr]
        if request.method == "GET":
            return _json(msg)
        if request.method == "DELETE":
            await self.delete_message(mid)  # type: ignore[arg-type]
            self._answer(record, request, f"delete_{kind}", 204, msg)  # type: ignore[arg-type]
            await self._notify()
            return web.Response(status=204)
        error = self._check_message(request, request[BODY], creating=False, interaction_id=record.id)  # type: ignore[union-attr]
        if error:
            self._answer(record, request, f"edit_{kind}", error.status)  # type: ignore[arg-type]
            return error
        message = await self.edit_message(mid, request[BODY] or {}, request[FILES])  # type: ignore[arg-type]
        self._answer(record, request, f"edit_{kind}", 200, message)  # type: ignore[arg-type]
        await self._notify()
        return _json(message)
