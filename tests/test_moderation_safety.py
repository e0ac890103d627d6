"""Only moderators change the data, and Discord refuses what the command line refuses (issue 12),
through the real discord.py client against the fake Discord.

Every form submit, button press and autocomplete is checked again; a save a crash cut short is
finished when the bot starts and on /data reload, and said in the audit channel; an import that
removes most records asks twice; the same bad changes get the same words from the command line
(real `python -m bot` processes) and from Discord.
"""
from __future__ import annotations

import subprocess
import sys

from fakediscord import running_bot
from helpers import (
    EPHEMERAL,
    ROOT,
    audit_posts,
    buttons,
    click,
    killed_saver,
    make_bot,
    open_modal,
    prefilled,
    reply,
    snapshot,
    submit,
)
from helpers import message_embed as embed

from bot.discord_adapter.answer_pages import escape
from bot.discord_adapter.checks import MODERATORS_ONLY
from bot.discord_adapter.client import sync_commands
from bot.discord_adapter.moderation_views import NOT_YOUR_FORM

EPHEMERAL_COMMANDS = {"record", "actors", "data"}   # checked after every test by the `fake` fixture
RID = "de-halt-deportations-2018"
FORM = {"title": "Germany condemns forced labour in Xinjiang", "date": "2022-06", "actors": "Germany",
        "types": "statements", "summary": "In June 2022 Germany condemned the use of forced labour in Xinjiang."}


async def _refused_at_once(fake, iid: int) -> str:
    response = await fake.wait_for_response(iid)
    assert response["type"] == 4 and response["data"]["flags"] & EPHEMERAL, response
    return response["data"]["content"]


async def test_case7_every_form_button_and_autocomplete_checks_the_member(fake, data_copy, tmp_path, curator):
    user, role = curator
    bot = make_bot(fake, data_copy, tmp_path, role=role)
    before = snapshot(data_copy)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        # a moderator's open form, submitted by a member without moderator rights
        iid, modal = await open_modal(fake, "record edit", {"id": RID})
        sid = await fake.dispatch_modal_submit(modal["custom_id"], {**prefilled(modal), "title": "Member's title"},
                                               interaction_id=iid, user=fake.member)
        assert await _refused_at_once(fake, sid) == NOT_YOUR_FORM
        # a moderator who loses the role before submitting, or before confirming
        iid, modal = await open_modal(fake, "record edit", {"id": RID}, user=user)
        preview = await submit(fake, iid, modal, {**prefilled(modal), "title": "Curator's title"}, user=user)
        iid2, modal2 = await open_modal(fake, "record edit", {"id": RID}, user=user)
        fake.guild.member(user.id).roles.remove(role.id)
        sid = await fake.dispatch_modal_submit(modal2["custom_id"], prefilled(modal2), interaction_id=iid2, user=user)
        assert await _refused_at_once(fake, sid) == MODERATORS_ONLY
        refused = await click(fake, bot, preview, "Confirm", user=user)
        assert refused["data"]["content"] == MODERATORS_ONLY
        # autocomplete: choices for a moderator, none for anyone else
        for who, expected in ((fake.admin, True), (fake.member, False), (user, False)):
            for name, focused, options in (("record edit", "id", {"id": "halt"}), ("record add", "section",
                                                                                    {"section": "germ", "item": 1}),
                                           ("actors alias", "actor", {"actor": "cana", "alias": "x"})):
                aid = await fake.dispatch_autocomplete(name, options, focused=focused, user=who)
                assert bool((await fake.wait_for_response(aid))["data"]["choices"]) is expected, (name, who)
    assert snapshot(data_copy) == before and bot.store.history.entries() == []


