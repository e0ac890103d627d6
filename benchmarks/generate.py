"""Grow a dataset in the schema of data/README.md to N records, from the real records in data/.

    python benchmarks/generate.py 100000 /tmp/bench-100k      # then: python -m bot validate /tmp/bench-100k

The real files are kept as they are; the new records recombine real titles, summaries,
bodies and quotes with invented actors (countries with their parliament, chamber,
committee and ministry; companies; organisations) substituted for the real ones, and link
invented entities (laws, events, programmes, topics) whose number grows with N. Their text
also grows a vocabulary as real text does: words are drawn from a Pitman-Yor process over
invented words (distinct words grow like tokens^DISCOUNT, Heaps' law), each in several
forms (plural, past, -ing: one stem; -ation, -ist, -ity: stems of their own), clustered in
topics that records share. Dates spread over 1990-2024 in every precision the schema has.
Deterministic for a given N and seed. Generated folders go under benchmarks/out/ or /tmp,
never into data/.
"""
from __future__ import annotations

import json
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.dataset.schema import load_dataset  # noqa: E402
from bot.text import QUESTION_WORDS, STOPWORDS, phrase_key, stem, words  # noqa: E402

REAL = ROOT / "data"
PER_FILE = 1000
DOC_ID, DOC_TITLE = "bench-archive", "Benchmark Archive of Responses"
SYLLABLES = ("ka lo ran vel dor mi sta bre no ther qua zin pel ost ar um ven tal sor gri bal "
             "cor dum fen hal jor kel mar nol pra rus sel tor vak wen yel zor ib ed ol ut").split()
CHAMBERS = ("Senate", "National Assembly", "House of Representatives", "Chamber of Deputies")
COMMITTEES = ("Foreign Affairs Committee", "Human Rights Committee", "Trade Committee")
COMPANY_SUFFIX = ("Group", "Holdings", "Textiles", "Technologies", "Apparel", "Solar", "Industries")
NGO_FORM = ("{} Rights Watch", "{} Foundation", "Friends of {}", "{} Justice Network", "{} Advocacy Centre")
# share of each date precision; what is left over has no date
PRECISIONS = (("day", .48), ("month", .15), ("year", .10), ("approximate", .08), ("range", .08),
              ("open", .03), ("several", .03), ("no-year", .02))
SEASONS = ("early", "mid", "late", "spring", "summer", "autumn", "fall", "winter")
# Invented words: syllables unlike the actors' (so no word of the text is an actor's name)
WORD_SYLLABLES = ("bra cle dri fu gle hy kro lu mne pha qui rhe sko thu vry wha xe yo "
                  "zy ap eg ix ob un").split()
FORMS = (("", .40), ("s", .20), ("ed", .12), ("ing", .10), ("ation", .08), ("ist", .05), ("ity", .05))
DISCOUNT, STRENGTH = 0.6, 20.0   # Pitman-Yor: distinct words ~ tokens^0.6, like English text
TOPIC_TOKENS = 14                # invented words per generated record (real ones have ~56 words)
ENTITY_FORM = (("legislation", "{} Act"), ("legislation", "{} Protection Bill"), ("event", "{} Summit"),
               ("event", "{} Hearings"), ("programme", "{} Initiative"), ("topic", "{} Question"),
               ("document", "{} Report"))


class Names:
    """Invented names whose phrase keys are new: the validator allows one owner per name."""

    def __init__(self, rng: random.Random, taken: set):
        self.rng, self.taken = rng, taken

    def word(self, n: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(n)).capitalize()

    def claim(self, *names: str) -> bool:
        keys = [phrase_key(n) for n in names]
        if any(k in self.taken for k in keys) or len(set(keys)) < len(keys):
            return False
        self.taken.update(keys)
        return True


