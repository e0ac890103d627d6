"""The fake gateway: one GatewaySession per websocket connection."""

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import FakeDiscord

# Opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE, RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11,
)

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT


class GatewaySession:
    """State of one gateway session; survives its websocket so RESUME can pick it up."""

    def __init__(self, server: FakeDiscord, ws: web.WebSocketResponse, query: dict[str, str]):
        self.server = server
        self.ws = ws
        self.query = query
        self.session_id: str | None = None
        self.shard: tuple[int, int] = (0, 1)
        self.intents = 0
        self.seq = 0
        self.sent: list[dict[str, Any]] = []  # dispatches, replayed on RESUME
        self.heartbeats = 0
        self.identified = False
        self._send_lock = asyncio.Lock()
        self._compressor = self._new_compressor()

    def _new_compressor(self) -> Any:
        # discord.py 2.7 asks for compress=zlib-stream (zstd-stream if a zstd module is
        # importable). zlib-stream is cheap to produce so it is honoured, which exercises
        # discord.py's real inflater; anything else gets plain text frames, which
        # discord.py accepts whatever it asked for.
        if self.server.gateway_compression and self.query.get("compress") == "zlib-stream":
            return zlib.compressobj()
        return None

    @property
    def shard_id(self) -> int:
        return self.shard[0]

    def has_intent(self, intent: int) -> bool:
        return bool(self.intents & intent)

    async def send(self, payload: dict[str, Any]) -> None:
        async with self._send_lock:
            await self._send_locked(payload)

    async def _send_locked(self, payload: dict[str, Any]) -> None:
        if self.ws.closed:
            raise ConnectionResetError("gateway websocket is closed")
        text = json.dumps(payload, separators=(",", ":"))
        if self._compressor is not None:
            await self.ws.send_bytes(self._compressor.compress(text.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH))
        else:
            await self.ws.send_str(text)

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        # Sequence numbering and sending happen under one lock so `s` arrives in order.
        async with self._send_lock:
            self.seq += 1
            payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
            self.sent.append(payload)
            await self._send_locked(payload)
            return self.seq

    async def close(self, code: int = 1000, message: str = "") -> None:
        if not self.ws.closed:
            await self.ws.close(code=code, message=message.encode())

    # ------------------------------------------------------------------ lifecycle

    async def run(self) -> None:
        await self.send({"op": HELLO, "s": None, "t": None,
                         "d": {"heartbeat_interval": self.server.heartbeat_interval_ms, "_trace": ["fake-gateway"]}})
        async for msg in self.ws:
            if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            try:
                payload = json.loads(msg.data)
            except ValueError:
                await self.close(4002, "Error while decoding payload.")
                break
            await self.handle(payload)

    async def handle(self, payload: dict[str, Any]) -> None:
        op, d = payload.get("op"), payload.get("d")
        self.server.gateway_received.append({"shard": self.shard_id, "op": op, "d": d})
        if op == HEARTBEAT:
            self.heartbeats += 1
            await self.send({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._identify(d or {})
        elif op == RESUME:
            await self._resume(d or {})
        elif op == REQUEST_MEMBERS:
            await self._request_members(d or {})
        elif op in (PRESENCE, VOICE_STATE):
            pass
        else:
            await self.close(4001, "Unknown opcode.")
        await self.server._notify()

    async def _identify(self, d: dict[str, Any]) -> None:
        server = self.server
        if self.identified:
            return await self.close(4005, "Already authenticated.")
        if not server.token_is_valid(d.get("token")):
            return await self.close(4004, "Authentication failed.")
        shard = d.get("shard") or [0, 1]
        if len(shard) != 2 or not 0 <= shard[0] < shard[1]:
            return await self.close(4010, "Invalid shard.")
        self.intents = int(d.get("intents") or 0)
        if self.intents & PRIVILEGED_INTENTS & ~server.allowed_privileged_intents:
            return await self.close(4014, "Disallowed intent(s).")
        self.shard = (int(shard[0]), int(shard[1]))
        self.session_id = secrets.token_hex(16)
        self.identified = True
        server._register_session(self)
        guilds = [g for g in server.guilds if g.shard_id(self.shard[1]) == self.shard[0]]
        ready = {
            "v": 10,
            "user": {**server.bot.to_dict(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": self.session_id,
            "session_type": "normal",
            "resume_gateway_url": server.resume_gateway_url or server.gateway_url,
            "application": {"id": str(server.application_id), "flags": server.application_flags},
            "private_channels": [], "relationships": [], "presences": [], "user_settings": {},
            "guild_join_requests": [], "geo_ordered_rtc_regions": [], "_trace": ["fake-gateway"],
        }
        if d.get("shard") is not None:
            ready["shard"] = list(self.shard)
        await self.dispatch("READY", ready)
        for guild in guilds:
            await self.dispatch("GUILD_CREATE", guild.to_create_payload(
                all_members=self.has_intent(INTENT_GUILD_MEMBERS), bot_id=server.bot.id))
        await server._notify()

    async def _resume(self, d: dict[str, Any]) -> None:
        old = self.server._sessions.get(d.get("session_id") or "")
        if old is None or not self.server.token_is_valid(d.get("token")) or old.ws is self.ws:
            await self.send({"op": INVALID_SESSION, "d": False})
            return
        # Take over the old session's identity and replay what the client missed.
        self.session_id, self.shard, self.intents = old.session_id, old.shard, old.intents
        self.seq, self.sent, self.identified = old.seq, old.sent, True
        await old.close(4000, "Session resumed elsewhere.")
        self.server._register_session(self)
        last = int(d.get("seq") or 0)
        for payload in [p for p in self.sent if p["s"] > last]:
            await self.send(payload)
        await self.dispatch("RESUMED", {"_trace": ["fake-gateway"]})
        await self.server._notify()

    async def _request_members(self, d: dict[str, Any]) -> None:
        guild = self.server.get_guild(int(d.get("guild_id") or 0))
        if guild is None:
            return
        members = guild.members
        if d.get("user_ids"):
            wanted = {int(u) for u in (d["user_ids"] if isinstance(d["user_ids"], list) else [d["user_ids"]])}
            members = [m for m in members if m.user.id in wanted]
        elif d.get("query"):
            members = [m for m in members if m.user.username.startswith(d["query"])]
        chunk = {"guild_id": str(guild.id), "members": [m.to_dict() for m in members],
                 "chunk_index": 0, "chunk_count": 1, "not_found": []}
        if d.get("nonce"):
            chunk["nonce"] = d["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)
