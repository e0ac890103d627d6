"""What one build of the index holds in memory: names, actors, types, the words of the
records, and the way a stored record becomes the dict every reply is made from."""
from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
from collections import Counter
from typing import Callable

from bot.dataset.model import ACTING_ROLES
from bot.dates import OPEN_END
from bot.engine.interpret import QUESTION_STEMS, Interpreter
from bot.engine.lexicon import Lexicon
from bot.engine.spelling import Speller


def _iso(ordinal: int | None) -> str | None:
    return dt.date.fromordinal(ordinal).isoformat() if ordinal is not None else None



class Vocabulary:
    def __init__(self, conn: Callable[[], sqlite3.Connection], n_records: int):
        self.n_records = n_records
        self._conn, self._cache = conn, {}   # conn(): the calling thread's connection

    def lookup(self, stem: str):
        if stem not in self._cache:
            row = self._conn().execute("select df, word from terms where stem = ?", (stem,)).fetchone()
            self._cache[stem] = tuple(row) if row else None
        return self._cache[stem]

    def phrase(self, first: str, second: str) -> bool:
        """Whether some record has these two words side by side (stems, as the index stems them)."""
        key = (first, second)
        if key not in self._cache:
            q = '"' + first.replace('"', '') + '" + "' + second.replace('"', '') + '"'
            self._cache[key] = self._conn().execute("select 1 from records_fts where records_fts match ? limit 1",
                                                  (q,)).fetchone() is not None
        return self._cache[key]

    def stems(self) -> list[str]:
        """Every stem of four letters or more the records use, for correcting typos."""
        return [s for (s,) in self._conn().execute("select stem from terms where length(stem) >= 4")]


