"""The real bot (bot/discord_adapter/client.py + commands/) driven through the local fake Discord.

No discord.py object is mocked: the bot logs in over HTTP, connects to the fake gateway and
answers INTERACTION_CREATE / MESSAGE_CREATE over HTTP. After every test, no request broke a
Discord limit and every payload the bot sent passes the limit checker.
"""
from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from fakediscord import FakeDiscord, limits, running_bot
from helpers import EPHEMERAL, FROZEN_DATA, ROOT, answer_of, embed, started

from bot.config import Settings
from bot.dataset.store import Store
from bot.discord_adapter.checks import moderator_only
from bot.discord_adapter.client import ResponsesBot, sync_commands
from bot.engine.engine import Engine

pytestmark = pytest.mark.asyncio


# --------------------------------------------------------------------------- harness


def buttons(message: dict) -> dict[str, dict]:
    return {c["label"]: c for row in message["components"] for c in row["components"]}


async def no_message(fake: FakeDiscord, channel_id: int, wait: float = 0.3) -> bool:
    try:
        msg = await fake.wait_for_message(channel_id, timeout=wait)
    except TimeoutError:
        return True
    raise AssertionError(f"unexpected message: {msg}")


class GatedEngine(Engine):
    """answer() waits until the test opens the gate, however fast the machine: the bot has to
    acknowledge on its own deadline while the answer is still being worked out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = threading.Semaphore(0)

    def answer(self, question):
        if not self.gate.acquire(timeout=10):
            raise TimeoutError("the test never let the answer through")
        return super().answer(question)


class GatedStore(Store):
    """apply() (the save Confirm runs) waits until the test opens the gate."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()

    def apply(self, *args, **kwargs):
        if not self.gate.wait(10):
            raise TimeoutError("the test never let the save through")
        return super().apply(*args, **kwargs)


class FailingEngine(Engine):
    def answer(self, question):
        raise RuntimeError("the engine broke")


# --------------------------------------------------------------------------- commands and schemas


