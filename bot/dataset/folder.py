"""The store's view of a data folder: each file read and parsed once, again only when it changed.

A one-record change must not parse 20,000 records. A record id is looked for only in the
files whose text could hold it (it appears there as a word, or an escape could spell it): the
parser then says whether it does. Each file is re-read only when its size, times or inode moved. Under the store's
lock the files a save depends on are read again and compared byte for byte: two saves within
one tick of the file system's clock can leave the same times, never the same text unnoticed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.dataset.blocks import Layout, layout
from bot.dataset.files import VOCABULARY_FILES, record_files
from bot.dataset.reader import Reader
from bot.dataset.vocabularies import read_vocabularies
from bot.dataset.yaml_edit import plain
from bot.dataset.yamlio import MAX_FILE_BYTES, Problem, YamlError, line_of, load_text, too_large

VOCABULARY = VOCABULARY_FILES
# The only ways a YAML file can hold an id's letters without writing them out: a double-quoted
# scalar's hex escapes, or its escaped line break (which joins two lines without a space).
_SPELLING = ("\\x", "\\u", "\\U", "\\\n", "\\\r")


_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _holds_word(text: str, word: str) -> bool:
    """word appears in text with no id character on either side (str.find: a regex with look-
    arounds scans 15 MB a hundred times slower)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or text[at - 1] not in _ID_CHARS) and (end == len(text) or text[end] not in _ID_CHARS):
            return True
        at = text.find(word, at + 1)
    return False


@dataclass
class Found:
    path: Path
    index: int          # its place in the file's list
    item: dict          # as parsed, with lines (LDict)

    @property
    def value(self) -> dict:
        return plain(self.item)


class _File:
    def __init__(self, key, text: str | None, error: Problem | None = None):
        self.key, self.text, self.error = key, text, error
        self.items: list | None = None
        self.ids: set | None = None   # of its items, once parsed
        self.layout: Layout | None = None
        self._escapes: bool | None = None
        self._lacks: set[str] = set()   # ids its text cannot hold

    def could_hold(self, target: str) -> bool:
        if self._escapes is None:
            self._escapes = any(e in self.text for e in _SPELLING)
        if self._escapes:
            return True
        if target in self._lacks:
            return False
        if _holds_word(self.text, target):
            return True
        self._lacks.add(target)
        return False


@dataclass
class Vocabulary:
    actors: dict
    types: dict
    entities: dict
    documents: dict
    problems: list[Problem]
    groups: dict = field(default_factory=dict)