class Words:
    """Words drawn from a Pitman-Yor process: a word used c times comes back with weight
    c - DISCOUNT, a new one with weight STRENGTH + DISCOUNT * (distinct words so far). Draws are
    Zipf-distributed and the vocabulary never stops growing, as in real text."""

    def __init__(self, rng: random.Random, reserved: set[str]):
        self.rng, self.reserved = rng, reserved
        self.drawn: list[str] = []      # every draw: a uniform pick from it is weighted by count
        self.counts: dict[str, int] = {}

    def _new(self) -> str:
        while True:
            w = "".join(self.rng.choice(WORD_SYLLABLES) for _ in range(self.rng.choice((2, 2, 3, 3, 4))))
            if w not in self.counts and w not in self.reserved and len(w) >= 4:
                return w

    def draw(self) -> str:
        rng, n = self.rng, len(self.drawn)
        if rng.random() * (STRENGTH + n) < STRENGTH + DISCOUNT * len(self.counts):
            w = self._new()
        else:
            while True:   # proportional to count, then accepted with (count - discount) / count
                w = self.drawn[int(rng.random() * n)]
                c = self.counts[w]
                if rng.random() * c >= DISCOUNT:
                    break
        self.drawn.append(w)
        self.counts[w] = self.counts.get(w, 0) + 1
        return w

    def form(self, w: str) -> str:
        x = self.rng.random()
        for suffix, share in FORMS:
            if x < share:
                return w + suffix
            x -= share
        return w


class Topics:
    """Records come in topics (a Pitman-Yor process too): a topic has its own few words, and a
    record of it draws half its invented words from them, half from the whole vocabulary."""

    def __init__(self, rng: random.Random, vocab: Words):
        self.rng, self.vocab = rng, vocab
        self.topics: list[list[str]] = []
        self.drawn: list[int] = []

    def tokens(self, k: int) -> list[str]:
        rng, n = self.rng, len(self.drawn)
        if rng.random() * (5 + n) < 5 + 0.5 * len(self.topics):
            self.topics.append([self.vocab.draw() for _ in range(rng.randint(3, 8))])
            t = len(self.topics) - 1
        else:
            t = self.drawn[int(rng.random() * n)]
        self.drawn.append(t)
        own = self.topics[t]
        return [self.vocab.form(own[int(rng.random() * len(own))] if rng.random() < .5 else self.vocab.draw())
                for _ in range(k)]


