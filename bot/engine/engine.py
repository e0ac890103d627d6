"""The answer engine: the one entry point the CLI, the tests and the Discord commands share.

It keeps the index fresh (rebuilding when the data files changed), understands the
question, runs the SQL and composes a cited Answer. Safe to call from several threads:
each thread gets its own read-only SQLite connection.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import threading
from pathlib import Path

from bot.dataset.files import stat_signature
from bot.dates import Period, year_span
from bot.engine import answering, compose
from bot.engine.filters import Clause, clauses, fts_query, text_clause
from bot.engine.interpretation import Interpretation
from bot.engine.snapshot import IndexState
from bot.index.build import DataError, ensure_index, read_meta
from bot.text import stem

log = logging.getLogger(__name__)
ORDER_LIMIT = 5  # "latest"/"earliest" answers show this many records
RANK_MIN_DF, RANK_SHARE = 500, 0.02


def _params(cl: list[Clause]) -> dict:
    return {k: v for c in cl for k, v in c.params.items()}


def _rowid_sets(cl: list[Clause]) -> tuple[list[str], list[str]]:
    """The subqueries of the clauses that are sets of record ids, and the other clauses' SQL."""
    return [c.subquery for c in cl if c.subquery], [c.sql for c in cl if not c.subquery]


class Engine:
    def __init__(self, data_dir: Path | str, db_path: Path | str, max_records: int = 50, strict: bool = True):
        self.data_dir, self.db_path = Path(data_dir), Path(db_path)
        self.max_records = max_records
        self.strict = strict  # False: keep serving the last good index when the data has errors
        self._local = threading.local()
        self._lock = threading.Lock()
        self._state: IndexState | None = None
        self._db_id = None
        self.last_error: DataError | None = None

    # ---- freshness -------------------------------------------------------------------
    def _db_identity(self):
        st = os.stat(self.db_path)
        return st.st_ino, st.st_mtime_ns, st.st_size

    def refresh(self) -> None:
        """Rebuild if the data changed; reload if another process rebuilt the index."""
        state = self._state
        if state and state.meta.get("stat_signature") == stat_signature(self.data_dir) \
                and self._db_id == self._db_identity():
            return
        with self._lock:
            try:
                ensure_index(self.data_dir, self.db_path)
                self.last_error = None
            except DataError as exc:
                self.last_error = exc
                if self.strict or not self.db_path.exists():
                    raise
                log.error("data has errors; still answering from the last good index:\n%s", exc)
            ident = self._db_identity()
            if ident != self._db_id or self._state is None:
                self._local = threading.local()
                self._state = IndexState(self.conn(), read_meta(self.db_path))
                self._db_id = ident

    def conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
            self._local.conn = c
        return c

    @property
    def state(self) -> IndexState:
        self.refresh()
        return self._state

    def reload_status(self) -> tuple[dict | None, list | None, bool]:
        """After a change on disk: (counts, None, False) when the data loaded; (None, problems,
        whether an older index still answers) when it did not."""
        try:
            self.refresh()
        except DataError as exc:
            return None, exc.problems, False
        if self.last_error is not None:
            return None, self.last_error.problems, True
        st = self._state
        return {"records": st.n_records, "actors": len(st.actors), "types": len(st.types)}, None, False

    # ---- answering -------------------------------------------------------------------
    def interpret(self, question: str) -> Interpretation:
        return self.state.interpreter(question)

    def answer(self, question: str) -> compose.Answer:
        interp = self.interpret(question)
        if not interp.question.strip():
            return compose.help_answer(interp.question, interp, self._state)
        return self._answer(interp)

    def _answer(self, interp: Interpretation, limit: int | None = None) -> compose.Answer:
        return answering.answer(self, interp, limit)

    def select(self, *, actors: list[str] = (), types: list[str] = (), entities: list[str] = (),
               start: int | None = None, end: int | None = None, text: str = "", acting_only: bool = False,
               intent: str = "list", label: str = "", limit: int | None = None) -> compose.Answer:
        """The answer for explicit filters (slash-command options) instead of a question.
        Ids must exist; years are whole years; text is searched like the words of a question.
        With no filter at all it lists every record (intent "all")."""
        st = self.state
        interp = st.interpreter(text) if text else Interpretation(question=label)
        interp.question = label or interp.question
        interp.intent = intent if (actors or types or entities or text or start or end) else "all"
        interp.actors = [{"id": a, "name": st.actors[a]["name"], "text": a, "how": "option", "object": False}
                         for a in actors] + interp.actors
        interp.types = [{"id": t, "name": st.types[t], "text": t, "how": "option"} for t in types] + interp.types
        interp.entities = [{"id": e, "name": st.entities[e], "text": e, "how": "option"} for e in entities] + interp.entities
        interp.acting_only = acting_only or interp.acting_only
        if start is not None or end is not None:
            lo, hi = dt.date(start or 1, 1, 1).toordinal(), dt.date(end or 9999, 12, 31).toordinal()
            interp.periods = [Period(lo, hi, year_span(start, end))]
        return self._answer(interp, limit)

    def search(self, interp: Interpretation, limit: int | None = None):
        """(clauses used, records best first, total) or None when the question gives nothing to search."""
        cl = clauses(interp)
        terms = list(interp.terms)
        # Words the records never use match nothing: with nothing else to go on they make the
        # answer empty ("who won the world cup"), and so does an unknown word an otherwise known
        # question hinges on ("what did France do about climate change", "Austria sanctions"),
        # rather than answering something the question did not ask.
        unknown = interp.unknown if not cl else interp.unknown_names + (
            interp.unknown_topic if not (terms or interp.types or interp.entities) else [])
        if not cl and not terms and interp.common:
            terms = list(interp.common)      # "genocide" alone: common, but all there is to go on
        ordered = interp.intent in ("latest", "earliest")
        # leftover words narrow when nothing else does, and always for "the first / latest X":
        # picking by date alone would drop what X says
        narrow = bool(terms) and (not (interp.types or interp.entities) or ordered)
        if not cl and not narrow and not unknown and interp.intent not in ("latest", "earliest", "all"):
            return None
        if unknown:
            cl = cl + [text_clause(terms + unknown)]  # every word required: none of them is dropped
        elif narrow:
            cl = cl + [self._narrowing(cl, terms)]
        rank_words = terms + [w for w in interp.common if w not in terms]
        if interp.superlative and interp.superlative.get("word"):
            rank_words.append(interp.superlative["word"])
        limit = limit or (ORDER_LIMIT if interp.intent in ("latest", "earliest") else self.max_records)
        records, total = self._run(cl, interp, rank_words, limit)
        return cl, records, total

    def _narrowing(self, cl: list[Clause], terms: list[str]) -> Clause:
        """All the words if some record has them all, else those records sharing the most of them."""
        if len(terms) == 1 or self._count(cl + [text_clause(terms)]):
            return text_clause(terms)
        best, kept = 0, []
        for t in terms:
            n = self._count(cl + [text_clause([t])])
            if n and n >= best:
                kept, best = ([t] if n > best else kept + [t]), n
        return text_clause(kept or terms, any_of=len(kept) > 1)

    def _where(self, cl: list[Clause]) -> tuple[str, dict]:
        params = _params(cl)
        sets, rest = _rowid_sets(cl)
        if len(sets) > 1:  # one intersected set: SQLite would otherwise probe records once per id of the first
            rest = [f"r.rowid in ({' intersect '.join(sets)})"] + rest
        else:
            rest = [c.sql for c in cl]
        return " and ".join(rest) or "1", params

    def _count(self, cl: list[Clause]) -> int:
        sets, rest = _rowid_sets(cl)
        if sets and not rest:  # counted from the link tables alone, never reading a record
            body = " intersect ".join(sets) if len(sets) > 1 else f"select distinct * from ({sets[0]})"
            return self.conn().execute(f"select count(*) from ({body})", _params(cl)).fetchone()[0]
        where, params = self._where(cl)
        return self.conn().execute(f"select count(*) from record_order r where {where}", params).fetchone()[0]

    def _run(self, cl: list[Clause], interp: Interpretation, rank_words: list[str], limit: int):
        where, params = self._where(cl)
        subjects = [a["id"] for a in interp.actors if not a.get("object")]
        order = []
        if subjects:  # what the asked actor did itself comes before what was done about it
            names = ", ".join(f":x{n}" for n in range(len(subjects)))
            params.update({f"x{n}": a for n, a in enumerate(subjects)})
            order.append("(select max(case ra.role when 'acted' then 2 when 'joined' then 1 else 0 end)"
                         " from record_actors ra join actor_closure c on c.descendant = ra.actor"
                         f" where ra.record = r.rowid and c.ancestor in ({names})) desc")
        rank_join = ""
        ordered = interp.intent in ("latest", "earliest")
        rank_words = [w for w in rank_words if self._rare_enough(w)]
        if rank_words:
            params["rq"] = fts_query(rank_words, any_of=True)
            rank_join = ("left join (select rowid, bm25(records_fts, 5.0, 2.0, 1.0, 1.0, 1.0) as score from records_fts"
                         " where records_fts match :rq) f on f.rowid = r.rowid")
            order.append("coalesce(f.score, 0) asc")
        if ordered:   # by date; words only break ties ("the first coordinated sanctions" says "first")
            order = [f"r.date_sort is null, r.date_sort {'desc' if interp.intent == 'latest' else 'asc'}"] + order[-1:]
        else:
            order.append("r.date_sort is null, r.date_sort desc")
        # pick and order the ids on the thin table, then read only the records shown
        sql = (f"select r.rowid, count(*) over () from record_order r {rank_join} where {where}"
               f" order by {', '.join(order)} limit {int(limit)}")  # the total comes from the same pass
        conn = self.conn()
        picked = conn.execute(sql, params).fetchall()
        ids = [i for i, _ in picked]
        cur = conn.execute(f"select rowid as _n, * from records where rowid in ({', '.join('?' * len(ids))})", ids)
        cols = [c[0] for c in cur.description]
        rows = {row[0]: dict(zip(cols, row)) for row in cur}
        records = [self._state.view(rows[i]) for i in ids]
        total = picked[0][1] if picked else 0
        return records, total

    def _rare_enough(self, word: str) -> bool:
        """Whether a word is worth ranking by. Scoring costs one bm25 per record holding the word,
        and a word in thousands of records hardly changes the order: on a large dataset only
        words in at most 2% of the records rank (on a small one, all of them)."""
        found = self._state.vocab.lookup(stem(word))
        return found is None or found[0] <= max(RANK_MIN_DF, RANK_SHARE * self._state.n_records)

    def count(self, cl: list[Clause]) -> int:
        """How many records these clauses select."""
        return self._count(cl)

    def why_empty(self, cl: list[Clause]) -> list[str]:
        if len(cl) < 2:
            return []
        parts = [f"{c.description}: {self._count([c])} on its own" for c in cl]
        return ["Each part alone — " + "; ".join(parts) + "."]
