"""The fake's world (users, guilds, channels, roles) and Discord-shaped JSON for it."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

# Permission bits used by the defaults (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
ADD_REACTIONS = 1 << 6
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 53) - 1

EVERYONE_DEFAULT = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS | USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS
)

_counter = itertools.count()
_lock = threading.Lock()


def snowflake(at: float | None = None) -> int:
    """A valid, increasing snowflake for `at` (epoch seconds, default now)."""
    ms = int((time.time() if at is None else at) * 1000) - DISCORD_EPOCH_MS
    with _lock:
        return (ms << 22) | (next(_counter) & 0x3FFFFF)


def iso(ts: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if ts is None else ts, tz=timezone.utc).isoformat()


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id), "username": self.username, "discriminator": "0", "global_name": self.global_name,
            "avatar": None, "banner": None, "accent_color": None, "bot": self.bot, "system": False,
            "public_flags": 0, "flags": 0, "avatar_decoration_data": None, "primary_guild": None,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False
    bot_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": str(self.id), "name": self.name, "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False, "icon": None, "unicode_emoji": None, "position": self.position,
            "permissions": str(self.permissions), "managed": self.managed, "mentionable": False, "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = 0  # 0 text, 2 voice, 4 category, 11 public thread
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    owner_id: int | None = None  # threads only
    topic: str | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id), "type": self.type, "name": self.name, "flags": 0,
            "guild_id": str(self.guild_id) if self.guild_id else None,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "last_message_id": None, "rate_limit_per_user": 0, "nsfw": False,
        }
        if self.is_thread:
            data.update({
                "owner_id": str(self.owner_id or 0), "message_count": 0, "member_count": 1, "total_message_sent": 0,
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "archive_timestamp": iso(),
                                    "locked": False, "invitable": True, "create_timestamp": iso()},
            })
        else:
            data.update({"position": self.position, "permission_overwrites": [], "topic": self.topic,
                         "default_auto_archive_duration": 1440})
        return data


@dataclass
class FakeMember:
    user: FakeUser
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso)

    def to_dict(self, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick, "avatar": None, "banner": None, "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at, "premium_since": None, "deaf": False, "mute": False, "flags": 0,
            "pending": False, "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)
    locale: str = "en-US"

    def member(self, user_id: int) -> FakeMember | None:
        return next((m for m in self.members if m.user.id == int(user_id)), None)

    def channel(self, channel_id: int) -> FakeChannel | None:
        return next((c for c in self.channels if c.id == int(channel_id)), None)

    def role(self, role_id: int) -> FakeRole | None:
        return next((r for r in self.roles if r.id == int(role_id)), None)

    def permissions_for(self, user_id: int) -> int:
        """Guild-level permissions (channel overwrites are not modelled)."""
        if int(user_id) == self.owner_id:
            return ALL_PERMISSIONS
        member = self.member(user_id)
        perms = self.role(self.id).permissions if self.role(self.id) else 0  # @everyone has the guild's id
        for role_id in member.roles if member else []:
            role = self.role(role_id)
            if role:
                perms |= role.permissions
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def shard_id(self, shard_count: int) -> int:
        return (self.id >> 22) % max(shard_count, 1)

    def to_create_payload(self, *, all_members: bool = True, bot_id: int | None = None) -> dict[str, Any]:
        """GUILD_CREATE `d`: a full guild plus the gateway-only extras.

        Without the GUILD_MEMBERS intent Discord only includes the bot's own member
        (``all_members=False``); member_count is always the real count."""
        members = [m for m in self.members if all_members or m.user.id == bot_id]
        text_channels = [c for c in self.channels if not c.is_thread]
        threads = [c for c in self.channels if c.is_thread]
        return {
            "id": str(self.id), "name": self.name, "icon": None, "splash": None, "discovery_splash": None,
            "banner": None, "description": None, "owner_id": str(self.owner_id), "afk_channel_id": None,
            "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0,
            "premium_subscription_count": 0, "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale, "features": [], "emojis": [], "stickers": [],
            "system_channel_id": str(text_channels[0].id) if text_channels else None, "system_channel_flags": 0,
            "rules_channel_id": None, "public_updates_channel_id": None, "safety_alerts_channel_id": None,
            "vanity_url_code": None, "max_members": 500000, "max_video_channel_users": 25,
            "application_id": None, "widget_enabled": False, "widget_channel_id": None,
            "roles": [r.to_dict() for r in self.roles],
            # gateway-only fields
            "joined_at": iso(), "large": False, "unavailable": False, "member_count": len(self.members),
            "members": [m.to_dict() for m in members],
            "channels": [c.to_dict() for c in text_channels],
            "threads": [c.to_dict() for c in threads],
            "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": [], "lazy": True,
        }


def default_guild(bot: FakeUser, admin: FakeUser, member: FakeUser, *, guild_id: int | None = None,
                  name: str = "Fake Guild") -> FakeGuild:
    """One guild: @everyone, an Admin role with Manage Guild, the bot's managed role,
    two text channels (#general, #bot-commands), one public thread under #general."""
    gid = guild_id or snowflake()
    admin_role = FakeRole(snowflake(), "Admin", EVERYONE_DEFAULT | MANAGE_GUILD | MANAGE_MESSAGES | MANAGE_CHANNELS
                          | MENTION_EVERYONE, position=2)
    bot_role = FakeRole(snowflake(), bot.username, EVERYONE_DEFAULT | MANAGE_MESSAGES | MENTION_EVERYONE,
                        position=1, managed=True, bot_id=bot.id)
    general = FakeChannel(snowflake(), "general", guild_id=gid, position=0)
    commands = FakeChannel(snowflake(), "bot-commands", guild_id=gid, position=1)
    thread = FakeChannel(snowflake(), "a-thread", type=11, guild_id=gid, parent_id=general.id, owner_id=admin.id)
    return FakeGuild(
        id=gid, name=name, owner_id=snowflake(),  # nobody we know owns it, so permissions come from roles
        roles=[FakeRole(gid, "@everyone", EVERYONE_DEFAULT), admin_role, bot_role],
        channels=[general, commands, thread],
        members=[FakeMember(bot, [bot_role.id]), FakeMember(admin, [admin_role.id]), FakeMember(member, [])],
    )


def channel_for_interaction(channel: FakeChannel, permissions: int) -> dict[str, Any]:
    data = channel.to_dict()
    data["permissions"] = str(permissions)
    return data