class FolderView:
    def __init__(self, root: Path):
        self.root = root
        self.names = Reader(root)   # names files as validate does
        self._files: dict[Path, _File] = {}
        self._vocab: tuple | None = None

    # ---- files -------------------------------------------------------------------------
    def _key(self, path: Path):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns

    def _read(self, path: Path, key) -> _File:
        name = self.names.name(path)
        if key is None:
            return _File(None, "")
        if why := too_large(key[1], MAX_FILE_BYTES):
            return _File(key, None, Problem(name, 1, f"the file {why}"))
        try:
            return _File(key, path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:
            return _File(key, None, Problem(name, 1, "not UTF-8 text"))
        except OSError as exc:
            return _File(key, None, Problem(name, 1, f"cannot read: {exc.strerror}"))

    def file(self, path: Path, fresh: bool = False) -> _File:
        """The file as last read; with fresh, read again now and kept only if its bytes are the same."""
        key, cached = self._key(path), self._files.get(path)
        if cached is not None and cached.key == key and not fresh:
            return cached
        f = self._read(path, key)
        if cached is not None and cached.text == f.text and cached.error is None:
            cached.key = key
            return cached
        self._files[path] = f
        return f

    def wrote(self, path: Path, text: str) -> None:
        """A file this process has just written: known without reading it back (and without
        trusting a stat that may look like the old one's)."""
        self._files[path] = _File(self._key(path), text)

    def items(self, path: Path, fresh: bool = False) -> list:
        """The file's list, parsed. Raises YamlError when it cannot be read as one."""
        return self._parsed(path, self.file(path, fresh))

    def _parsed(self, path: Path, f: _File) -> list:
        if f.error:
            raise YamlError(f.error)
        if f.items is None:
            data = load_text(f.text, self.names.name(path)) if f.text.strip() else []
            if data is None:
                data = []
            if not isinstance(data, list):
                f.error = Problem(self.names.name(path), line_of(data), "expected a list at the top")
                raise YamlError(f.error)
            f.items = data
            f.ids = {str(d.get("id")) for d in data if isinstance(d, dict)}
        return f.items

    def parsed(self, path: Path, fresh: bool = False) -> tuple[Layout, list]:
        """Where each item of the file stands, and the items, from one reading of it."""
        f = self.file(path, fresh)
        items = self._parsed(path, f)
        if f.layout is None:
            lay = layout(f.text, self.names.name(path))
            if len(lay.blocks) != len(items):
                raise YamlError(Problem(self.names.name(path), 1, "the list's items could not be told apart; "
                                        "edit this file by hand"))
            f.layout = lay
        return f.layout, items

    def paths(self, kind: str) -> list[Path]:
        return [self.root / "actors.yaml"] if kind == "actor" else record_files(self.root)

    # ---- finding -----------------------------------------------------------------------
    def occurrences(self, kind: str, target: str, fresh: bool = False) -> tuple[list[Found], list[Problem]]:
        """Every item with this id, in the order validate reads them, and the problems of the files
        that could hold it but cannot be parsed (an id there cannot be seen)."""
        found, blind = [], []
        for path in self.paths(kind):
            f = self.file(path, fresh)
            if f.ids is not None and target not in f.ids:
                continue   # parsed already: its ids are known
            if f.ids is None and f.text is not None and not f.could_hold(target):
                continue   # no way to write the id in this file, not even with an escape: not parsed
            try:
                items = self._parsed(path, f)
            except YamlError as exc:
                blind.append(exc.problem)
                continue
            found += [Found(path, n, d) for n, d in enumerate(items) if isinstance(d, dict) and str(d.get("id")) == target]
        return found, blind

    def find(self, kind: str, target: str, fresh: bool = False) -> Found | None:
        found, _ = self.occurrences(kind, target, fresh)
        return found[0] if found else None

    def unreadable(self, kind: str) -> list[Problem]:
        """The files of this kind that cannot be parsed: an id there cannot be seen."""
        out = []
        for path in self.paths(kind):
            try:
                self.items(path)
            except YamlError as exc:
                out.append(exc.problem)
        return out

    def records(self, paths: list[Path] | None = None) -> list[tuple[Path, dict]]:
        """The records of these files (all record files by default); files that fail to parse are
        passed over (see unreadable)."""
        out = []
        for path in self.paths("record") if paths is None else paths:
            try:
                out += [(path, d) for d in self.items(path) if isinstance(d, dict)]
            except YamlError:
                continue
        return out

    def holding(self, *words: str) -> list[Path]:
        """Record files whose text holds any of these words: where to look for a citation."""
        return [p for p in self.paths("record") if (t := self.file(p).text) and any(w and w in t for w in words)]

    # ---- vocabularies ------------------------------------------------------------------
    def vocabulary(self, texts: dict[Path, str] | None = None, fresh: bool = False) -> Vocabulary:
        """Actors, types, entities and documents as validate reads them (with `texts` in place of
        those files), with validate's problems in them."""
        files = {p: self.file(self.root / p, fresh) for p in VOCABULARY}
        current = {self.root / n: f.text for n, f in files.items() if f.key is not None and f.error is None}
        current.update(texts or {})
        key = tuple(current.get(self.root / n) for n in VOCABULARY)
        if self._vocab is None or self._vocab[0] != key:
            r = Reader(self.root, current)   # missing and unreadable files: read (and named) as validate does
            v = read_vocabularies(r, self.root)
            self._vocab = key, Vocabulary(v.actors, v.types, v.entities, v.documents, r.problems, v.groups)
        return self._vocab[1]
