"""Which files a data folder is made of, and cheap and exact fingerprints of them."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

VOCABULARY_FILES = ("sources.yaml", "actors.yaml", "entities.yaml", "types.yaml", "groups.yaml")


def record_files(root: Path) -> list[Path]:
    rec_dir = root / "records"
    return sorted(p for p in rec_dir.rglob("*") if p.suffix in (".yaml", ".yml")) if rec_dir.is_dir() else []


def data_files(root: Path) -> list[Path]:
    """Every file the dataset is made of, in a stable order."""
    fixed = [root / n for n in VOCABULARY_FILES]
    return [p for p in fixed if p.exists()] + record_files(root)


def _stats(folder: str, prefix: str = ""):
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            if prefix or e.name == "records":
                yield from _stats(e.path, f"{prefix}{e.name}/")
        elif e.name.endswith((".yaml", ".yml")) and (prefix or e.name in _FIXED):
            st = e.stat()
            yield f"{prefix}{e.name}\0{st.st_size}\0{st.st_mtime_ns}\n"


_FIXED = set(VOCABULARY_FILES)


def stat_signature(root: Path) -> str:
    """Cheap fingerprint (names, sizes, mtimes) of the files data_files lists: if it is
    unchanged, so are they. Checked before every answer, so it avoids Path objects."""
    return hashlib.sha256("".join(_stats(str(root))).encode()).hexdigest()


def content_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in data_files(root):
        h.update(str(p.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()
