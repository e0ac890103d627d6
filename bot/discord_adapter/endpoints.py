"""Point discord.py at a different REST API base and/or gateway.

Used for deployments behind a REST proxy (e.g. nirn-proxy) or a gateway proxy,
and by the test suite to talk to a local fake of Discord.

Call :func:`use_endpoints` before the client starts making requests (creating
the client first is fine: URLs are resolved per request/connection).
"""

from __future__ import annotations

import functools
from typing import Any

import yarl
from discord import gateway as _gateway
from discord import http as _http

__all__ = ("use_endpoints",)

# Captured at import so that use_endpoints(None, None) can undo an earlier call
# (tests switch back and forth within one process).
_DEFAULT_API_BASE: str = _http.Route.BASE
_DEFAULT_GATEWAY: yarl.URL = _gateway.DiscordWebSocket.DEFAULT_GATEWAY

_pinned_gateway: yarl.URL | None = None
_current = _gateway.DiscordWebSocket.from_client.__func__  # type: ignore[attr-defined]
# A module reload must not wrap the wrapper.
_original_from_client = getattr(_current, "_unpinned", _current)


@functools.wraps(_original_from_client)
async def _from_client_pinned(cls: Any, client: Any, *args: Any, gateway: yarl.URL | None = None, **kwargs: Any) -> Any:
    # DEFAULT_GATEWAY alone is not enough: discord.py also connects to URLs it
    # learns at runtime -- the `url` from GET /gateway/bot (AutoShardedClient
    # without shard_count) and READY's `resume_gateway_url` (every RESUME).
    # Behind a gateway proxy those would bypass the proxy, and from_client is
    # the single place every (re)connect goes through.
    if _pinned_gateway is not None:
        gateway = _pinned_gateway
    return await _original_from_client(cls, client, *args, gateway=gateway, **kwargs)


# Installed once at import; it is a pass-through while no gateway is pinned.
_from_client_pinned._unpinned = _original_from_client  # type: ignore[attr-defined]
_gateway.DiscordWebSocket.from_client = classmethod(_from_client_pinned)  # type: ignore[method-assign]


def use_endpoints(api_base: str | None = None, gateway_url: str | None = None) -> None:
    """Route all discord.py HTTP traffic to ``api_base`` and the gateway to ``gateway_url``.

    ``api_base`` is the versioned API root, e.g. ``"http://127.0.0.1:8080/api/v10"``.
    ``None`` for either argument means discord.py's own default (this also
    undoes an earlier override).

    Note: with ``gateway_url=None`` a plain ``Client`` connects to
    ``wss://gateway.discord.gg`` (discord.py never asks /gateway/bot for it);
    only ``AutoShardedClient`` without ``shard_count`` uses the URL returned
    by ``GET {api_base}/gateway/bot``.
    """
    global _pinned_gateway

    # One class attribute covers every REST call: the bot HTTPClient and the
    # webhook adapter used for interaction callbacks/follow-ups both build
    # their URLs from discord.http.Route (webhook/async_.py imports the same
    # class) and read BASE when each Route is constructed.
    # discord.http._set_api_version() overwrites BASE, so call this after it.
    _http.Route.BASE = api_base.rstrip("/") if api_base else _DEFAULT_API_BASE

    if gateway_url:
        _pinned_gateway = yarl.URL(gateway_url)
        # Also used directly on session invalidation and by sharded clients
        # created with an explicit shard_count.
        _gateway.DiscordWebSocket.DEFAULT_GATEWAY = _pinned_gateway
    else:
        _pinned_gateway = None
        _gateway.DiscordWebSocket.DEFAULT_GATEWAY = _DEFAULT_GATEWAY
