"""What was asked, compact enough to ride in a button's custom_id, and how to answer it again.

The buttons under an answer hold no state in memory: each carries what was asked (a "spec",
e.g. ``["a", "what did Canada do"]``), and a click answers it again. Specs that fit are written
into the custom_id itself (``=`` then the JSON), so they need no storage at all and survive a
restart, a new machine or a lost cache folder. Longer ones (Discord allows 100 characters per
custom_id; a question may have 300) are kept in a small SQLite file beside the index, keyed by
a hash (``#`` then 12 characters), holding the newest KEEP of them; it too survives a restart.
Answering again rather than caching the pages keeps memory flat, costs one engine call per
click, and shows the data as it is now.
"""
from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import threading
from pathlib import Path

from bot.engine import options
from bot.engine.answer import Answer
from bot.engine.engine import Engine

KEEP = 50_000   # long specs kept (a few MB); older buttons with long questions then say they expired
PRUNE_EVERY = 500


def _ask(engine: Engine, question: str) -> Answer:
    return engine.answer(question)


def _search(engine: Engine, actor: str | None, kind: str | None, start: int | None, end: int | None,
            text: str | None) -> Answer:
    return options.answer_for(engine, actors=[actor or ""], types=[kind or ""], start=start, end=end,
                              text=text or "", prefix="Search: ")


RECIPES = {"a": _ask, "c": options.actor_answer, "s": _search}  # /ask and channel questions, /actor, /search


def answer(engine: Engine, spec: list) -> Answer:
    """The answer to a spec, as the command that first asked it gave it; raises names.UnknownName."""
    return RECIPES[spec[0]](engine, *spec[1:])


def _json(spec: list) -> str:
    return json.dumps(spec, separators=(",", ":"))  # ASCII: a custom_id's length is then its size


class KeyStore:
    """The long specs, on disk, at most KEEP of them. Thread-safe; opened on first use."""

    def __init__(self, path: Path):
        self.path, self._conn, self._lock, self._puts = path, None, threading.Lock(), 0

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("pragma journal_mode=wal")
            conn.execute("pragma synchronous=normal")  # a power cut may lose the newest few: they say "expired"
            conn.execute("create table if not exists specs (key text primary key, spec text not null, "
                         "seq integer not null)")
            conn.execute("create index if not exists specs_seq on specs (seq)")
            self._conn = conn
        return self._conn

    def put(self, text: str) -> str:
        key = base64.urlsafe_b64encode(hashlib.blake2b(text.encode(), digest_size=9).digest()).decode()
        with self._lock:
            db = self._db()
            seq = (db.execute("select max(seq) from specs").fetchone()[0] or 0) + 1
            db.execute("insert into specs values (?, ?, ?) on conflict(key) do update set seq = excluded.seq",
                       (key, text, seq))
            self._puts += 1
            if self._puts % PRUNE_EVERY == 0:
                db.execute("delete from specs where seq <= ?", (seq - KEEP,))
        return key

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db().execute("select spec from specs where key = ?", (key,)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def encode(spec: list, store: KeyStore, room: int) -> str:
    """The spec as at most ``room`` characters: inline when it fits, else a key into the store."""
    text = _json(spec)
    return f"={text}" if len(text) < room else "#" + store.put(text)


def decode(encoded: str, store: KeyStore) -> list | None:
    """The spec back; None when its key has been pruned (or the store was lost)."""
    text = encoded[1:] if encoded.startswith("=") else store.get(encoded[1:])
    if text is None:
        return None
    spec = json.loads(text)
    return spec if isinstance(spec, list) and spec and spec[0] in RECIPES else None
