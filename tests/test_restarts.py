"""The bot as a real process (`python -m bot run`) against the fake Discord: stopped by SIGTERM in
the middle of a burst, then restarted under the answers it sent before.

A stop must leave no member waiting: every interaction gets its answer, or is told it could not
be finished (the bot is restarting), within Discord's deadlines, and the process exits cleanly.
The buttons under an answer carry what was asked, so the new process turns the pages of answers
the old one sent, for a question short enough to ride in the button and for a longer one alike.
(One test: starting a bot process is most of its cost, and the restart needs answers to click.)
"""
from __future__ import annotations

import asyncio

import pytest
from helpers import EPHEMERAL, BotProcess, answer_of, embed

pytestmark = pytest.mark.asyncio
LONG = ("what happened in 2021? " * 4).strip()  # longer than a custom_id holds: its spec is stored
QUESTIONS = ("what happened in 2021", LONG, "what did Canada do", "sanctions in 2021")


def buttons(message: dict) -> dict[str, dict]:
    return {c["label"]: c for row in message["components"] for c in row["components"]}


def told(fake, iid: int) -> str:
    """What the member finally saw: the text of the answer or notice (every response succeeded)."""
    responses = fake.responses(iid)
    assert responses and all(r["status"] < 300 for r in responses), [(r["kind"], r["type"], r["status"], r["payload"]) for r in responses]
    last = next(r for r in reversed(responses) if r["kind"] in ("callback", "followup"))
    if last["type"] == 8:
        return "autocomplete"
    assert last["kind"] == "followup" or last["type"] == 4, responses  # not left "thinking…"
    return embed(last).get("description", "") + embed(last).get("title", "")


async def test_sigterm_mid_burst_leaves_no_one_waiting_and_buttons_survive_the_restart(fake, engine, tmp_path):
    where = {"database": engine.db_path}  # the index is built already
    async with BotProcess(fake, tmp_path, shutdown_seconds=0.2, **where) as bot:
        answers = [(await answer_of(fake, await fake.dispatch_slash("ask", {"question": q}, user=fake.member)))
                   ["message"] for q in QUESTIONS[:2]]  # several pages each: turned after the restart
        burst = [fake.dispatch_slash("ask", {"question": q}) for q in QUESTIONS * 5]
        # six pictures take longer than the 0.2 s the stop allows, whatever the machine
        burst += [fake.dispatch_slash("timeline", {"type": t}) for t in ("sanctions", "statements", "import-bans") * 2]
        burst += [fake.dispatch_autocomplete("actor", {"name": "ca"}, focused="name") for _ in range(4)]
        iids = list(await asyncio.gather(*burst))
        bot.send_signal()
        while "stopping:" not in bot.log.read_text():
            await asyncio.sleep(0.02)
        late = [await fake.dispatch_slash("ask", {"question": "Hikvision"}) for _ in range(3)]  # while it stops
        assert await bot.stop() == 0
    texts = {iid: told(fake, iid) for iid in iids + late}
    assert not any(fake.interaction(i).expired for i in texts)
    restarting = {i for i, t in texts.items() if "restarting" in t}
    assert set(late) <= restarting and restarting & set(iids[20:26])
    assert all("records" in t or "restarting" in t or t == "autocomplete" for t in texts.values())
    assert "Traceback" not in bot.stderr.read_text() and "stopped:" in bot.log.read_text()

    async with BotProcess(fake, tmp_path, picture_processes=0, **where) as again:
        for message in answers:
            pages = embed({"data": message})["footer"]["text"].split("/")[1]
            click = await fake.dispatch_click(message["id"], buttons(message)["▶"]["custom_id"], user=fake.member)
            await fake.wait_for(lambda: fake.message(message["id"])["embeds"][0]["footer"]["text"] == f"Page 2/{pages}")
            assert not fake.interaction(click).expired
            now = fake.message(message["id"])
            click = await fake.dispatch_click(now["id"], buttons(now)["Sources"]["custom_id"], user=fake.admin)
            shown = await answer_of(fake, click)
            assert shown["data"]["flags"] & EPHEMERAL and "**[9]**" in embed(shown)["description"]
        click = await fake.dispatch_click(now["id"], buttons(now)["▶"]["custom_id"], user=fake.admin)
        assert (await answer_of(fake, click))["data"]["content"] == "Only the person who asked can turn pages."
        assert await again.stop() == 0
