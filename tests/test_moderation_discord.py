"""The moderators' commands (/record, /actors, /data) through the local fake Discord.

Each test runs the real bot on a private copy of data/ with its own index: changes go
through modals, previews and Confirm clicks exactly as on Discord, and land in the YAML
files and data/history.jsonl. After every test no request broke a Discord limit, every
modal fits Discord's rules, and every reply to a moderator command was ephemeral.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord
from fakediscord import limits, running_bot
from helpers import (
    EPHEMERAL,
    audit_posts,
    buttons,
    click,
    command,
    make_bot,
    open_modal,
    prefilled,
    reply,
    snapshot,
    submit,
)
from helpers import message_embed as embed

from bot.dataset.store import Store
from bot.discord_adapter.answer_pages import escape, page_length
from bot.discord_adapter.client import sync_commands
from bot.discord_adapter.moderation_pages import audit_page, history_page, preview_page
from bot.discord_adapter.moderation_views import NOT_YOURS
from bot.discord_adapter.record_form import slug

MOD_COMMANDS = {"record", "actors", "data"}
EPHEMERAL_COMMANDS = MOD_COMMANDS  # checked after every test by the `fake` fixture
MANAGE_GUILD = discord.Permissions(manage_guild=True).value
RID = "de-halt-deportations-2018"
NEW = {"title": "Germany condemns forced labour in Xinjiang", "date": "2022-06",
       "actors": "Germany, European Union:mentioned", "types": "statements",
       "summary": "In June 2022 Germany condemned the use of forced labour in Xinjiang."}


# --------------------------------------------------------------------------- tests


async def test_schemas_are_moderator_only(fake, data_copy, tmp_path):
    bot = make_bot(fake, data_copy, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
    cmds = {c["name"]: c for c in fake.registered_commands(fake.guild.id)}
    assert MOD_COMMANDS | {"ask", "actor", "sync"} <= set(cmds)
    assert limits.check_commands(list(cmds.values())) == {}
    for name in MOD_COMMANDS:
        assert int(cmds[name]["default_member_permissions"]) == MANAGE_GUILD and cmds[name]["contexts"] == [0]
    subs = {name: {o["name"]: o for o in cmds[name]["options"]} for name in MOD_COMMANDS}
    assert list(subs["record"]) == ["add", "edit", "remove", "show", "history", "undo"]
    assert list(subs["actors"]) == ["add", "alias", "history", "undo"] and list(subs["data"]) == ["export", "import", "reload"]
    add = {o["name"]: o for o in subs["record"]["add"]["options"]}
    assert list(add) == ["section", "item", "id", "body", "stage", "reason"] and add["section"]["autocomplete"]
    assert [o["type"] for o in subs["data"]["import"]["options"]] == [11, 3]
    kinds = {o["name"]: o for o in subs["actors"]["add"]["options"]}["kind"]["choices"]
    assert {c["value"] for c in kinds} >= {"country", "un-body", "company"}


async def test_add_edit_history_undo_remove(fake, data_copy, tmp_path):
    bot = make_bot(fake, data_copy, tmp_path)
    store = bot.store
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        # section autocompletes from the document's headings
        iid = await fake.dispatch_autocomplete("record add", {"section": "germ", "item": 1}, focused="section")
        choices = (await fake.wait_for_response(iid))["data"]["choices"]
        assert choices[0] == {"name": "Germany (2 items)", "value": "uhrp-responses:germany"}

        # add: modal → preview → confirm
        iid, modal = await open_modal(fake, "record add", {"section": "uhrp-responses:germany", "item": 1,
                                                           "reason": "new statement"})
        assert modal["title"] == "Add a record" and set(prefilled(modal)) == set(NEW)
        preview = await submit(fake, iid, modal, NEW)
        new_id = "germany-condemns-forced-labour-xinjiang-2022"
        assert embed(preview)["title"] == f"Preview: add record {new_id}"
        assert "+  title: Germany condemns forced labour in Xinjiang" in embed(preview)["description"]
        assert "{id: eu, role: mentioned}" in embed(preview)["description"]
        assert list(buttons(preview)) == ["Confirm", "Cancel"] and store.get("record", new_id) is None
        saved = await click(fake, bot, preview, "Confirm")
        assert embed(saved)["title"] == "Saved" and all(b.get("disabled") for b in buttons(saved).values())
        assert f"- id: {new_id}" in (data_copy / "records" / "germany.yaml").read_text(encoding="utf-8")
        [entry] = store.history.for_target("record", new_id)
        assert (entry.who, entry.action) == (f"discord:{fake.admin.id}:admin_user", "add")
        assert entry.reason == "new statement"
        [post] = await audit_posts(fake, 1)
        assert embed(post)["title"] == f"Record added: {new_id}" and post["allowed_mentions"] == {"parse": []}
        assert "admin\\_user" in {f["name"]: f["value"] for f in embed(post)["fields"]}["Who"]
        answer = await command(fake, "ask", {"question": "what did Germany do in 2022"})
        assert "Germany condemns forced labour in Xinjiang" in embed(answer)["description"]

        # edit: the modal shows the record as it is
        iid = await fake.dispatch_autocomplete("record edit", {"id": "condemns forced"}, focused="id")
        assert (await fake.wait_for_response(iid))["data"]["choices"][0]["value"] == new_id
        iid, modal = await open_modal(fake, "record edit", {"id": new_id})
        assert modal["title"] == f"Edit {new_id}"[:45]
        assert prefilled(modal) == {**NEW, "actors": "germany:acted, eu:mentioned"}
        preview = await submit(fake, iid, modal, {**prefilled(modal), "title": "Germany denounces forced labour"})
        assert "-  title: Germany condemns" in embed(preview)["description"]
        await click(fake, bot, preview, "Confirm")
        assert store.get("record", new_id)["title"] == "Germany denounces forced labour"

        # the options the form has no room for: stage, body, the cited passage
        iid, modal = await open_modal(fake, "record edit", {"id": new_id, "stage": "passed", "body": "Foreign Office",
                                                            "section": "Germany", "item": 2})
        preview = await submit(fake, iid, modal, prefilled(modal))
        assert "+  stage: passed" in embed(preview)["description"]
        await click(fake, bot, preview, "Confirm")
        edited = store.get("record", new_id)
        assert (edited["stage"], edited["body"], edited["sources"][0]["item"]) == ("passed", "Foreign Office", 2)
        iid, modal = await open_modal(fake, "record edit", {"id": new_id, "stage": "none", "body": "-",
                                                            "section": "Germany", "item": 1})
        await click(fake, bot, await submit(fake, iid, modal, prefilled(modal)), "Confirm")
        assert "stage" not in store.get("record", new_id) and "body" not in store.get("record", new_id)

        # history, newest first; undo reverts the edit and is itself a change
        history = embed(await reply(fake, "record history", {"id": new_id}))
        assert [f["name"] for f in history["fields"]] == ["#4 · edit", "#3 · edit", "#2 · edit", "#1 · add"]
        assert "+  title: Germany denounces forced labour" in history["fields"][2]["value"]
        undone = embed(await reply(fake, "record undo", {"id": new_id}))
        assert undone["title"] == "Saved" and "reverts change #4" in undone["description"]
        assert store.get("record", new_id)["stage"] == "passed"
        assert store.history.for_target("record", new_id)[-1].undoes == 4
        shown = embed(await reply(fake, "record show", {"id": new_id}))
        assert "title: Germany denounces forced labour" in shown["description"]

        # remove, after a preview
        preview = await reply(fake, "record remove", {"id": new_id, "reason": "duplicate"})
        assert embed(preview)["title"] == f"Preview: remove record {new_id}"
        await click(fake, bot, preview, "Confirm")
        assert new_id not in (data_copy / "records" / "germany.yaml").read_text(encoding="utf-8")
        gone = embed(await reply(fake, "record show", {"id": new_id}))
        assert gone["title"] == "Not saved" and "there is no record" in gone["description"]
        assert len(await audit_posts(fake, 6)) == 6  # add, three edits, undo, remove


async def test_non_moderators_are_refused_everywhere(fake, data_copy, tmp_path, curator):
    user, role = curator
    bot = make_bot(fake, data_copy, tmp_path, role=role)
    before = snapshot(data_copy)
    upload = fake.upload_attachment("records.yaml", b"- id: x\n")
    calls = [("record add", {"section": "Germany", "item": 1}), ("record edit", {"id": RID}),
             ("record remove", {"id": RID, "reason": "x"}), ("record show", {"id": RID}),
             ("record history", {"id": RID}), ("record undo", {"id": RID}),
             ("actors add", {"id": "atlantis", "name": "Atlantis", "kind": "country"}),
             ("actors alias", {"actor": "canada", "alias": "Maple Land"}), ("actors undo", {"actor": "canada"}),
             ("actors history", {"actor": "canada"}),
             ("data export", {}), ("data import", {"file": upload}), ("data reload", {})]
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        for name, options in calls:
            response = await fake.wait_for_response(await fake.dispatch_slash(name, options, user=fake.member))
            assert response["type"] == 4 and response["data"]["flags"] & EPHEMERAL, name
            assert embed(response["data"])["description"].startswith("Only moderators"), name
        assert not any("/ephemeral-attachments/" in r["path"] for r in fake.requests)  # never downloaded
        # a moderator by role may
        shown = embed(await reply(fake, "record show", {"id": RID}, user=user))
        assert shown["title"] == f"Record {RID}"
    assert snapshot(data_copy) == before


async def test_two_moderators_edit_one_record(fake, data_copy, tmp_path, curator):
    user, role = curator
    bot = make_bot(fake, data_copy, tmp_path, role=role)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        first = await open_modal(fake, "record edit", {"id": RID})
        second = await open_modal(fake, "record edit", {"id": RID}, user=user)
        third = await open_modal(fake, "record edit", {"id": RID}, user=user)
        values = prefilled(first[1])
        preview_a = await submit(fake, *first, {**values, "title": "Edit by the admin"})
        preview_b = await submit(fake, *second, {**values, "title": "Edit by the curator"}, user=user)
        await click(fake, bot, preview_a, "Confirm")
        late = await click(fake, bot, preview_b, "Confirm", user=user)  # saved in the meantime
        assert embed(late)["title"] == "Not saved" and "changed by someone else" in embed(late)["description"]
        refused = await submit(fake, *third, {**values, "title": "Another edit"}, user=user)  # opened before the save
        assert embed(refused)["title"] == "Not saved" and "since you opened it" in embed(refused)["description"]
        assert not refused["components"]
    assert bot.store.get("record", RID)["title"] == "Edit by the admin"
    assert len(bot.store.history.entries()) == 1


async def test_bad_input_names_the_field(fake, data_copy, tmp_path):
    bot = make_bot(fake, data_copy, tmp_path)
    before = snapshot(data_copy)
    cases = [({"actors": "Germany, austria"},
              "actors: I don't know an actor called “austria”. Did you mean Australia?"),
             ({"actors": "Germany:leader"}, "actors: unknown role “leader”"),
             ({"types": "statements, knitting"}, "types: “knitting” is not a type of action I know"),
             ({"date": "2021-02-30"}, "date: '2021-02-30' is not a real day"),
             ({"summary": "x" * 1200}, "`summary` is 1200 characters; the limit is 1000"),
             ({"title": "y" * 130}, "`title` is 130 characters; the limit is 120")]
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        for change, message in cases:
            iid, modal = await open_modal(fake, "record add", {"section": "Germany", "item": 1})
            refused = embed(await submit(fake, iid, modal, {**NEW, **change}))
            assert refused["title"] == "Not saved" and escape(message) in refused["description"], refused
        iid, modal = await open_modal(fake, "record add", {"section": "Atlantis", "item": 1})
        assert "section: there is no section “Atlantis”" in embed(await submit(fake, iid, modal, NEW))["description"]
        iid, modal = await open_modal(fake, "record add", {"section": "Germany", "item": 9})
        assert "has items 1–2" in embed(await submit(fake, iid, modal, NEW))["description"]
        refused = embed(await reply(fake, "actors add", {"id": "Not An Id", "name": "X", "kind": "country"}))
        assert refused["title"] == "Not saved"
        refused = embed(await reply(fake, "actors add", {"id": "atlantis", "name": "Atlantis", "kind": "country",
                                                         "parent": "austria"}))
        assert "parent: I don't know an actor called “austria”. Did you mean Australia?" in refused["description"]
    assert snapshot(data_copy) == before


async def test_actors_add_alias_and_answers(fake, data_copy, tmp_path, caplog):
    bot = make_bot(fake, data_copy, tmp_path)
    bot.settings.audit_channel = 12345  # no such channel: the change is saved, the failure logged
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        preview = await reply(fake, "actors add", {"id": "atlantis", "name": "Atlantis", "kind": "country",
                                                   "flag": "🏝️", "aliases": "Atlantean, Lost Continent"})
        assert "+  aliases: [Atlantean, Lost Continent]" in embed(preview)["description"]
        caplog.set_level(logging.WARNING, "bot.discord")
        assert embed(await click(fake, bot, preview, "Confirm"))["title"] == "Saved"
        for _ in range(100):
            if "could not post change #1 to the audit channel" in caplog.text:
                break
            await asyncio.sleep(0.02)
        assert "could not post change #1 to the audit channel" in caplog.text
        assert bot.store.get("actor", "atlantis")["aliases"] == ["Atlantean", "Lost Continent"]
        preview = await reply(fake, "actors alias", {"actor": "canada", "alias": "Great White North"})
        await click(fake, bot, preview, "Confirm")
        answer = embed(await command(fake, "ask", {"question": "what did the Great White North do"}))
        assert answer["description"].startswith("8 records (Canada")
        # the new actor can be used in a record at once
        iid, modal = await open_modal(fake, "record add", {"section": "Germany", "item": 1})
        preview = await submit(fake, iid, modal, {**NEW, "actors": "Lost Continent, germany:target"})
        assert "{id: atlantis, role: acted}" in embed(preview)["description"]
        again = embed(await reply(fake, "actors alias", {"actor": "canada", "alias": "great white north"}))
        assert "already called" in again["description"]
        undone = embed(await reply(fake, "actors undo", {"actor": "Canada", "reason": "not an official name"}))
        assert undone["title"] == "Saved" and "reverts change #2" in undone["description"]
        assert "Great White North" not in bot.store.get("actor", "canada").get("aliases", [])
        history = embed(await reply(fake, "actors history", {"actor": "canda"}))
        assert [f["name"] for f in history["fields"]] == ["#3 · undo (reverts #2)", "#2 · edit"]
        answer = embed(await command(fake, "ask", {"question": "what did the Great White North do"}))
        assert not answer["description"].startswith("8 records (Canada")


async def test_confirm_belongs_to_the_invoker_cancel_and_timeout(fake, data_copy, tmp_path, curator):
    user, role = curator
    bot = make_bot(fake, data_copy, tmp_path, role=role)
    before = snapshot(data_copy)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        preview = await reply(fake, "record remove", {"id": RID, "reason": "test"})
        other = await click(fake, bot, preview, "Confirm", user=user)
        assert other["data"]["content"] == NOT_YOURS and other["data"]["flags"] & EPHEMERAL
        cancelled = await click(fake, bot, preview, "Cancel")
        assert embed(cancelled)["title"] == "Cancelled" and all(b.get("disabled") for b in buttons(cancelled).values())
        bot.confirm_timeout = 0.3
        preview = await reply(fake, "record remove", {"id": RID, "reason": "test"})
        await fake.wait_for(lambda: all(b.get("disabled") for b in buttons(fake.message(preview["id"])).values()), 3)
    assert snapshot(data_copy) == before


async def test_export_import_and_refused_files(fake, data_copy, tmp_path):
    bot = make_bot(fake, data_copy, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        exported = await reply(fake, "data export")
        [attachment] = exported["attachments"]
        assert attachment["filename"].endswith(".yaml") and embed(exported)["title"] == "Export"
        async with aiohttp.ClientSession() as session, session.get(attachment["url"]) as resp:
            text = (await resp.read()).decode()
        assert text.count("\n- id:") == len(bot.store.all_records())

        unchanged = fake.upload_attachment("records.yaml", text.encode())
        same = embed(await reply(fake, "data import", {"file": unchanged}))
        assert same["description"] == "Nothing to import: the file matches the data."

        before = snapshot(data_copy)
        for upload, message in (
                (fake.upload_attachment("pic.png", b"\x89PNG\r\n\x1a\n\x00\xff"), "pic.png is not UTF-8 text"),
                (fake.upload_attachment("bad.yaml", b"- id: [unclosed\n"), "bad.yaml:2"),
                (fake.upload_attachment("notes.txt", b"just some words"), "must be a YAML list of records"),
                (fake.upload_attachment("huge.yaml", b"- id: x\n", size=6 * 2**20), "file: huge.yaml is 6144 KiB")):
            refused = embed(await reply(fake, "data import", {"file": upload}))
            assert refused["title"] == "Not saved" and message in refused["description"], refused
        assert not any(r["path"].endswith("/huge.yaml") for r in fake.requests)  # refused before downloading
        assert snapshot(data_copy) == before

        edited = text.replace("title: Germany halts all deportations of Uyghurs to China",
                              "title: Germany halts deportations of Uyghurs to China")
        start = edited.index("- id: ca-coordinated-sanctions-2021")
        edited = edited[:start] + edited[edited.index("\n- id:", start) + 1:]
        edited += edited[edited.index(f"- id: {RID}"):].split("\n\n")[0].replace(RID, "de-copy-2018") + "\n"
        preview = await reply(fake, "data import", {"file": fake.upload_attachment("edited.yaml", edited.encode()),
                                                    "reason": "bulk"})
        fields = {f["name"]: f["value"] for f in embed(preview)["fields"]}
        assert fields == {"Added": "de-copy-2018", "Changed": RID, "Removed": "ca-coordinated-sanctions-2021"}
        assert embed(await click(fake, bot, preview, "Confirm"))["description"].startswith("Saved 3 changes")
        assert bot.store.get("record", RID)["title"] == "Germany halts deportations of Uyghurs to China"
        assert bot.store.get("record", "ca-coordinated-sanctions-2021") is None
        assert {e.batch for e in bot.store.history.entries()} != {None}
        [post] = await audit_posts(fake, 1)
        assert embed(post)["title"] == "Import: 3 records changed"


async def test_reload_reports_counts_or_problems(fake, data_copy, tmp_path):
    bot = make_bot(fake, data_copy, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        ok = embed(await reply(fake, "data reload"))
        assert ok["title"] == "Data reloaded" and ok["description"].startswith(f"{bot.engine.state.n_records} records")
        path = data_copy / "records" / "canada.yaml"
        good = path.read_text(encoding="utf-8")
        path.write_text(good.replace("date: 2021-03-22", "date: 2021-02-30", 1), encoding="utf-8")
        bad = embed(await reply(fake, "data reload"))
        assert bad["title"] == "Data not reloaded" and "records/canada.yaml:5`" in bad["description"]
        assert "not a real day" in bad["description"]
        path.write_text(good, encoding="utf-8")
        assert embed(await reply(fake, "data reload"))["title"] == "Data reloaded"


# --------------------------------------------------------------------------- pages (no Discord)


def test_long_history_and_diffs_fit_one_embed(data_copy):
    store = Store(data_copy)
    for n in range(40):
        rec = store.get("record", RID)
        change = store.propose("record", "edit", RID, {**rec, "summary": f"Version {n}: " + "words ``` @everyone " * 40},
                               None)
        store.apply([change], f"discord:{n}:user_{n}", "*bold* reason " * 30)
    page = history_page("record", RID, store.history.for_target("record", RID))
    assert page_length(page) <= 6000 and len(page["fields"]) <= 25 and page["footer"].startswith("Showing the newest")
    assert page["fields"][0]["name"] == "#40 · edit"
    assert all(len(f["value"]) <= 1024 and f["value"].count("```") == 2 for f in page["fields"])
    assert "user\\_39" in page["fields"][0]["value"] and "\\*bold\\*" in page["fields"][0]["value"]
    for p in (audit_page(store.history.for_target("record", RID)[-1:]), preview_page(change, "x" * 5000)):
        assert page_length(p) <= 6000 and len(p["description"]) <= 4096 and p["description"].count("```") == 2


def test_slug_is_readable_and_unique():
    assert slug("germany", "Germany condemns the forced labour in Xinjiang", "2022-06", set()) == \
        "germany-condemns-forced-labour-xinjiang-2022"
    assert slug("eu", "A", "[2021-03, 2021-07]", {"eu-2021"}) == "eu-2021-2"
    long = slug("united-kingdom-parliament", "Extraordinarily long words " * 10, "late 2020", set())
    assert len(long) <= 60 and long.endswith("-2020") and long.startswith("united-kingdom-parliament-")