def _entities(n: int, rng: random.Random, taken: set) -> list[dict]:
    names, out = Names(rng, taken), []
    while len(out) < max(3, n // 300):
        kind, form = rng.choice(ENTITY_FORM)
        base = names.word(rng.choice((2, 3)))
        name = form.format(base)
        if names.claim(name):
            out.append({"id": f"syn-ent-{len(out) + 1:05d}", "name": name, "kind": kind})
    return out


def _actors(n: int, rng: random.Random, taken: set) -> dict[str, list[dict]]:
    names, pools = Names(rng, taken), {"country": [], "company": [], "civil-society": []}
    seq = 0

    def new(kind, name, aliases, parent=None):
        nonlocal seq
        seq += 1
        a = {"id": f"syn-{kind[:4]}-{seq:05d}", "name": name, "kind": kind, "aliases": aliases}
        if parent:
            a["parent"] = parent["id"]
        return a

    while len(pools["country"]) < max(5, n // 400):
        base = names.word(rng.choice((2, 2, 3)))
        name, demo = base + rng.choice(("ia", "land", "stan", "ora", "ovia", "esh")), base + rng.choice(("ian", "ese", "ish"))
        chamber, committee = rng.choice(CHAMBERS), rng.choice(COMMITTEES)
        parts = [(name, [demo, f"Republic of {name}", f"{demo} government"]),
                 (f"{demo} Parliament", [f"Parliament of {name}"]),
                 (f"{demo} {chamber}", [f"{chamber} of {name}"]),
                 (f"{demo} {chamber} {committee}", []),
                 (f"{demo} Ministry of Foreign Affairs", [f"{name} foreign ministry"])]
        if not names.claim(*[x for nm, al in parts for x in (nm, *al)]):
            continue
        country = new("country", *parts[0])
        parl = new("legislature", *parts[1], parent=country)
        cham = new("chamber", *parts[2], parent=parl)
        comm = new("committee", *parts[3], parent=cham)
        pools["country"].append({"country": country, "legislature": parl, "chamber": cham, "committee": comm,
                                 "government-body": new("government-body", *parts[4], parent=country),
                                 "demonym": demo})
    while len(pools["company"]) < max(5, n // 200):
        base = names.word(rng.choice((2, 3)))
        name = f"{base} {rng.choice(COMPANY_SUFFIX)}"
        if names.claim(name, base):
            pools["company"].append(new("company", name, [base]))
    while len(pools["civil-society"]) < max(3, n // 400):
        name = rng.choice(NGO_FORM).format(names.word(rng.choice((2, 3))))
        if names.claim(name):
            pools["civil-society"].append(new("civil-society", name, []))
    return pools


def _date(rng: random.Random):
    def day():
        return f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def month():
        return f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}"

    x = rng.random()
    for kind, share in PRECISIONS:
        if x < share:
            break
        x -= share
    else:
        return None
    if kind == "day":
        return day()
    if kind == "month":
        return month()
    if kind == "year":
        return str(rng.randint(1990, 2024))
    if kind == "approximate":
        return f"{rng.choice(SEASONS)} {rng.randint(1990, 2024)}"
    if kind == "range":
        a, b = sorted((month(), month()))
        return f"{a}/{b}" if a != b else a
    if kind == "open":
        return f"{month()}/.." if rng.random() < .5 else f"../{month()}"
    if kind == "several":
        return sorted({month() for _ in range(rng.randint(2, 3))})
    return f"--{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:")


def _q(s) -> str:
    return json.dumps(str(s), ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _record_yaml(rec: dict) -> str:
    out = [f"- id: {rec['id']}", f"  title: {_q(rec['title'])}"]
    d = rec.get("date")
    if isinstance(d, list):
        out.append(f"  date: [{', '.join(d)}]")
    elif d:
        out.append(f"  date: {d if re.fullmatch(r'[0-9-]{10}', d) else _q(d)}")
    out.append(f"  summary: {_q(rec['summary'])}")
    out.append("  actors:")
    out += [f"    - {{id: {a}, role: {r}}}" for a, r in rec["actors"]]
    if rec.get("body"):
        out.append(f"  body: {_q(rec['body'])}")
    out.append(f"  types: [{', '.join(rec['types'])}]")
    for key in ("stage", "quote"):
        if rec.get(key):
            out.append(f"  {key}: {_q(rec[key])}")
    if rec.get("votes"):
        out.append("  votes: {" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in rec["votes"].items()) + "}")
    if rec.get("figures"):
        out.append("  figures:")
        out += [f"    - {{value: {f['value']}, unit: {_q(f['unit'])}, label: {_q(f['label'])}}}" for f in rec["figures"]]
    if rec.get("entities"):
        out.append(f"  entities: [{', '.join(rec['entities'])}]")
    s = rec["source"]
    out += ["  sources:", f"    - {{document: {DOC_ID}, section: {_q(s[0])}, item: {s[1]}, url: \"\"}}"]
    return "\n".join(out) + "\n"


def _substitute(template, real_actors, cluster, pools, rng):
    """Actor links and a text rewrite rule: real actor -> an invented one of the same kind."""
    links, pairs = [], {}
    keep_real = rng.random() < 0.1  # some records stay about real actors, so they grow too
    for aid, role in template.actors:
        a = real_actors[aid]
        syn = None
        if not keep_real:
            if a.kind in cluster:
                syn = cluster[a.kind]
            elif a.kind in pools:
                syn = rng.choice(pools[a.kind])
        if syn is None:
            links.append((aid, role))
            continue
        links.append((syn["id"], role))
        for old in (a.name, *a.aliases):
            pairs[old] = cluster["demonym"] if (a.kind == "country" and " " not in old and old != a.name) else syn["name"]
    links = list(dict.fromkeys(links))
    if not pairs:
        return links, lambda s: s
    rx = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True)) + r")\b")
    return links, lambda s: rx.sub(lambda m: pairs[m.group(0)], s)


def _sentence(tokens: list[str]) -> str:
    return " ".join(tokens).capitalize() + "."


