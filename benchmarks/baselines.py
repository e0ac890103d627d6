"""The fair baselines bench_scale.py sets beside the engine: the same job, done plainly.

Both get what the engine understood of the question for free: its actors and its years
become the same filters (an actor or any of its parts; at least half the record's date in the
period), and the words left once stop words, question words, actor names and years are taken
out are the content words searched. Each returns as many record ids as the engine shows.

- FtsBaseline: one FTS5 `MATCH` of the content words OR-ed, with the filters as rowid sets,
  ranked by `bm25()` with the engine's column weights.
- Bm25sBaseline: bm25s (a sparse index built once) over the same five columns, tokenised
  with the engine's own words and stems, the filters applied as its weight mask.
With no content word left ("what did Canada do") both return the filtered records, latest first.
"""
from __future__ import annotations

from bot.text import QUESTION_WORDS, stem, tokenize, words

COLUMNS = "title, summary, body, quote, keywords"


def content_words(interp) -> list[str]:
    """The question's words less stop words, question words, and the words of the actors and
    periods the filters already stand for."""
    taken = {t.norm for a in interp.actors for t in tokenize(a.get("text") or "")}
    taken |= {t.norm for p in interp.periods for t in tokenize(p.text or "")}
    out = []
    for t in tokenize(interp.question):
        if t.stop or t.norm in QUESTION_WORDS or t.norm in taken or t.norm in out:
            continue
        out.append(t.norm)
    return out


def filters(interp) -> tuple[list[str], dict]:
    """Rowid sets for the engine's actors (any of them) and periods (any of them)."""
    sets, params = [], {}
    ids = [a["id"] for a in interp.actors]
    if ids:
        names = ", ".join(f":a{n}" for n in range(len(ids)))
        params.update({f"a{n}": a for n, a in enumerate(ids)})
        sets.append("select ra.record from record_actors ra join actor_closure c on c.descendant = ra.actor"
                    f" where c.ancestor in ({names})")
    if interp.periods:
        parts = []
        for n, p in enumerate(interp.periods):
            params[f"p{n}s"], params[f"p{n}e"] = p.start, p.end
            # the engine's rule, with the date midpoint its index is on (filters.clauses)
            parts.append(f"(d.start + d.end between 2 * :p{n}s - 1 and 2 * :p{n}e + 1"
                         f" and (min(d.end, :p{n}e) - max(d.start, :p{n}s) + 1) * 2 >= d.end - d.start + 1)")
        sets.append(f"select d.record from record_dates d where {' or '.join(parts)}")
    return sets, params


def _quoted(ws: list[str]) -> str:
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in ws)


class FtsBaseline:
    def __init__(self, conn):
        self.conn = conn

    def search(self, interp, limit: int) -> list[int]:
        sets, params = filters(interp)
        ws = content_words(interp)
        if ws:   # each set made once and tested per match (+rowid): as a constraint on rowid, FTS5
            # would run the MATCH once per id of the set (5 s for "sanctions in 2021" at 100,000)
            where = " ".join(f"and +rowid in ({s})" for s in sets)
            params["q"] = _quoted(ws)
            sql = (f"select rowid from records_fts where records_fts match :q {where}"
                   f" order by bm25(records_fts, 5.0, 2.0, 1.0, 1.0, 1.0) limit {limit}")
        else:
            where = " ".join(f"and rowid in ({s})" for s in sets)
            sql = f"select rowid from records where 1 {where} order by date_sort is null, date_sort desc limit {limit}"
        return [r for (r,) in self.conn.execute(sql, params)]


class Bm25sBaseline:
    def __init__(self, conn):
        import bm25s
        import numpy as np

        self.np, self.conn = np, conn
        rows = conn.execute(f"select rowid, {COLUMNS}, date_sort from records order by rowid").fetchall()
        self.rowids = np.array([r[0] for r in rows])
        self.position = {r: i for i, r in enumerate(self.rowids.tolist())}
        self.dates = np.array([r[6] if r[6] is not None else -1 for r in rows])
        cache: dict[str, str] = {}

        def stems(text: str) -> list[str]:
            out = []
            for w in words(text):
                s = cache.get(w)
                if s is None:
                    s = cache[w] = stem(w)
                out.append(s)
            return out

        self.stems = stems
        self.index = bm25s.BM25()
        self.index.index([stems(" ".join(x or "" for x in r[1:6])) for r in rows], show_progress=False)

    def search(self, interp, limit: int) -> list[int]:
        np = self.np
        sets, params = filters(interp)
        mask = None
        if sets:
            allowed = [r for (r,) in self.conn.execute(" intersect ".join(sets), params)]
            mask = np.zeros(len(self.rowids), dtype=np.float32)
            mask[[self.position[r] for r in allowed]] = 1
        q = [s for s in self.stems(" ".join(content_words(interp))) if s in self.index.vocab_dict]
        if not q:
            order = np.argsort(-self.dates, kind="stable")
            if mask is not None:
                order = order[mask[order] > 0]
            return self.rowids[order[:limit]].tolist()
        scores = self.index.get_scores(q, weight_mask=mask)
        top = np.argpartition(-scores, min(limit, len(scores) - 1))[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        return self.rowids[top[scores[top] > 0]].tolist()
