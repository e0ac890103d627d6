"""Which files a data folder is made of, and cheap and exact fingerprints of them."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

# The files every record is checked against: a change to one of them can change any record.
VOCABULARY_FILES = ("sources.yaml", "actors.yaml", "entities.yaml", "types.yaml", "groups.yaml")


def record_files(root: Path) -> list[Path]:
    rec_dir = root / "records"
    return sorted(p for p in rec_dir.rglob("*") if p.suffix in (".yaml", ".yml")) if rec_dir.is_dir() else []


def data_files(root: Path) -> list[Path]:
    """Every file the dataset is made of, in a stable order."""
    fixed = [root / n for n in VOCABULARY_FILES]
    return [p for p in fixed if p.exists()] + record_files(root)


def _stats(folder: str, prefix: str, out: dict) -> None:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            if prefix or e.name == "records":
                _stats(e.path, f"{prefix}{e.name}/", out)
        elif e.name.endswith((".yaml", ".yml")) and (prefix or e.name in VOCABULARY_FILES):
            try:
                st = e.stat()
            except FileNotFoundError:   # removed between the listing and the stat
                continue
            out[f"{prefix}{e.name}"] = (st.st_size, st.st_mtime_ns)


def file_stats(root: Path | str) -> dict[str, tuple[int, int]]:
    """(size, mtime in ns) of each file data_files lists, by its path inside root: if they are
    unchanged, so are the files. Cheap (one scandir per folder, no Path objects), since the
    engine runs it every few hundred milliseconds."""
    out: dict[str, tuple[int, int]] = {}
    _stats(str(root), "", out)
    return out


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
