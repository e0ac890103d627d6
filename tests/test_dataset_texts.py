"""Everything that describes the dataset comes from the dataset: sources.yaml's `covers` and
`examples`, publishers, and hint names picked from the records. On the fictional second dataset
nothing a member or reader sees names the Uyghur dataset, its publisher or its actors."""
from __future__ import annotations

import re
import shutil

import pytest
from fakediscord import running_bot
from helpers import DATA, ROOT, embed, final_response, started

from bot.dataset.schema import load_dataset
from bot.discord_adapter.answer_pages import about_page, help_page
from bot.discord_adapter.client import sync_commands
from bot.discord_adapter.descriptions import DESCRIPTION_MAX, command_texts
from bot.engine.engine import Engine
from bot.pictures.select import stats_chart, timeline_chart

SECOND = ROOT / "tests" / "second_dataset" / "data"


@pytest.fixture(scope="module")
def second(tmp_path_factory) -> Engine:
    return Engine(SECOND, tmp_path_factory.mktemp("second") / "index.db")


def uyghur_words() -> list[str]:
    """What only the Uyghur dataset says: its subject, publisher and every name of its actors and
    entities (four letters or more), less any that the second dataset's own files also use."""
    ds, _ = load_dataset(DATA)
    names = {"Uyghur", "Uighur", "UHRP", "Xinjiang", "genocide"} | {d.publisher for d in ds.documents.values()}
    for item in [*ds.actors.values(), *ds.entities.values()]:
        names.update(n for n in [item.name, *item.aliases] if len(n) >= 4)
    theirs = " ".join(p.read_text(encoding="utf-8") for p in SECOND.rglob("*.yaml")).lower()
    return sorted(n for n in names if n.lower() not in theirs)


def assert_names_none(texts: list[str]) -> None:
    words = uyghur_words()
    assert len(words) > 100  # the check has teeth
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    found = {m.group(0) for t in texts for m in pattern.finditer(t)}
    assert not found, f"the second dataset's texts name the Uyghur dataset: {sorted(found)}"


@pytest.mark.parametrize("folder", [DATA, SECOND], ids=["shipped", "second"])
def test_every_example_question_gets_an_answer(folder, tmp_path):
    engine = Engine(folder, tmp_path / "index.db")
    st = engine.state
    ds, _ = load_dataset(folder)
    assert ds.about.covers and ds.about.examples == st.examples   # from sources.yaml, not made up
    for q in st.examples:
        answer = engine.answer(q)
        assert answer.kind not in ("empty", "help") and answer.total > 0, (q, answer.headline)


def test_without_examples_they_are_made_from_the_data(engine):
    """tests/data_frozen/sources.yaml predates `covers` and `examples`: both come from the data."""
    st = engine.state
    assert st.covers == "the records drawn from “International Responses to the Uyghur Crisis”"
    assert len(st.examples) >= 3
    for q in st.examples:
        assert engine.answer(q).total > 0, q
    h = st.hint_examples()
    assert h["actor"] == "United States" and h["type"] == h["types"][0]
    assert h["name"] and h["name"] not in h["actors"]   # named in records, never acting


def test_sources_yaml_fields_are_checked_with_file_and_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SECOND, data)
    path = data / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("covers: international responses", "covers: [not, one, line]\nsubject: floods\n"
                        "covers2: international responses", 1)
    text = text.replace("examples:\n", "examples:\n  - " + "x" * 101 + "\n", 1)
    path.write_text(text, encoding="utf-8")
    _, problems = load_dataset(data)
    said = {str(p).split(": ", 1)[1] for p in problems if p.file.endswith("sources.yaml")}
    assert "`covers` must be text" in said
    assert any(s.startswith("unknown field `subject`") for s in said)
    assert any(s.startswith("example 1 is 101 characters") for s in said)


def test_command_descriptions_fit_and_come_from_the_data(second, engine):
    for st in (second.state, engine.state):
        for command, texts in command_texts(st).items():
            for option, text in texts.items():
                assert 0 < len(text) <= DESCRIPTION_MAX, (command, option, text)
    ask = command_texts(second.state)["ask"]
    assert ask[""] == "Ask about international responses to the Karamor flood crisis (fictional test data)"
    assert ask["question"].startswith("For example: what did Veltria do · ")


def test_the_core_says_nothing_of_the_uyghur_dataset_on_another(second):
    st = second.state
    texts = [second.answer("").text, second.answer("zzqx flarn").text, second.answer("what did Vletria do").text]
    texts += [second.answer(q).text for q in st.examples]
    texts += [str(help_page(st.covers, st.examples)), str(about_page(st.about())), str(command_texts(st))]
    for chart, _ in (timeline_chart(second, actors=["Veltria"]), stats_chart(second, start=2024, end=2024)):
        texts.append(chart.caption)
    assert "Source: International Responses to the Karamor Flood Crisis (Example Relief Monitor (fictional))" in texts[-1]
    assert "Try an actor (“Veltria”)" in texts[1] and "a name (“Tervo Dredging”)" in texts[1]
    assert_names_none(texts)


@pytest.mark.asyncio
async def test_on_discord_nothing_names_the_uyghur_dataset(fake, second, tmp_path):
    bot = await started(fake, second, tmp_path)
    async with running_bot(bot, fake):
        await sync_commands(bot, fake.guild.id)
        registered = fake.registered_commands(fake.guild.id)
        texts = [str(registered)]
        for name, options in (("help", {}), ("about", {}), ("ask", {"question": "what did Ostmark do"}),
                              ("ask", {"question": "zzqx flarn"}), ("search", {}), ("timeline", {"actor": "Ostmark"})):
            response = await final_response(fake, await fake.dispatch_slash(name, options, user=fake.member))
            texts.append(str(embed(response)))
    ask = next(c for c in registered if c["name"] == "ask")
    assert "Karamor flood crisis" in ask["description"] and "Veltria" in ask["options"][0]["description"]
    assert "actor: Veltria type: Humanitarian aid" in texts[5]
    assert_names_none(texts)