class IndexState:
    """What one build of the index holds, loaded once per build."""

    def __init__(self, conn: sqlite3.Connection, meta: dict, conn_for: Callable[[], sqlite3.Connection] | None = None,
                 same_file: "IndexState | None" = None):
        """Loaded from conn; conn_for gives each thread its own connection for what is read later.
        same_file: the state of an earlier version of the same index file, whose vocabularies
        (actors, types, entities, names, sources) are the same: only what records make is read."""
        self.meta = meta
        self.file_no = 0   # which index file this was loaded from (Engine counts them)
        if same_file is None:
            self._vocabularies(conn)
        else:
            for k in ("actors", "actor_names", "types", "entities", "groups", "canonical", "lexicon", "documents",
                      "sections", "section_by_key", "parents", "covers", "publisher", "_examples"):
                setattr(self, k, getattr(same_file, k))
        self.n_records = conn.execute("select count(*) from records").fetchone()[0]
        self.vocab = Vocabulary(conn_for or (lambda: conn), self.n_records)
        # actors acting in some record, and every body they are part of
        acting = set()
        for (a,) in conn.execute("select id from actors a where exists (select 1 from record_actors ra"
                                 " where ra.actor = a.id and ra.role in ('acted', 'joined'))"):
            while a and a not in acting:
                acting.add(a)
                a = self.parents.get(a)
        years = conn.execute('select min(start), max("end") from record_dates where start > 1 and "end" < ?',
                             (OPEN_END,)).fetchone()
        self.years = tuple(dt.date.fromordinal(y).year if y else None for y in years)
        speller = Speller(lambda: [*QUESTION_STEMS, *self.lexicon.words, *self.vocab.stems()])
        self.interpreter = Interpreter(self.lexicon, self.vocab, self.canonical, acting, self.groups, self.years,
                                       speller, self.parents)
        self._acting = acting
        self._conn = conn_for or (lambda: conn)   # for hint_examples, worked out on first use

    def _vocabularies(self, conn: sqlite3.Connection) -> None:
        self.actors = {r[0]: {"id": r[0], "name": r[1], "kind": r[2], "parent": r[3], "flag": r[4], "country": r[5]}
                       for r in conn.execute("select id, name, kind, parent, flag, country from actors")}
        for a in self.actors.values():
            top = a
            while top["parent"]:
                top = self.actors[top["parent"]]
            a["top"], a["top_name"] = top["id"], top["name"]
            a["country_name"] = self.actors[a["country"]]["name"] if a["country"] else None
        self.parents = {k: a["parent"] for k, a in self.actors.items()}
        self.actor_names = {k: [a["name"]] for k, a in self.actors.items()}
        for aid, aliases in conn.execute("select id, aliases from actors"):
            self.actor_names[aid] += json.loads(aliases)
        self.types = dict(conn.execute("select id, label from types"))
        self.entities = dict(conn.execute("select id, name from entities"))
        self.groups = {gid: {"id": gid, "name": name, "of": of, "members": []}
                       for gid, name, of in conn.execute("select id, name, of_actor from groups")}
        for actor, grp in conn.execute("select actor, grp from actor_groups order by actor"):
            self.groups[grp]["members"].append(actor)
        self.canonical = {("actor", k): v["name"] for k, v in self.actors.items()}
        self.canonical.update({("type", k): v for k, v in self.types.items()})
        self.canonical.update({("entity", k): v for k, v in self.entities.items()})
        self.canonical.update({("group", k): g["name"] for k, g in self.groups.items()})
        self.lexicon = Lexicon.from_db(conn)
        self.documents = {r[0]: {"id": r[0], "title": r[1], "publisher": r[2], "url": r[3]}
                          for r in conn.execute("select id, title, publisher, url from documents")}
        self.sections = [{"document": r[0], "key": r[1], "heading": r[2], "items": r[3]} for r in conn.execute(
            "select document, key, heading, items from sections order by document, position")]
        self.section_by_key = {f"{s['document']}:{s['key']}": s for s in self.sections}
        about = dict(conn.execute("select key, value from dataset"))
        titles = [d["title"] for d in self.documents.values() if d["title"]]
        # What the data covers, in one line; without `covers` in sources.yaml, its document says it
        self.covers = about.get("covers") or (f"the records drawn from “{titles[0]}”" if titles else "the records")
        self.publisher = "; ".join(dict.fromkeys(d["publisher"] for d in self.documents.values() if d["publisher"]))
        self._examples = json.loads(about.get("examples") or "[]")

    @property
    def examples(self) -> list[str]:
        """Questions to show as examples: sources.yaml's, else made from the data."""
        if self._examples:
            return list(self._examples)
        h = self.hint_examples()
        made = [f"what did {h['actor']} do" if h.get("actor") else None,
                f"{h['type']} in {h['type_year']}" if h.get("type") and h.get("type_year") else h.get("type"),
                h.get("name"), f"what happened in {self.years[1]}" if self.years[1] else None]
        return [m for m in made if m]

    @functools.cached_property
    def _hints(self) -> dict:
        conn, acts = self._conn(), self.actors
        acted, named = Counter(), Counter()
        for aid, role, n in conn.execute("select actor, role, count(*) from record_actors group by actor, role"):
            (acted if role in ACTING_ROLES else named)[acts[aid]["top"] if role in ACTING_ROLES else aid] += n
        by_type = conn.execute("select type, count(*) from record_types group by type").fetchall()
        ranked_types = [t for t, _ in sorted(by_type, key=lambda tn: (-tn[1], tn[0]))]
        passive = sorted((n, acts[a]["name"]) for a, n in named.items() if a not in self._acting)
        hints = {"actors": [acts[a]["name"] for a, _ in sorted(acted.items(), key=lambda an: (-an[1], an[0]))],
                 "types": [self.types[t] for t in ranked_types]}
        hints["actor"] = hints["actors"][0] if hints["actors"] else None
        hints["type"] = hints["types"][0] if hints["types"] else None
        hints["name"] = passive[-1][1] if passive else (next(iter(self.entities.values()), None))
        hints["type_year"] = None
        if ranked_types:
            last = conn.execute("select max(o.date_sort) from record_types t join record_order o on o.id = t.record"
                                " where t.type = ?", (ranked_types[0],)).fetchone()[0]
            hints["type_year"] = dt.date.fromordinal(last).year if last else None
        return hints

    def hint_examples(self) -> dict:
        """Names to suggest, picked from the data: `actor` (the most active), `type` (the
        commonest type of action) and `type_year` (its latest year), `name` (something named
        in records that never acts itself, else an entity); `actors` and `types`, all of them,
        busiest first. A key is None when the data has nothing for it."""
        return dict(self._hints)

    def about(self) -> dict:
        """Counts, the source and when the data last changed, for /about."""
        source = next(iter(self.documents.values()), {})
        changed = self.meta.get("data_changed_at")
        return {
            "records": self.n_records, "actors": len(self.actors), "types": len(self.types),
            "entities": len(self.entities), "source_title": source.get("title", ""),
            "source_url": source.get("url", ""), "publisher": self.publisher, "covers": self.covers,
            "documents": list(self.documents.values()), "common_types": self.hint_examples()["types"][:5],
            "data_changed": dt.datetime.fromtimestamp(int(changed), dt.timezone.utc).date().isoformat() if changed else None,
            "first_year": self.years[0], "last_year": self.years[1],
        }

    def view(self, row: dict) -> dict:
        """A `records` row as the dict answers, JSON and the Discord pages use."""
        actors = []
        for aid, role in json.loads(row["actors"]):
            a = self.actors[aid]
            actors.append({"id": aid, "name": a["name"], "role": role, "flag": a["flag"], "kind": a["kind"],
                           "country": a["country"], "country_name": a["country_name"],
                           "top": a["top"], "top_name": a["top_name"]})
        date = None
        if row["date_kind"]:
            parts = [dict(p, start=_iso(p["start"]), end=_iso(p["end"])) for p in json.loads(row["date_parts"])]
            date = {"text": row["date_text"], "kind": row["date_kind"], "sort": row["date_sort"], "parts": parts}
        types = json.loads(row["types"])
        return {"id": row["id"], "date": date, "actors": actors, "types": types,
                "type_labels": [self.types[t] for t in types], "title": row["title"], "summary": row["summary"],
                "body": row["body"], "stage": row["stage"], "votes": json.loads(row["votes"]),
                "figures": json.loads(row["figures"]), "entities": [self.entities[e] for e in json.loads(row["entities"])],
                "quote": row["quote"], "sources": json.loads(row["sources"]),
                "file": row["file"], "line": row["line"]}
