"""A real discord.py bot against the local fake Discord (tests/fakediscord).

Nothing here mocks discord.py objects: the bot logs in over HTTP, connects to the
fake gateway, receives INTERACTION_CREATE/MESSAGE_CREATE and answers over HTTP.
"""

from __future__ import annotations

import asyncio
import io
import math

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from fakediscord import FakeDiscord, limits, running_bot

from bot.discord_adapter.endpoints import use_endpoints

pytestmark = pytest.mark.asyncio

TOKEN = "fake-token"


@pytest.fixture
def fake(fake_unchecked: FakeDiscord) -> FakeDiscord:
    """These tests break Discord's limits on purpose: no payload checks afterwards."""
    return fake_unchecked


class Probe(commands.Cog):
    """Slash/prefix commands exercising every response path; outcomes land in ``self.seen``."""

    def __init__(self) -> None:
        self.seen: dict[str, object] = {}
        self._events: dict[str, asyncio.Event] = {}

    def _event(self, key: str) -> asyncio.Event:
        return self._events.setdefault(key, asyncio.Event())

    def record(self, key: str, value: object = True) -> None:
        self.seen[key] = value
        self._event(key).set()

    async def wait(self, key: str, timeout: float = 5.0) -> object:
        """Bot-side outcomes are not visible to the fake; the bot signals them here."""
        await asyncio.wait_for(self._event(key).wait(), timeout)
        return self.seen[key]

    @app_commands.command(description="Pong as an embed")
    async def ping(self, interaction: discord.Interaction, ephemeral: bool = False) -> None:
        await interaction.response.send_message(embed=discord.Embed(title="Pong", description="ok"), ephemeral=ephemeral)

    @app_commands.command(description="Defer, then follow up")
    async def slow(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("first")
        await interaction.followup.send("second", ephemeral=True)
        await interaction.edit_original_response(content="first (edited)")

    @app_commands.command(description="Pick a fruit")
    async def fruit(self, interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"you picked {name}")

    @fruit.autocomplete("name")
    async def fruit_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        fruits = ["apple", "apricot", "banana", "cherry"] + [f"extra{i}" for i in range(40)]
        return [app_commands.Choice(name=f, value=f) for f in fruits if f.startswith(current)][:25]

    @app_commands.command(description="Show a button")
    async def buttons(self, interaction: discord.Interaction) -> None:
        cog = self

        class Clicker(discord.ui.View):
            @discord.ui.button(label="Click me", custom_id="probe:click", style=discord.ButtonStyle.primary)
            async def click(self, inter: discord.Interaction, button: discord.ui.Button) -> None:
                cog.record("clicked_by", inter.user.id)
                button.disabled = True
                await inter.response.edit_message(content="clicked", view=self)

        await interaction.response.send_message("press it", view=Clicker(timeout=30))
        # discord.py registers the view only once the HTTP response has been read;
        # a click dispatched before that would be dropped (as it would on Discord).
        self.record("buttons_sent")

    @app_commands.command(description="Too big an embed")
    async def huge(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(embed=discord.Embed(description="x" * 5000))
        except discord.HTTPException as exc:
            self.record("huge", exc)

    @app_commands.command(description="Answers too late")
    async def late(self, interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        try:
            await interaction.response.send_message("too late")
        except discord.HTTPException as exc:
            self.record("late", exc)

    @app_commands.command(description="Ask for feedback")
    async def feedback(self, interaction: discord.Interaction) -> None:
        cog = self

        class Feedback(discord.ui.Modal, title="Feedback"):
            text = discord.ui.TextInput(label="What do you think?", custom_id="feedback:text")

            async def on_submit(self, inter: discord.Interaction) -> None:
                cog.record("feedback", self.text.value)
                await inter.response.send_message(f"thanks: {self.text.value}", ephemeral=True)

        await interaction.response.send_modal(Feedback())
        self.record("modal_sent")

    config = app_commands.Group(name="config", description="Settings")
    channels = app_commands.Group(name="channels", description="Channel settings", parent=config)

    @config.command(name="show", description="Show settings")
    async def config_show(self, interaction: discord.Interaction) -> None:
        perms = interaction.permissions
        await interaction.response.send_message(f"manage_guild={perms.manage_guild}")

    @channels.command(name="set", description="Set the log channel")
    async def channels_set(self, interaction: discord.Interaction, channel: discord.TextChannel, note: str = "") -> None:
        await interaction.response.send_message(f"log -> {channel.mention} {note}".strip())

    @app_commands.command(description="Upload a file")
    async def upload(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("here", file=discord.File(io.BytesIO(b"hello"), "hello.txt"))
        await interaction.followup.send(file=discord.File(io.BytesIO(b"\x89PNG"), "pic.png"))

    @commands.command()
    async def toolong(self, ctx: commands.Context) -> None:
        for name, send in [
            ("content", lambda: ctx.send("x" * 2001)),
            ("embed_total", lambda: ctx.send(embeds=[discord.Embed(description="y" * 4000)] * 2)),
        ]:
            try:
                await send()
            except discord.HTTPException as exc:
                self.record(name, exc)

    @commands.command()
    async def announce(self, ctx: commands.Context) -> None:
        await ctx.send("@everyone the bot is up", allowed_mentions=discord.AllowedMentions.none())

    @commands.command()
    async def echo(self, ctx: commands.Context, *, text: str) -> None:
        await ctx.reply(text)


def intents() -> discord.Intents:
    value = discord.Intents.default()
    value.message_content = True
    return value


async def make_bot(cls: type[commands.Bot] = commands.Bot, **kwargs: object) -> tuple[commands.Bot, Probe]:
    # guild_ready_timeout: discord.py waits this long after the last GUILD_CREATE before on_ready (default 2 s).
    bot = cls(command_prefix="!", intents=intents(), guild_ready_timeout=0.05, **kwargs)
    probe = Probe()
    await bot.add_cog(probe)
    return bot, probe


async def synced(bot: commands.Bot, fake: FakeDiscord) -> None:
    guild = discord.Object(fake.guild.id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)


# --------------------------------------------------------------------------- connection


async def test_bot_reaches_ready_and_sees_guild(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    fake.heartbeat_interval_ms = 30
    async with running_bot(bot, fake, TOKEN):
        assert bot.user.id == fake.bot.id and bot.application_id == fake.application_id
        guild = bot.get_guild(fake.guild.id)
        assert guild is not None and guild.name == "Fake Guild"
        assert {c.name for c in guild.text_channels} == {"general", "bot-commands"}
        assert [t.name for t in guild.threads] == ["a-thread"]
        # No GUILD_MEMBERS intent: like Discord, only the bot's member is in GUILD_CREATE.
        assert guild.get_member(fake.admin.id) is None
        admin = await guild.fetch_member(fake.admin.id)
        assert admin.guild_permissions.manage_guild
        assert not (await guild.fetch_member(fake.member.id)).guild_permissions.manage_guild
        assert guild.me.id == fake.bot.id and guild.member_count == 3
        # What discord.py 2.7 does at startup.
        assert [(r["method"], r["path"]) for r in fake.requests][:2] == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
        assert fake.gateway_connections == [{"v": "10", "encoding": "json", "compress": "zlib-stream"}]
        identify = next(m["d"] for m in fake.gateway_received if m["op"] == 2)
        assert identify["intents"] & (1 << 15) and "shard" not in identify
        session = fake.session_for_guild(fake.guild.id)
        await fake.wait_for(lambda: session.heartbeats >= 2, 2)
        await fake.wait_for(lambda: math.isfinite(bot.latency), 2)  # op 1 was answered with op 11
    assert bot.is_closed()
    assert fake.unknown_routes == [] and fake.violations == []


async def test_invalid_token_raises_login_failure(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    with pytest.raises(discord.LoginFailure):
        async with running_bot(bot, fake, "invalid-token"):
            pass
    assert fake.requests[0]["path"] == "/users/@me" and fake.requests[0]["status"] == 401
    assert bot.is_closed()


async def test_gateway_resume_after_disconnect(fake: FakeDiscord) -> None:
    # Unreachable on purpose: use_endpoints(gateway_url=...) must win over READY's
    # resume_gateway_url, as it must behind a real gateway proxy.
    fake.resume_gateway_url = "ws://127.0.0.1:9/not-the-proxy"
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        session = fake.session_for_guild(fake.guild.id)
        resumed = asyncio.Event()

        async def on_resumed() -> None:
            resumed.set()

        bot.add_listener(on_resumed)
        await session.close(4000, "test: drop the connection")  # 4000 is resumable
        await asyncio.wait_for(resumed.wait(), 5)
        resume = next(m["d"] for m in fake.gateway_received if m["op"] == 6)
        assert resume["session_id"] == session.session_id and resume["seq"] == session.seq
        await synced(bot, fake)
        iid = await fake.dispatch_slash("ping")
        assert (await fake.wait_for_response(iid))["status"] == 200


# --------------------------------------------------------------------------- application commands


async def test_tree_sync_registers_guild_commands(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        commands_ = {c["name"]: c for c in fake.registered_commands(fake.guild.id)}
        assert {"ping", "slow", "fruit", "buttons", "huge", "late", "feedback", "config"} <= set(commands_)
        assert fake.registered_commands() == []  # nothing global
        assert commands_["fruit"]["options"][0]["autocomplete"] is True
        group = commands_["config"]["options"]
        assert {o["name"]: o["type"] for o in group} == {"show": 1, "channels": 2}
        ids = {name: c["id"] for name, c in commands_.items()}
        await bot.tree.sync(guild=discord.Object(fake.guild.id))
        assert {c["name"]: c["id"] for c in fake.registered_commands(fake.guild.id)} == ids  # ids are stable

        # Discord-side validation, bypassing discord.py's own checks.
        bad = [{"name": "BadName", "description": "d" * 101, "type": 1}]
        with pytest.raises(discord.HTTPException) as info:
            await bot.http.bulk_upsert_guild_commands(fake.application_id, fake.guild.id, bad)
        assert info.value.status == 400 and info.value.code == 50035
        assert set(fake.violations[-1]["error"]["errors"]["0"]) == {"name", "description"}


async def test_subcommand_with_channel_option_and_permissions(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        target = fake.guild.channels[1]
        iid = await fake.dispatch_slash("config channels set", {"channel": target, "note": "hi"})
        assert (await fake.wait_for_response(iid))["data"]["content"] == f"log -> <#{target.id}> hi"
        iid = await fake.dispatch_slash("config show", user=fake.member)
        assert (await fake.wait_for_response(iid))["data"]["content"] == "manage_guild=False"
        iid = await fake.dispatch_slash("config show", user=fake.admin)
        assert (await fake.wait_for_response(iid))["data"]["content"] == "manage_guild=True"


async def test_slash_command_embed_and_ephemeral(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_slash("ping")
        response = await fake.wait_for_response(iid)
        assert response["status"] == 200 and response["type"] == 4
        assert response["data"]["embeds"][0]["title"] == "Pong"
        assert not response["data"].get("flags", 0) & 64
        assert fake.ack_latency(iid) is not None and not fake.interaction(iid).expired
        shown = fake.channel_messages(fake.channel.id)[-1]
        assert shown["type"] == 20 and shown["interaction_metadata"]["id"] == str(iid)

        iid = await fake.dispatch_slash("ping", {"ephemeral": True})
        response = await fake.wait_for_response(iid)
        assert response["data"]["flags"] & 64 and response["message"]["flags"] & 64
        assert len(fake.ack_latencies()) == 2


async def test_defer_then_followups(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_slash("slow")
        await fake.wait_for_response(iid, count=4)
        kinds = [(r["kind"], r["type"], r["status"]) for r in fake.responses(iid)]
        assert kinds == [("callback", 5, 200), ("followup", None, 200), ("followup", None, 200), ("edit_original", None, 200)]
        first, second = fake.responses(iid)[1]["message"], fake.responses(iid)[2]["message"]
        # Discord: the first follow-up after a deferred response fills the loading message.
        assert int(first["id"]) == fake.interaction(iid).original_message_id
        assert second["id"] != first["id"] and second["flags"] & 64
        assert fake.message(first["id"])["content"] == "first (edited)"
        assert not fake.message(first["id"])["flags"] & 128  # no longer loading


async def test_autocomplete_returns_choices(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_autocomplete("fruit", {"name": "ap"}, focused="name")
        response = await fake.wait_for_response(iid)
        assert response["type"] == 8
        assert [c["value"] for c in response["data"]["choices"]] == ["apple", "apricot"]
        iid = await fake.dispatch_autocomplete("fruit", {"name": "ex"}, focused="name")
        assert len((await fake.wait_for_response(iid))["data"]["choices"]) == 25


async def test_button_click_reaches_view_and_edits(fake: FakeDiscord) -> None:
    bot, probe = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_slash("buttons")
        message = (await fake.wait_for_response(iid))["message"]
        assert message["components"][0]["components"][0]["custom_id"] == "probe:click"
        await probe.wait("buttons_sent")

        click = await fake.dispatch_click(message["id"], "probe:click", user=fake.member)
        response = await fake.wait_for_response(click)
        assert response["type"] == 7 and probe.seen["clicked_by"] == fake.member.id
        edited = fake.message(message["id"])
        assert edited["content"] == "clicked" and edited["components"][0]["components"][0]["disabled"] is True
        assert edited["edited_timestamp"] is not None


async def test_modal_roundtrip(fake: FakeDiscord) -> None:
    bot, probe = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_slash("feedback")
        modal = (await fake.wait_for_response(iid))
        assert modal["type"] == 9 and modal["data"]["title"] == "Feedback"
        await probe.wait("modal_sent")
        submit = await fake.dispatch_modal_submit(modal["data"]["custom_id"], {"feedback:text": "great"})
        response = await fake.wait_for_response(submit)
        assert response["data"]["content"] == "thanks: great" and probe.seen["feedback"] == "great"


async def test_file_uploads_are_recorded(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_slash("upload")
        callback, followup = await fake.wait_for_response(iid), await fake.wait_for_response(iid, count=2)
        assert [(f["filename"], f["data"]) for f in callback["files"]] == [("hello.txt", b"hello")]
        assert callback["files"][0]["content_type"] == "application/octet-stream"
        assert callback["message"]["attachments"][0]["filename"] == "hello.txt"
        assert followup["files"][0]["filename"] == "pic.png"
        url = followup["message"]["attachments"][0]["url"]
        async with aiohttp.ClientSession() as session, session.get(url) as resp:
            assert await resp.read() == b"\x89PNG"


# --------------------------------------------------------------------------- Discord's rules


async def test_over_limit_embed_is_rejected_and_recorded(fake: FakeDiscord) -> None:
    bot, probe = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_slash("huge")
        response = await fake.wait_for_response(iid)
        assert response["status"] == 400
        exc = await probe.wait("huge")
        assert isinstance(exc, discord.HTTPException) and exc.status == 400 and exc.code == 50035
        violation = fake.violations[-1]
        assert violation["interaction_id"] == iid
        assert violation["error"]["errors"]["data"]["embeds"]["0"]["description"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
        assert fake.interaction(iid).callback_type is None  # a rejected callback does not acknowledge


async def test_channel_message_limits(fake: FakeDiscord) -> None:
    bot, probe = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await fake.dispatch_message("!toolong")
        content, total = await probe.wait("content"), await probe.wait("embed_total")
        assert content.code == 50035 and "content" in str(content)  # type: ignore[attr-defined]
        assert total.code == 50035  # type: ignore[attr-defined]
        codes = [v["error"]["errors"] for v in fake.violations]
        assert codes[0]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
        assert codes[1]["embeds"]["_errors"][0]["code"] == "MAX_EMBED_SIZE_EXCEEDED"
        assert [m["source"] for m in fake.channel_messages(fake.channel.id)] == ["gateway"]  # nothing was posted


@pytest.mark.parametrize(
    ("check", "payload", "path"),
    [
        (limits.check_message, {"embeds": [{"title": "t" * 257}]}, ["embeds", "0", "title"]),
        (limits.check_message, {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, ["embeds", "0", "fields", "0", "value"]),
        (limits.check_message, {"embeds": [{"footer": {"text": "f" * 2049}}]}, ["embeds", "0", "footer", "text"]),
        (limits.check_message, {"embeds": [{}] * 11}, ["embeds"]),
        (limits.check_message, {"components": [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "c", "label": "l"}]}] * 6}, ["components"]),
        (limits.check_message, {"components": [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "c" * 101}]}]}, ["components", "0", "components", "0", "custom_id"]),
        (limits.check_message, {"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}] * 26}]}]}, ["components", "0", "components", "0", "options"]),
        (limits.check_autocomplete, {"choices": [{"name": "n", "value": "v"}] * 26}, ["data", "choices"]),
        (limits.check_autocomplete, {"choices": [{"name": "n", "value": "v" * 101}]}, ["data", "choices", "0", "value"]),
        (limits.check_modal, {"title": "t" * 46, "custom_id": "m", "components": [{"type": 1, "components": [{"type": 4, "custom_id": "i", "label": "l"}]}]}, ["data", "title"]),
        (limits.check_modal, {"title": "t", "custom_id": "m", "components": [{"type": 18, "label": "l" * 46, "component": {"type": 4, "custom_id": "i"}}]}, ["data", "components", "0", "label"]),
        (limits.check_commands, [{"name": "ok", "description": "d", "options": [{"name": f"o{i}", "description": "d", "type": 3} for i in range(26)]}], ["0", "options"]),
        (limits.check_commands, [{"name": "ok", "description": "d", "options": [{"name": "c", "description": "d", "type": 3, "choices": [{"name": "n", "value": "v"}] * 26}]}], ["0", "options", "0", "choices"]),
    ],
)
async def test_limit_checks(check, payload, path) -> None:  # type: ignore[no-untyped-def]
    node = check(payload)
    for key in path:
        node = node[key]
    assert node["_errors"]


async def test_late_response_gets_unknown_interaction(fake: FakeDiscord) -> None:
    fake.ack_deadline = 0.2
    bot, probe = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_slash("late")
        response = await fake.wait_for_response(iid)
        assert response["status"] == 404 and fake.interaction(iid).expired
        exc = await probe.wait("late")
        assert isinstance(exc, discord.NotFound) and exc.code == 10062
        assert fake.ack_latency(iid) is None


async def test_second_callback_is_rejected(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await synced(bot, fake)
        iid = await fake.dispatch_slash("ping")
        await fake.wait_for_response(iid)
        record = fake.interaction(iid)
        url = f"{fake.api_base}/interactions/{iid}/{record.token}/callback"
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as resp:
                assert resp.status == 400 and (await resp.json())["code"] == 40060


async def test_everyone_with_allowed_mentions_none_and_reply(fake: FakeDiscord) -> None:
    bot, _ = await make_bot()
    async with running_bot(bot, fake, TOKEN):
        await fake.dispatch_message("!announce")
        sent = await fake.wait_for_message(fake.channel.id)
        assert sent["content"] == "@everyone the bot is up"
        assert sent["allowed_mentions"] == {"parse": []} and sent["mention_everyone"] is False

        original = await fake.dispatch_message("!echo hello there", author=fake.member, mentions=[fake.admin])
        assert original["content"] == f"!echo hello there <@{fake.admin.id}>"
        reply = await fake.wait_for_message(fake.channel.id)
        assert reply["message_reference"]["message_id"] == original["id"] and reply["type"] == 19
        assert reply["content"] == f"hello there <@{fake.admin.id}>"
        assert {m["id"] for m in reply["mentions"]} == {str(fake.admin.id), str(fake.member.id)}  # + replied user

        # Mentioning the bot puts <@bot> up front, like a client would.
        mentioned = await fake.dispatch_message("hi", mentions=[fake.bot])
        assert mentioned["content"] == f"<@{fake.bot.id}> hi"


# --------------------------------------------------------------------------- sharding


class FastShardedBot(commands.AutoShardedBot):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.identified: list[tuple[int | None, bool]] = []  # (shard_id, initial) of every IDENTIFY

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # The default sleeps 5 s before every non-initial IDENTIFY (Discord's rate limit).
        self.identified.append((shard_id, initial))


async def test_autosharded_bot_connects_both_shards(fake: FakeDiscord) -> None:
    first = fake.guild
    other = fake.add_guild("Second Guild", guild_id=first.id + (1 << 22))  # lands on the other shard
    bot, _ = await make_bot(FastShardedBot, shard_count=2)
    async with running_bot(bot, fake, TOKEN):
        assert bot.identified == [(0, True), (1, False)]  # the second IDENTIFY went through the hook, not a sleep
        assert sorted(bot.shards) == [0, 1]
        assert {g.id for g in bot.guilds} == {first.id, other.id}
        assert bot.get_guild(first.id).shard_id != bot.get_guild(other.id).shard_id
        shards = sorted(m["d"]["shard"] for m in fake.gateway_received if m["op"] == 2)
        assert shards == [[0, 2], [1, 2]]
        await synced(bot, fake)
        iid = await fake.dispatch_slash("ping")
        assert (await fake.wait_for_response(iid))["type"] == 4
    assert bot.is_closed()


async def test_autosharded_without_shard_count_follows_gateway_bot(fake: FakeDiscord) -> None:
    use_endpoints(fake.api_base)  # no pinned gateway: the URL comes from GET /gateway/bot
    fake.recommended_shards = 2
    fake.add_guild("Second Guild", guild_id=fake.guild.id + (1 << 22))
    bot, _ = await make_bot(FastShardedBot)
    async with running_bot(bot, fake, TOKEN):
        assert bot.shard_count == 2 and len(bot.guilds) == 2
        assert ("GET", "/gateway/bot") in [(r["method"], r["path"]) for r in fake.requests]


async def test_use_endpoints_none_restores_defaults() -> None:
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    use_endpoints("http://127.0.0.1:1/api/v10/", "ws://127.0.0.1:1/gw")
    assert Route.BASE == "http://127.0.0.1:1/api/v10"
    assert Route("GET", "/users/@me").url == "http://127.0.0.1:1/api/v10/users/@me"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:1/gw"
    use_endpoints(None, None)
    assert Route.BASE == "https://discord.com/api/v10"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"