async def test_sync_registers_command_schemas(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        synced = await sync_commands(bot, fake.guild.id)
    assert {"about", "actor", "ask", "help", "search", "sync", "record", "actors", "data"} <= {c.name for c in synced}
    assert fake.registered_commands() == []  # never global unless asked
    cmds = {c["name"]: c for c in fake.registered_commands(fake.guild.id)}
    assert cmds["ask"]["options"] == [{"type": 3, "name": "question", "description": cmds["ask"]["options"][0]["description"],
                                       "required": True, "min_length": 1, "max_length": 300}]
    assert cmds["actor"]["options"][0]["autocomplete"] is True and cmds["actor"]["options"][0]["required"]
    search = {o["name"]: o for o in cmds["search"]["options"]}
    assert list(search) == ["actor", "type", "year", "from", "to", "text"]
    assert search["actor"]["autocomplete"] and search["type"]["autocomplete"]
    assert (search["year"]["type"], search["year"]["min_value"], search["year"]["max_value"]) == (4, 1900, 2100)
    assert not any(o["required"] for o in search.values())
    assert int(cmds["sync"]["default_member_permissions"]) == discord.Permissions(administrator=True).value
    assert cmds["ask"]["default_member_permissions"] is None
    assert limits.check_commands(list(cmds.values())) == {}


async def test_ask_answers_with_pages_and_sources(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        iid = await fake.dispatch_slash("ask", {"question": "what happened in 2021"}, user=fake.member)
        response = await fake.wait_for_response(iid)
        assert response["type"] == 4 and not (response["data"].get("flags") or 0) & EPHEMERAL
        assert response["status"] == 200 and not fake.interaction(iid).expired  # acknowledged, in one callback
        first = embed(response)
        assert first["title"] == "what happened in 2021"
        assert first["description"].startswith("45 records (2021)") and "**2021**" in first["description"]
        assert "[1]" in first["description"] and first["fields"][0]["name"] == "Sources"
        pages = int(first["footer"]["text"].split("/")[1])
        assert pages > 1 and first["footer"]["text"] == f"Page 1/{pages}"
        message = response["message"]
        b = buttons(message)
        assert list(b) == ["◀", f"1/{pages}", "▶", "Sources"]
        assert b["◀"]["disabled"] and b[f"1/{pages}"]["disabled"] and not b["▶"].get("disabled")

        # someone else cannot turn the pages
        click = await fake.dispatch_click(message["id"], b["▶"]["custom_id"], user=fake.admin)
        refused = await fake.wait_for_response(click)
        assert refused["type"] == 4 and refused["data"]["flags"] & EPHEMERAL
        assert refused["data"]["content"] == "Only the person who asked can turn pages."
        assert fake.message(message["id"])["embeds"][0]["footer"]["text"] == f"Page 1/{pages}"

        # the asker can
        click = await fake.dispatch_click(message["id"], b["▶"]["custom_id"], user=fake.member)
        turned = await fake.wait_for_response(click)
        assert turned["type"] == 7
        now = fake.message(message["id"])
        assert now["embeds"][0]["footer"]["text"] == f"Page 2/{pages}"
        assert buttons(now)[f"2/{pages}"]["disabled"] and not buttons(now)["◀"].get("disabled")
        second = now["embeds"][0]
        assert second["description"].startswith("**2021** (continued)")
        cited = [f["value"] for f in second["fields"] if f["name"].startswith("Sources")]
        assert cited and all(f"[{n}]" in second["description"] for n in range(9, 12))

        # the Sources button shows this page's passages in full, to anyone, ephemerally
        click = await fake.dispatch_click(message["id"], buttons(now)["Sources"]["custom_id"], user=fake.admin)
        shown = await fake.wait_for_response(click)
        assert shown["data"]["flags"] & EPHEMERAL
        text = shown["data"]["embeds"][0]["description"]
        assert "**[9]**" in text and "**[1]**" not in text and "Canadian House of Commons votes 266-0" in text


async def test_no_match_and_help_are_ephemeral(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        for question in ("zzyzx quux", "?"):
            iid = await fake.dispatch_slash("ask", {"question": question})
            response = await fake.wait_for_response(iid)
            assert response["data"]["flags"] & EPHEMERAL and not response["data"].get("components")
        assert embed(response)["description"].startswith("Ask me about")
        iid = await fake.dispatch_slash("help")
        response = await fake.wait_for_response(iid)
        assert response["data"]["flags"] & EPHEMERAL and embed(response)["title"] == "How to ask"


async def test_actor_newest_first_fuzzy_and_unknown(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        iid = await fake.dispatch_slash("actor", {"name": "canada"})
        first = embed(await fake.wait_for_response(iid))
        assert first["title"] == "What Canada did"
        desc = first["description"]
        assert desc.index("**2021**") < desc.index("**2020**")
        assert desc.index("22 Oct 2021") < desc.index("12 Jan 2021")
        assert desc.index("[1]") < desc.index("[2]")  # renumbered in reading order
        iid = await fake.dispatch_slash("actor", {"name": "canda"})  # typed, not picked
        assert embed(await fake.wait_for_response(iid))["title"] == "What Canada did"
        iid = await fake.dispatch_slash("actor", {"name": "austria"})
        response = await fake.wait_for_response(iid)
        assert response["data"]["flags"] & EPHEMERAL and "Did you mean Australia?" in embed(response)["description"]


async def test_autocomplete_actor_and_type(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        iid = await fake.dispatch_autocomplete("actor", {"name": "can"}, focused="name")
        response = await fake.wait_for_response(iid)
        assert response["type"] == 8 and response["data"]["choices"][0] == {"name": "🇨🇦 Canada", "value": "canada"}
        assert response["status"] == 200 and not fake.interaction(iid).expired
        iid = await fake.dispatch_autocomplete("actor", {"name": ""}, focused="name")
        assert len((await fake.wait_for_response(iid))["data"]["choices"]) == 25
        iid = await fake.dispatch_autocomplete("search", {"type": "sanc"}, focused="type")
        assert (await fake.wait_for_response(iid))["data"]["choices"][0] == {"name": "Sanctions", "value": "sanctions"}
        iid = await fake.dispatch_autocomplete("search", {"actor": "europ", "type": ""}, focused="actor")
        assert any(c["value"] == "eu" for c in (await fake.wait_for_response(iid))["data"]["choices"])


async def test_search_filters_and_hints(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)

        async def search(**options):
            return await fake.wait_for_response(await fake.dispatch_slash("search", options))

        hint = await search()
        assert hint["data"]["flags"] & EPHEMERAL and "at least one filter" in embed(hint)["description"]
        found = await search(actor="canada", type="sanctions")
        assert not (found["data"].get("flags") or 0) & EPHEMERAL
        assert embed(found)["title"] == "Search: Canada · Sanctions" and "22 Mar 2021" in embed(found)["description"]
        by_year = await search(year=2020, text="Hikvision")
        assert "18 Sep 2020" in embed(by_year)["description"] and "2021" not in embed(by_year)["description"]
        span = await search(**{"from": 2019, "to": 2020, "type": "import-bans"})
        assert embed(span)["title"] == "Search: Import bans · 2019–2020"
        for bad in ({"type": "knitting"}, {"from": 2022, "to": 2020}, {"year": 2020, "from": 2019}):
            response = await search(**bad)
            assert response["data"]["flags"] & EPHEMERAL


async def test_about(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        response = await fake.wait_for_response(await fake.dispatch_slash("about"))
        about = embed(response)
        fields = {f["name"]: f["value"] for f in about["fields"]}
        assert fields["Records"] == str(engine.state.n_records) and fields["Actors"] == str(len(engine.state.actors))
        assert "International Responses to the Uyghur Crisis" in about["description"]
        assert fields["Data last changed"][:2] == "20"


async def test_everyone_in_a_question_pings_no_one(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        iid = await fake.dispatch_slash("ask", {"question": "@everyone what did Canada do"})
        response = await fake.wait_for_response(iid)
        assert response["data"]["allowed_mentions"] == {"parse": []}
        shown = fake.message(response["message"]["id"])
        assert shown["allowed_mentions"] == {"parse": []} and shown["mention_everyone"] is False
        assert "@\u200beveryone" in embed(response)["title"]
        await fake.dispatch_message("@everyone what did Canada do <@&1>", mentions=[fake.bot], author=fake.member)
        reply = await fake.wait_for_message(fake.channel.id)
        assert reply["allowed_mentions"]["parse"] == [] and reply["mention_everyone"] is False
        assert reply["mentions"] == []


# --------------------------------------------------------------------------- questions in channels


async def test_mention_question_is_answered_as_a_reply(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path)  # no message content intent: mentions still have content
    async with running_bot(bot, fake):
        asked = await fake.dispatch_message("what did Canada do", mentions=[fake.bot], author=fake.member)
        reply = await fake.wait_for_message(fake.channel.id)
        assert reply["message_reference"]["message_id"] == asked["id"]
        assert reply["embeds"][0]["description"].startswith("8 records (Canada")
        assert ("POST", f"/channels/{fake.channel.id}/typing") in [(r["method"], r["path"]) for r in fake.requests]
        # only the asker turns pages here too; the bot's own echoed reply is not a question
        b = buttons(reply)
        click = await fake.dispatch_click(reply["id"], b["Sources"]["custom_id"], user=fake.admin)
        assert (await fake.wait_for_response(click))["data"]["flags"] & EPHEMERAL
        await fake.wait_for_response(click, count=2)  # eight passages in full: two ephemeral pages
        assert len([m for m in fake.channel_messages(fake.channel.id) if m["author"]["id"] == str(fake.bot.id)
                    and not m["flags"] & EPHEMERAL]) == 1
        # a plain message in an unlisted channel is not for the bot
        await fake.dispatch_message("what did Canada do", author=fake.member)
        assert await no_message(fake, fake.channel.id)


async def test_listed_channel_and_its_threads(fake, engine, tmp_path):
    general, other = fake.guild.channels[0], fake.guild.channels[1]
    thread = next(c for c in fake.guild.channels if c.is_thread)
    bot = await started(fake, engine, tmp_path, answer_channels=[general.id], message_content_intent=True,
                        user_cooldown_seconds=0)
    async with running_bot(bot, fake):
        await fake.dispatch_message("sanctions in 2021", author=fake.member)
        reply = await fake.wait_for_message(general.id)
        assert reply["embeds"][0]["title"] == "sanctions in 2021"
        await fake.dispatch_message("Hikvision", author=fake.member, channel_id=thread.id)
        reply = await fake.wait_for_message(thread.id)
        assert reply["embeds"][0]["title"] == "Hikvision" and reply["type"] == 19
        await fake.dispatch_message("Hikvision", author=fake.member, channel_id=other.id)
        assert await no_message(fake, other.id)


async def test_listed_channel_without_content_intent_only_answers_mentions(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path, answer_channels=[fake.channel.id], user_cooldown_seconds=0)
    async with running_bot(bot, fake):
        await fake.dispatch_message("sanctions in 2021", author=fake.member)  # arrives with empty content
        assert await no_message(fake, fake.channel.id)
        await fake.dispatch_message("sanctions in 2021", author=fake.member, mentions=[fake.bot])
        assert (await fake.wait_for_message(fake.channel.id))["embeds"][0]["title"] == "sanctions in 2021"


async def test_bots_are_ignored(fake, engine, tmp_path):
    robot = fake.add_user("other_bot", bot=True)
    bot = await started(fake, engine, tmp_path, answer_channels=[fake.channel.id], message_content_intent=True)
    async with running_bot(bot, fake):
        await fake.dispatch_message("what did Canada do", author=robot, mentions=[fake.bot])
        assert await no_message(fake, fake.channel.id)


async def test_cooldown_reacts_instead_of_answering(fake, engine, tmp_path):
    bot = await started(fake, engine, tmp_path, user_cooldown_seconds=60)
    async with running_bot(bot, fake):
        await fake.dispatch_message("Hikvision", author=fake.member, mentions=[fake.bot])
        await fake.wait_for_message(fake.channel.id)
        second = await fake.dispatch_message("what did Canada do", author=fake.member, mentions=[fake.bot])
        await fake.wait_for(lambda: fake.message(second["id"])["reactions"], 3)
        assert fake.message(second["id"])["reactions"][0]["emoji"]["name"] == "⏳"
        assert await no_message(fake, fake.channel.id, 0.2)
        await fake.dispatch_message("what did Canada do", author=fake.admin, mentions=[fake.bot])  # per user
        assert (await fake.wait_for_message(fake.channel.id))["embeds"][0]["description"].startswith("8 records")


# --------------------------------------------------------------------------- errors and slow answers


async def test_data_error_becomes_a_friendly_ephemeral_message(fake, data_copy, tmp_path):
    (data_copy / "records" / "canada.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    broken = Engine(data_copy, tmp_path / "broken.db")
    bot = await started(fake, broken, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        for name, options in (("ask", {"question": "canada"}), ("actor", {"name": "canada"}), ("about", {})):
            response = await fake.wait_for_response(await fake.dispatch_slash(name, options))
            assert response["status"] == 200 and response["data"]["flags"] & EPHEMERAL
            assert "The data is being updated" in embed(response)["description"]
        iid = await fake.dispatch_autocomplete("actor", {"name": "ca"}, focused="name")
        assert (await fake.wait_for_response(iid))["data"]["choices"] == []
        await fake.dispatch_message("canada", mentions=[fake.bot], author=fake.member)
        reply = await fake.wait_for_message(fake.channel.id)
        assert "The data is being updated" in reply["embeds"][0]["description"]


async def test_failing_engine_and_refused_check(fake, frozen_data, tmp_path):
    bot = await started(fake, FailingEngine(frozen_data, tmp_path / "index.db"), tmp_path, owner_ids=[fake.admin.id])
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        response = await fake.wait_for_response(await fake.dispatch_slash("ask", {"question": "canada"}))
        assert response["data"]["flags"] & EPHEMERAL and "something went wrong" in embed(response)["description"]
        response = await fake.wait_for_response(await fake.dispatch_slash("sync", user=fake.member))
        assert response["data"]["flags"] & EPHEMERAL and "Only the bot's owners" in embed(response)["description"]
        iid = await fake.dispatch_slash("sync", {"scope": "guild"}, user=fake.admin)
        done = await fake.wait_for_response(iid, count=2)
        count = len(bot.tree.get_commands())
        assert fake.responses(iid)[0]["type"] == 5 and done["message"]["content"].startswith(f"Synced {count} commands")


async def test_slow_engine_defers_then_follows_up(fake, frozen_data, tmp_path):
    engine = GatedEngine(frozen_data, tmp_path / "index.db")
    bot = await started(fake, engine, tmp_path)
    bot.direct_by = 0.1
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        iid = await fake.dispatch_slash("ask", {"question": "what did Canada do"})
        first = await fake.wait_for_response(iid)  # the engine is still held at the gate
        assert (first["kind"], first["type"], first["status"]) == ("callback", 5, 200) and len(fake.responses(iid)) == 1
        engine.gate.release()
        answer = await fake.wait_for_response(iid, count=2)
        assert answer["kind"] == "followup" and answer["message"]["id"] == first["message"]["id"]
        assert answer["message"]["embeds"][0]["description"].startswith("8 records")
        # nothing matched: the public "thinking" message goes, the reply is ephemeral
        iid = await fake.dispatch_slash("ask", {"question": "zzyzx quux"})
        assert (await fake.wait_for_response(iid))["type"] == 5
        engine.gate.release()
        await fake.wait_for_response(iid, count=3)
        kinds = [(r["kind"], r["status"]) for r in fake.responses(iid)]
        assert kinds == [("callback", 200), ("delete_original", 204), ("followup", 200)]
        assert fake.responses(iid)[2]["message"]["flags"] & EPHEMERAL


async def test_a_stop_waits_for_a_save_in_flight_and_tells_the_moderator(fake, data_copy, tmp_path):
    store = GatedStore(data_copy)
    settings = Settings(data_dir=data_copy, database=tmp_path / "index.db", shutdown_seconds=0.1)
    bot = ResponsesBot(settings, Engine(data_copy, tmp_path / "index.db"), store=store, guild_ready_timeout=0.05)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        iid = await fake.dispatch_slash("record remove", {"id": "de-halt-deportations-2018", "reason": "test"})
        preview = (await answer_of(fake, iid))["message"]
        while int(preview["id"]) not in bot.views:  # registered once the send has returned
            await asyncio.sleep(0.01)
        click = await fake.dispatch_click(preview["id"], buttons(preview)["Confirm"]["custom_id"])
        await fake.wait_for_response(click)  # acknowledged; the save waits at the gate
        stopping = asyncio.ensure_future(bot.shutdown())
        await asyncio.sleep(0.5)  # well past shutdown_seconds: a save is not cut short
        assert not stopping.done() and not bot.is_closed()
        late = await fake.dispatch_slash("ask", {"question": "canada"})
        assert "restarting" in embed(await answer_of(fake, late))["description"]
        store.gate.set()
        await asyncio.wait_for(stopping, 10)
    outcome = fake.responses(click)[-1]
    assert outcome["kind"] == "edit_original" and outcome["message"]["embeds"][0]["title"] == "Saved"
    assert "de-halt-deportations-2018" not in (data_copy / "records" / "germany.yaml").read_text()


async def test_moderator_check(fake, engine, tmp_path):
    class Mod(commands.Cog):
        @app_commands.command(description="moderators only")
        @moderator_only()
        async def modtest(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok", ephemeral=True)

    role = fake.add_role("Curators", 0)
    curator = fake.add_user("curator", roles=[role.id])
    bot = await started(fake, engine, tmp_path, cog=Mod(), moderator_roles=[role.id])
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        cmd = next(c for c in fake.registered_commands(fake.guild.id) if c["name"] == "modtest")
        assert int(cmd["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
        for user, allowed in ((fake.admin, True), (curator, True), (fake.member, False)):
            response = await fake.wait_for_response(await fake.dispatch_slash("modtest", user=user))
            assert (response["data"].get("content") == "ok") is allowed


# --------------------------------------------------------------------------- the command line


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "UYGHUR_BOT_"))}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), UYGHUR_BOT_DB=str(tmp_path / "cli.db"),
               UYGHUR_BOT_DATA=str(FROZEN_DATA), **extra)
    return env


async def _cli(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, cwd=tmp_path,
                                                env=_env(tmp_path, PYTHONPATH=str(ROOT), **env),
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    return proc.returncode, out.decode(), err.decode()


async def test_run_without_token_is_one_line(tmp_path):
    code, out, err = await _cli(tmp_path, "run")
    assert code != 0 and "Traceback" not in err + out
    assert err.strip().count("\n") == 0 and "DISCORD_TOKEN" in err


async def test_run_with_rejected_token_is_one_line(fake, tmp_path):
    code, out, err = await _cli(tmp_path, "run", DISCORD_TOKEN="invalid-token", DISCORD_API_BASE=fake.api_base,
                                DISCORD_GATEWAY_URL=fake.gateway_url)
    assert code == 1 and "Traceback" not in err + out and "invalid-token" not in err + out
    assert err.strip().count("\n") == 0 and "rejected" in err
    assert [r["status"] for r in fake.requests if r["path"] == "/users/@me"] == [401]


async def test_sync_command_registers_and_prints(fake, tmp_path):
    code, out, err = await _cli(tmp_path, "sync", "--guild", str(fake.guild.id), DISCORD_TOKEN="fake-token",
                                DISCORD_API_BASE=fake.api_base, DISCORD_GATEWAY_URL=fake.gateway_url)
    assert code == 0, err
    names = {c["name"] for c in fake.registered_commands(fake.guild.id)}
    assert out.startswith(f"synced {len(names)} command(s) to guild {fake.guild.id}: /ask, /actor, /search")
    assert {"ask", "actor", "search", "about", "help", "sync", "record", "actors", "data"} <= names
    assert fake.gateway_connections == []  # no gateway needed to sync
