"""What one build of the index holds in memory: names, actors, types, the words of the
records, and the way a stored record becomes the dict every reply is made from."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Callable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.engine.interpret import Interpreter
from bot.engine.lexicon import Lexicon, edit_budget


def _iso(ordinal: int | None) -> str | None:
    return dt.date.fromordinal(ordinal).isoformat() if ordinal is not None else None



class Vocabulary:
    def __init__(self, conn: Callable[[], sqlite3.Connection], n_records: int):
        self.n_records = n_records
        self._conn, self._cache, self._stems = conn, {}, None   # conn(): the calling thread's connection
        self._near: dict[tuple[int, int], list[str]] = {}       # the stems close enough in length

    def lookup(self, stem: str):
        if stem not in self._cache:
            row = self._conn().execute("select df, word from terms where stem = ?", (stem,)).fetchone()
            self._cache[stem] = tuple(row) if row else None
        return self._cache[stem]

    def correct(self, stem: str) -> str | None:
        budget = edit_budget(len(stem))
        if budget == 0:
            return None
        if self._stems is None:   # by length: a stem more than `budget` letters longer or shorter is too far
            by_length: dict[int, list[str]] = {}
            for (s,) in self._conn().execute("select stem from terms where length(stem) >= 4 order by stem"):
                by_length.setdefault(len(s), []).append(s)
            self._stems = by_length
        key = (len(stem), budget)
        near = self._near.get(key)
        if near is None:
            near = self._near[key] = [s for n in range(key[0] - budget, key[0] + budget + 1)
                                      for s in self._stems.get(n, ())]
        hits = process.extract(stem, near, scorer=OSA.distance, score_cutoff=budget, limit=2)
        if not hits or (len(hits) > 1 and hits[1][1] == hits[0][1]):
            return None
        return hits[0][0]


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
            for k in ("actors", "actor_names", "types", "entities", "canonical", "lexicon", "documents", "sections",
                      "section_by_key", "parents"):
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
        self.interpreter = Interpreter(self.lexicon, self.vocab, self.canonical, acting)
        years = conn.execute("select min(date_sort), max(date_sort) from records").fetchone()
        self.years = tuple(dt.date.fromordinal(y).year if y else None for y in years)

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
        self.canonical = {("actor", k): v["name"] for k, v in self.actors.items()}
        self.canonical.update({("type", k): v for k, v in self.types.items()})
        self.canonical.update({("entity", k): v for k, v in self.entities.items()})
        self.lexicon = Lexicon.from_db(conn)
        self.documents = {r[0]: {"id": r[0], "title": r[1], "publisher": r[2], "url": r[3]}
                          for r in conn.execute("select id, title, publisher, url from documents")}
        self.sections = [{"document": r[0], "key": r[1], "heading": r[2], "items": r[3]} for r in conn.execute(
            "select document, key, heading, items from sections order by document, position")]
        self.section_by_key = {f"{s['document']}:{s['key']}": s for s in self.sections}

    def about(self) -> dict:
        """Counts, the source and when the data last changed, for /about."""
        source = next(iter(self.documents.values()), {})
        changed = self.meta.get("data_changed_at")
        return {
            "records": self.n_records, "actors": len(self.actors), "types": len(self.types),
            "entities": len(self.entities), "source_title": source.get("title", ""),
            "source_url": source.get("url", ""), "publisher": source.get("publisher", ""),
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
