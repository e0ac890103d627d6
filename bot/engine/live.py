"""The index as it is now: kept in step with the data files, with one read-only connection per
thread, and one version of it for everything an answer reads.

An answer checks the index only when a data folder changed (a file saved atomically is renamed
into its folder: two stats) or when a watcher thread, which looks at every file (one stat
each) every CHECK_EVERY seconds, saw a file change in place. When files changed,
index.build.ensure_index re-indexes them, in the answering thread, while the other threads
keep answering (an update committing waits for the answers under way).
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from contextlib import contextmanager
from pathlib import Path

from bot.dataset.files import file_stats
from bot.engine.snapshot import IndexState
from bot.index.build import DataError, ensure_index

log = logging.getLogger(__name__)
CHECK_EVERY = 0.25  # seconds between looks at every data file: a hand edit shows within a second
UPDATE_WAIT = 2.0   # an answer waits this long (from its start) for an update under way, then uses the index as it is


@contextmanager
def _transaction(conn: sqlite3.Connection):
    """A read transaction on conn, unless one is open already."""
    if conn.in_transaction:
        yield
        return
    conn.execute("begin")
    try:
        yield
    finally:
        conn.rollback()


def _watch(ref: weakref.ref) -> None:
    """Every CHECK_EVERY seconds, note whether the data files differ from what the index was made
    from; ends with the LiveIndex (it holds it only weakly)."""
    while True:
        live = ref()
        if live is None:
            return
        period = live.check_every or CHECK_EVERY
        try:
            if live._disk is not None and file_stats(live.data_dir) != live._disk:
                live._changed = True
        except OSError:
            pass
        del live
        time.sleep(period)


class LiveIndex:
    def __init__(self, data_dir: Path, db_path: Path, strict: bool = True):
        self.data_dir, self.db_path = data_dir, db_path
        self.strict = strict  # False: keep serving the last good index when the data has errors
        self._local = threading.local()
        self._lock = threading.Lock()
        self._state: IndexState | None = None
        self._db_id = None
        self._disk: dict | None = None   # the data files as the last check saw them
        self._checked = 0.0              # when (time.monotonic) that was
        self._seen_folders = None        # ... and the folders' change times
        self._file_no = 0                # counts the index files opened: a full build is a new one
        self._updating_since: float | None = None   # when the update under way began
        self.check_every = CHECK_EVERY   # 0: look at every file before every answer (tests)
        self._changed = False            # the watcher saw the files differ from _disk
        self._watcher: threading.Thread | None = None
        self.last_error: DataError | None = None

    def _db_identity(self):
        st = os.stat(self.db_path)
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _folders(self):
        """The data folder's and records/'s change times: a file saved atomically (the store, most
        editors) is renamed into its folder, which changes them."""
        try:
            return os.stat(self.data_dir).st_mtime_ns, os.stat(self.data_dir / "records").st_mtime_ns
        except OSError:
            return None

    def _fresh(self) -> None:
        """refresh() when a data folder changed or the watcher saw a file change (a file written
        in place changes no folder): what each answer pays is two stats."""
        if self._state is None or self._changed or self.check_every == 0 or self._folders() != self._seen_folders:
            self.refresh()

    def _watch(self) -> None:
        if self._watcher is None and self.check_every:
            self._watcher = threading.Thread(target=_watch, args=(weakref.ref(self),), daemon=True,
                                             name=f"watch {self.data_dir}")
            self._watcher.start()

    def refresh(self, reload: bool = False) -> None:
        """Bring the index up to date with the data files now, and load what changed (all of it
        with reload). Cheap when nothing did: one stat per data file."""
        folders, disk = self._folders(), file_stats(self.data_dir)
        if self._state is not None and not reload and disk == self._disk and self._same_db():
            self._checked, self._seen_folders, self._changed = time.monotonic(), folders, False
            return
        # Another thread may be updating the index: wait for it a moment (so a change just saved
        # shows in the next answer), but not through a long full build: the old index answers.
        since = self._updating_since
        wait = UPDATE_WAIT if since is None else max(0.0, since + UPDATE_WAIT - time.monotonic())
        if not self._lock.acquire(timeout=wait if self._state is not None else -1):
            return
        try:
            self._updating_since = time.monotonic()
            try:
                ensure_index(self.data_dir, self.db_path)
                self.last_error = None
            except DataError as exc:
                self.last_error = exc
                if self.strict or not self.db_path.exists():
                    raise
                log.error("data has errors; still answering from the last good index:\n%s", exc)
            self._load()
            self._disk, self._checked, self._seen_folders, self._changed = disk, time.monotonic(), folders, False
            self._watch()
        finally:
            self._updating_since = None
            self._lock.release()

    def _same_db(self) -> bool:
        try:
            return self._db_identity() == self._db_id
        except FileNotFoundError:
            return False

    def _load(self) -> None:
        """Load the index's state if it is a new file or a new version of this one."""
        ident = self._db_identity()
        if self._db_id is None or ident[0] != self._db_id[0]:
            self._file_no += 1    # each thread reconnects, once its current answer is done
        self._db_id = ident
        conn = self.conn()
        with _transaction(conn):
            meta = dict(conn.execute("select key, value from meta"))
            old = self._state
            if old is None or meta.get("generation") != old.meta.get("generation") or old.file_no != self._file_no:
                state = IndexState(conn, meta, self.conn, old if old and old.file_no == self._file_no else None)
                state.file_no = self._file_no
                self._state = state

    def conn(self) -> sqlite3.Connection:
        loc = self._local
        c = getattr(loc, "conn", None)
        if c is None or (loc.file_no != self._file_no and not getattr(loc, "reading", None)):
            # the old connection closes once nothing holds it (a caller may still be reading)
            c = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
            # the ids an answer matches (engine._run), in memory; made here, outside any transaction,
            # so an answer only fills and empties it
            c.execute("pragma temp_store = memory")
            c.execute("create temp table hits (id integer primary key)")
            loc.conn, loc.file_no = c, self._file_no
        return c

    def reading(self, fn, *args, **kwargs):
        """fn(*args, **kwargs) reading one version of the index: one read transaction, one state.
        (A change waits to commit until the readers of the moment are done.)"""
        loc = self._local
        if getattr(loc, "reading", None) is not None:
            return fn(*args, **kwargs)
        for attempt in (1, 2):
            if attempt == 1:
                self._fresh()
            else:
                self.refresh(reload=True)
            conn = self.conn()
            try:
                with _transaction(conn):
                    loc.reading = self._state
                    try:
                        return fn(*args, **kwargs)
                    finally:
                        loc.reading = None
            except sqlite3.OperationalError:
                # A connection left on a file a full build replaced meets the new file's journal
                # and may not roll it back: reconnect to the new file and answer from it.
                if attempt == 2:
                    raise
                log.info("the index file was replaced while reading; reconnecting")
                self._file_no += 1

    @property
    def state(self) -> IndexState:
        reading = getattr(self._local, "reading", None)
        if reading is not None:   # within an answer: the version it started with
            return reading
        self._fresh()
        return self._state

