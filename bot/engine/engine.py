"""The answer engine: the one entry point the CLI, the tests and the Discord commands share.

It keeps the index fresh (re-indexing the data files that changed), understands the
question, runs the SQL and composes a cited Answer. Safe to call from several threads:
each thread gets its own read-only SQLite connection, and each answer reads one version of
the index (a read transaction), so a change committed meanwhile shows in the next answer.
"""
from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from bot.dates import Period, year_span
from bot.engine import answering, compose, followup
from bot.engine.filters import Clause, clauses, fts_query, text_clause
from bot.engine.interpretation import Interpretation
from bot.engine.live import LiveIndex
from bot.engine.snapshot import IndexState
from bot.index.build import DataError
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
        self.live = LiveIndex(self.data_dir, self.db_path, strict)

    # ---- the index -------------------------------------------------------------------
    def refresh(self, reload: bool = False) -> None:
        """Bring the index up to date with the data files now (see LiveIndex.refresh)."""
        self.live.refresh(reload)

    def conn(self) -> sqlite3.Connection:
        return self.live.conn()

    def reading(self, fn, *args, **kwargs):
        return self.live.reading(fn, *args, **kwargs)

    @property
    def state(self) -> IndexState:
        return self.live.state

    @property
    def last_error(self) -> DataError | None:
        return self.live.last_error

    @property
    def check_every(self) -> float:
        return self.live.check_every

    @check_every.setter
    def check_every(self, seconds: float) -> None:
        self.live.check_every = seconds

    def reload_status(self) -> tuple[dict | None, list | None, bool]:
        """After a change on disk: (counts, None, False) when the data loaded; (None, problems,
        whether an older index still answers) when it did not."""
        try:
            self.refresh()
        except DataError as exc:
            return None, exc.problems, False
        if self.last_error is not None:
            return None, self.last_error.problems, True
        st = self.state
        return {"records": st.n_records, "actors": len(st.actors), "types": len(st.types)}, None, False

    # ---- answering -------------------------------------------------------------------
    def interpret(self, question: str) -> Interpretation:
        return self.state.interpreter(question)

    def answer(self, question: str, after: list[str] | tuple = ()) -> compose.Answer:
        """The answer to `question`, read as a follow-up of the questions `after` (oldest first)
        where it continues them ("and in 2020?")."""
        return self.reading(self._answer_question, question, tuple(after))

    def interpret_after(self, question: str, after: list[str] | tuple = ()) -> Interpretation:
        """The interpretation of the last question of a conversation, each read against the one before."""
        interp = None
        for q in [*after, question]:
            interp = followup.read(interp, self.interpret(q))
        return interp

    def _answer_question(self, question: str, after: tuple = ()) -> compose.Answer:
        interp = self.interpret_after(question, after) if after else self.interpret(question)
        if not interp.question.strip():
            return compose.help_answer(interp.question, interp, self.state)
        return self._answer(interp)

    def _answer(self, interp: Interpretation, limit: int | None = None) -> compose.Answer:
        return answering.answer(self, interp, limit)

    def select(self, *, actors: list[str] = (), types: list[str] = (), entities: list[str] = (),
               start: int | None = None, end: int | None = None, text: str = "", acting_only: bool = False,
               intent: str = "list", label: str = "", limit: int | None = None) -> compose.Answer:
        """The answer for explicit filters (slash-command options) instead of a question.
        Ids must exist; years are whole years; text is searched like the words of a question.
        With no filter at all it lists every record (intent "all")."""
        return self.reading(self._select, actors, types, entities, start, end, text, acting_only, intent, label, limit)

    def _select(self, actors, types, entities, start, end, text, acting_only, intent, label, limit) -> compose.Answer:
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

    def _where(self, cl: list[Clause], walk: bool = False) -> tuple[str, dict]:
        """The clauses as one condition. walk: for reading record_order in date order, where a
        set of ids must be a test per row (+r.rowid), not the way in."""
        params = _params(cl)
        sets, rest = _rowid_sets(cl)
        if len(sets) > 1 or (sets and walk):
            # one intersected set: SQLite would otherwise probe records once per id of the first
            rest = [f"{'+' if walk else ''}r.rowid in ({' intersect '.join(sets)})"] + rest
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
        conn = self.conn()
        sets, rest = _rowid_sets(cl)
        params = _params(cl)
        cond = " and ".join(rest) or "1"
        if sets:
            # the matching ids, made once (within this answer's transaction, which drops them):
            # both the total and the pick read them
            conn.execute("delete from temp.hits")
            conn.execute(f"insert or ignore into temp.hits {' intersect '.join(sets)}", params)
            total = conn.execute(f"select count(*) from temp.hits r where {cond}" if not rest else
                                 f"select count(*) from temp.hits h cross join record_order r on r.id = h.id"
                                 f" where {cond}", params).fetchone()[0]
        else:
            total = conn.execute(f"select count(*) from record_order r where {cond}", params).fetchone()[0]
        if not total:
            return [], 0
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
        # latest first, then as in the files (ord): the same order whichever way the index was made;
        # for earliest/latest words break ties first ("the first coordinated sanctions" says "first")
        ties = order[-1:] if ordered and rank_join else []
        if interp.intent == "earliest":
            order = ["r.date_sort is null, r.date_sort", *ties, "r.ord"]
        elif ordered and ties:
            order = ["r.dkey desc", *ties, "r.ord"]
        elif ordered:
            order = ["r.dkey desc, r.ord"]
        else:
            order = order + ["r.dkey desc, r.ord"]
        # Ordered by date alone, many matches are found soonest by reading the dates in order and
        # testing each record (about limit * records / total of them), few by sorting them all.
        if len(order) == 1 and interp.intent != "earliest" and total * total > limit * self.state.n_records:
            source = "record_order r indexed by idx_record_order_latest"
            cond += " and +r.rowid in temp.hits" if sets else ""
        else:
            source = "temp.hits h cross join record_order r on r.id = h.id" if sets else "record_order r"
        # pick and order the ids on the thin table, then read only the records shown
        sql = f"select r.rowid from {source} {rank_join} where {cond} order by {', '.join(order)} limit {int(limit)}"
        ids = [i for (i,) in conn.execute(sql, params)]
        cur = conn.execute(f"select rowid as _n, * from records where rowid in ({', '.join('?' * len(ids))})", ids)
        cols = [c[0] for c in cur.description]
        rows = {row[0]: dict(zip(cols, row)) for row in cur}
        records = [self.state.view(rows[i]) for i in ids]
        return records, total

    def _rare_enough(self, word: str) -> bool:
        """Whether a word is worth ranking by. Scoring costs one bm25 per record holding the word,
        and a word in thousands of records hardly changes the order: on a large dataset only
        words in at most 2% of the records rank (on a small one, all of them)."""
        st = self.state
        found = st.vocab.lookup(stem(word))
        return found is None or found[0] <= max(RANK_MIN_DF, RANK_SHARE * st.n_records)

    def count(self, cl: list[Clause]) -> int:
        """How many records these clauses select."""
        return self._count(cl)

    def why_empty(self, cl: list[Clause]) -> list[str]:
        if len(cl) < 2:
            return []
        parts = [f"{c.description}: {self._count([c])} on its own" for c in cl]
        return ["Each part alone — " + "; ".join(parts) + "."]