async def test_case6_a_save_cut_short_is_finished_at_start_and_on_reload_and_audited(fake, data_copy, tmp_path):
    killed_saver(data_copy, RID, "journal", "Saved before the bot stopped")
    bot = make_bot(fake, data_copy, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        [post] = await audit_posts(fake, 1)              # recovered when the bot started, before any answer
        assert embed(post)["title"] == "Recovered an interrupted save" and "#1–#1" in embed(post)["description"]
        shown = embed(await reply(fake, "record show", {"id": RID}))
        assert "title: Saved before the bot stopped" in shown["description"]
        history = embed(await reply(fake, "record history", {"id": RID}))
        assert [f["name"] for f in history["fields"]] == ["#1 · edit"]

        killed_saver(data_copy, RID, "file", "Saved while the bot ran")   # another process, cut short
        iid = await fake.dispatch_slash("data reload", {}, user=fake.admin)
        await fake.wait_for_response(iid, count=3)                        # deferred, then what recovery did, the result
        told = [embed(r["message"])["title"] for r in fake.responses(iid)[1:]]
        assert told == ["Recovered an interrupted save", "Data reloaded"]
        assert len(await audit_posts(fake, 2)) == 2
        assert bot.store.get("record", RID)["title"] == "Saved while the bot ran"
    assert [e.seq for e in bot.store.history.entries()] == [1, 2]


async def test_case2_an_import_removing_most_records_asks_twice_naming_the_count(fake, data_copy, tmp_path):
    bot = make_bot(fake, data_copy, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        for finish in ("Cancel", "Yes, remove 86 records"):
            preview = await reply(fake, "data import", {"file": fake.upload_attachment("empty.yaml", b"[]\n")})
            assert "This removes 86 of the 86 records" in embed(preview)["description"]
            cid = await fake.dispatch_click(preview["id"], buttons(preview)["Confirm"]["custom_id"], user=fake.admin)
            await fake.wait_for_response(cid)
            again = fake.message(preview["id"])
            assert embed(again)["title"] == "Are you sure?" and list(buttons(again)) == ["Yes, remove 86 records",
                                                                                          "Cancel"]
            assert len(bot.store.all_records()) == 86                 # nothing saved on the first Confirm
            cid = await fake.dispatch_click(preview["id"], buttons(again)[finish]["custom_id"], user=fake.admin)
            await fake.wait_for_response(cid, count=1 if finish == "Cancel" else 2)
        assert embed(fake.message(preview["id"]))["description"].startswith("Saved 86 changes")
    assert bot.store.all_records() == [] and len(bot.store.history.entries()) == 86


LAUGHS = b"- id: x\n  note: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"  n{k}: &{k} [{', '.join(['*' + p] * 9)}]\n".encode() for p, k in zip("abcdefgh", "bcdefghi"))
# (what the command line runs, what Discord runs): a moderator's mistakes, refused alike
SAME = {
    "case 13, an alias given twice": (["actor", "add", "--file", "{atlantis_twice}", "--yes"],
                                      ("actors add", {"id": "atlantis", "name": "Atlantis", "kind": "country",
                                                      "aliases": "Atlantean, atlantean"})),
    "an alias the actor has": (["actor", "alias", "canada", " canadian ", "--yes"],
                               ("actors alias", {"actor": "canada", "alias": " canadian "})),
    "another actor's name": (["actor", "alias", "canada", "Germany", "--yes"],
                             ("actors alias", {"actor": "canada", "alias": "Germany"})),
    "an actor that exists": (["actor", "add", "--file", "{canada}", "--yes"],
                             ("actors add", {"id": "canada", "name": "Canada", "kind": "country"})),
    "a record that exists": (["record", "add", "--file", "{existing}", "--yes"],
                             ("record add", {"id": RID, "section": "Germany", "item": 1})),
    "a day that does not exist": (["record", "add", "--file", "{bad_date}", "--yes"],
                                  ("record add", {"section": "Germany", "item": 1})),
    "no record to remove": (["record", "remove", "no-such-record", "--yes"],
                            ("record remove", {"id": "no-such-record", "reason": "x"})),
    "nothing to undo": (["undo", RID], ("record undo", {"id": RID})),
    "case 8, a billion laughs": (["import", "{laughs}", "--yes"], ("data import", {"file": "laughs"})),
}


def _inputs(tmp_path) -> dict:
    files = {"atlantis_twice": "id: atlantis\nname: Atlantis\nkind: country\naliases: [Atlantean, atlantean]\n",
             "canada": "id: canada\nname: Canada\nkind: country\n",
             "existing": f"id: {RID}\ntitle: {FORM['title']}\nsummary: x\nactors: [germany]\ntypes: [statements]\n"
                         "sources:\n  - {document: uhrp-responses, section: Germany, item: 1}\n",
             "bad_date": "id: germany-condemns-forced-labour-xinjiang-2021\ntitle: " + FORM["title"] +
                         "\ndate: 2021-02-30\nsummary: " + FORM["summary"] + "\nactors: [germany]\ntypes: [statements]\n"
                         "sources:\n  - {document: uhrp-responses, section: Germany, item: 1}\n"}
    out = {}
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        out[name] = str(tmp_path / f"{name}.yaml")
    (tmp_path / "laughs.yaml").write_bytes(LAUGHS)
    out["laughs"] = str(tmp_path / "laughs.yaml")
    return out


async def test_the_command_line_and_discord_refuse_alike(fake, data_copy, tmp_path):
    paths = _inputs(tmp_path)
    procs = {case: subprocess.Popen([sys.executable, "-m", "bot", *[a.format(**paths) for a in argv], "--data",
                                     str(data_copy)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
             for case, (argv, _) in SAME.items()}
    said = {}
    for case, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and err.startswith("refused, nothing saved: "), (case, out, err)
        said[case] = err.splitlines()[0].removeprefix("refused, nothing saved: ")
    bot = make_bot(fake, data_copy, tmp_path)
    before = snapshot(data_copy)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        for case, (_, (name, options)) in SAME.items():
            if name == "record add":
                iid, modal = await open_modal(fake, name, options)
                values = {**FORM, "date": "2021-02-30"} if "day" in case else FORM
                page = embed(await submit(fake, iid, modal, values))
            else:
                if name == "data import":
                    options = {"file": fake.upload_attachment("laughs.yaml", LAUGHS)}
                page = embed(await reply(fake, name, options))
            assert page["title"] == "Not saved", (case, page)
            message = said[case].split(": ", 1)[1] if said[case].startswith(("data/", "laughs.yaml:")) else said[case]
            assert escape(message) in page["description"], (case, said[case], page["description"])
    assert snapshot(data_copy) == before
