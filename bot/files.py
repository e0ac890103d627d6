"""Files shared by every writer: a lock across processes, and atomic replacement that keeps
the file's mode and owner."""
from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any thread runs
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


NEW_FILE_MODE = 0o666 & ~_umask()   # what open() would give a new file: mkstemp's 0600 hides it


@contextmanager
def locked(lock_path: Path | str, shared: bool = False):
    """Hold a lock on lock_path across threads and processes: exclusive for writers, or shared,
    for readers who only need no writer at work. The others wait. A folder is locked as it is
    (readers of a read-only folder can lock it too); a file is created if missing."""
    if os.path.isdir(lock_path):
        fd = os.open(lock_path, os.O_RDONLY)
    else:
        Path(lock_path).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # closing the last descriptor releases the lock


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write to path so that a crash at any moment leaves the old or the new file, with the old
    file's mode and owner (another user, a web server or a git hook, may still need to read it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), stat.S_IMODE(old.st_mode) if old else NEW_FILE_MODE)
            if old and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.fchown(fh.fileno(), old.st_uid, old.st_gid)
                except PermissionError:
                    pass  # only root may give a file away; the mode is kept all the same
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)   # the rename itself must reach the disk
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
