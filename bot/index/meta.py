"""What every part of the index agrees on: its schema version, columns and order keys, its meta
table, the vocabularies records are checked against, and the error for data that does not check."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from bot.dataset.reader import Reader
from bot.dataset.schema import errors_only, load_dataset
from bot.dataset.vocabularies import read_about, read_vocabularies
from bot.dataset.yamlio import Problem

SCHEMA_VERSION = "11"
RECORD_COLUMNS = ("rowid:int id title summary body quote keywords stage date_kind date_text date_sort:int date_parts "
                  "votes figures sources types entities actors file line:int")
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
FTS_COLUMNS = ("title", "summary", "body", "quote", "keywords")
# A record's place in a full build, as one number: its file's rank, then its index in the file.
# Ranks leave room between files, so a new file gets a rank without renumbering the others.
RANK_GAP, IN_FILE_BITS = 4096, 20


class DataError(Exception):
    """The data folder has errors; the index was not (re)built."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the data:\n{shown}{more}")


def read_meta(db_path: Path) -> dict[str, str]:
    if not db_path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return dict(conn.execute("select key, value from meta"))
    except sqlite3.Error:
        return {}


def meta_of(data_dir: Path, stats: dict, counts: dict, generation: int) -> dict:
    return {"schema_version": SCHEMA_VERSION, "data_dir": str(data_dir.resolve()), "generation": str(generation),
            "built_at": str(int(time.time())), "counts": json.dumps(counts),
            "data_changed_at": str(max((m for _, m in stats.values()), default=0) // 10**9)}


def data_error(root: Path) -> DataError:
    """The build streams and stops at the first sign of a problem; load_dataset then reads
    everything again to report every problem, worded and ordered as `validate` does."""
    errors = errors_only(load_dataset(root)[1])
    return DataError(errors or [Problem(str(root), 1, "the data has errors")])


def read_vocab(root: Path) -> tuple:
    """(root, actors, types, entities, documents), what every record is checked against.
    Raises DataError when they have errors."""
    return read_vocab_all(root)[0]


def read_vocab_all(root: Path) -> tuple:
    """read_vocab's tuple, the groups of actors, and sources.yaml's words about the dataset."""
    reader = Reader(root)
    if not root.is_dir():
        raise data_error(root)
    v = read_vocabularies(reader, root)
    about = read_about(reader, root)
    if errors_only(reader.problems):
        raise data_error(root)
    return (root, v.actors, v.types, v.entities, v.documents), v.groups, about