def generate(n: int, out: Path | str, seed: int = 7) -> dict:
    """Write a dataset of n records (the real ones included) to out; return what it holds."""
    out, rng = Path(out), random.Random(seed)
    ds, _ = load_dataset(REAL)
    taken = {phrase_key(x) for a in ds.actors.values() for x in (a.name, *a.aliases)}
    taken |= {phrase_key(x) for e in ds.entities.values() for x in (e.name, *e.aliases)}
    taken |= {phrase_key(x) for t in ds.types.values() for x in (t.label, *t.synonyms)}
    pools = _actors(n, rng, taken)
    new_entities = _entities(n, rng, taken)
    real_words = {w for r in ds.records for w in words(" ".join((r.title, r.summary, r.body, r.quote)))}
    vocab = Words(rng, real_words | STOPWORDS | QUESTION_WORDS | {w for k in taken for w in k})
    topics = Topics(rng, vocab)
    if out.exists():
        shutil.rmtree(out)
    (out / "records").mkdir(parents=True)
    shutil.copy(REAL / "types.yaml", out / "types.yaml")
    with open(out / "entities.yaml", "w", encoding="utf-8") as fh:
        fh.write((REAL / "entities.yaml").read_text(encoding="utf-8").rstrip() + "\n\n# ---- invented for the benchmark\n")
        fh.write("".join(f"- id: {e['id']}\n  name: {_q(e['name'])}\n  kind: {e['kind']}\n\n" for e in new_entities))
    for p in (REAL / "records").glob("*.yaml"):
        shutil.copy(p, out / "records" / f"real-{p.name}")
    invented = [a for c in pools["country"] for k, a in c.items() if k != "demonym"]
    invented += pools["company"] + pools["civil-society"]
    with open(out / "actors.yaml", "w", encoding="utf-8") as fh:
        fh.write((REAL / "actors.yaml").read_text(encoding="utf-8").rstrip() + "\n\n# ---- invented for the benchmark\n")
        for a in invented:
            fh.write(f"- id: {a['id']}\n  name: {_q(a['name'])}\n  kind: {a['kind']}\n")
            fh.write(f"  parent: {a['parent']}\n" if a.get("parent") else "")
            fh.write(f"  aliases: [{', '.join(_q(x) for x in a['aliases'])}]\n\n" if a["aliases"] else "\n")

    type_ids, templates = list(ds.types), ds.records
    todo, sections, k = n - len(templates), [], 0
    while todo > 0:
        k += 1
        size, heading = min(PER_FILE, todo), f"Archive part {k}"
        items = (size + 1) // 2   # two records per bullet, as when one bullet reports two events
        sections.append((f"part-{k:04d}", heading, items))
        chunks = []
        for j in range(size):
            t = templates[rng.randrange(len(templates))]
            links, sub = _substitute(t, ds.actors, rng.choice(pools["country"]), pools, rng)
            types = t.types if rng.random() < 0.8 else rng.sample(type_ids, rng.choice((1, 1, 2)))
            num = n - todo + j
            # new words where real text has them: a few in the summary, the rest in the body
            extra = topics.tokens(TOPIC_TOKENS)
            entities, body = list(t.entities), sub(t.body)
            if rng.random() < 0.3:   # about one of the invented entities, named in the text
                e = new_entities[min(int(rng.paretovariate(1.2)) - 1, len(new_entities) - 1)]
                entities.append(e["id"])
                body = f"{body} It concerned the {e['name']}.".strip()
            chunks.append(_record_yaml({
                "id": f"g{num:06d}-{t.id[:40].rstrip('-')}", "title": _fit(sub(t.title), 120),
                "summary": _fit(f"{_sentence(extra[:4])} {sub(t.summary)}", 1000), "date": _date(rng),
                "actors": links, "body": f"{body} {_sentence(extra[4:])}".strip(), "types": types,
                "stage": t.stage, "votes": t.votes, "figures": t.figures,
                "entities": entities, "quote": t.quote, "source": (heading, j // 2 + 1)}))
        (out / "records" / f"gen-{k:04d}.yaml").write_text("\n".join(chunks), encoding="utf-8")
        todo -= size

    src = (REAL / "sources.yaml").read_text(encoding="utf-8").rstrip() + "\n"
    src += f"  - id: {DOC_ID}\n    title: {DOC_TITLE}\n    publisher: benchmark generator\n    url: \"\"\n    sections:\n"
    src += "".join(f"      - key: {key}\n        heading: {_q(h)}\n        items: {i}\n" for key, h, i in sections)
    (out / "sources.yaml").write_text(src, encoding="utf-8")
    by_count = sorted(vocab.counts, key=vocab.counts.get, reverse=True)
    return {"records": max(n, len(templates)), "actors": len(ds.actors) + len(invented),
            "entities": len(ds.entities) + len(new_entities), "files": k + len(list((REAL / "records").glob("*.yaml"))),
            "invented_words": len(vocab.counts), "topics": len(topics.topics),
            "invented_stems": len({stem(f"{w}{s}") for w in vocab.counts for s, _ in FORMS}),
            "countries": [c["country"]["name"] for c in pools["country"]],
            "companies": [c["name"] for c in pools["company"]],
            "common_words": by_count[:5], "mid_words": by_count[len(by_count) // 50:len(by_count) // 50 + 5]}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    info = generate(int(sys.argv[1]), sys.argv[2])
    print(f"{sys.argv[2]}: {info['records']} records, {info['actors']} actors, {info['files']} record files")
