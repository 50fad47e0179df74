"""Stamp files: a tiny file that every worker (and host sharing the folder) checks with one `stat`
to learn that something changed elsewhere. Writing replaces the file (a new inode), so a reader
sees the old stamp or the new one, never half a file. Pure module: no Django."""

import os
import uuid
from pathlib import Path

Stamp = tuple[int, int, int] | None


def stamp_of(path: str | Path) -> Stamp:
    """(inode, mtime, size) of the file, or None when there is none yet."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def renew(path: str | Path) -> None:
    """Replace the file with a new one (a new random content): every reader's stamp changes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    spare = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    spare.write_text(uuid.uuid4().hex)
    os.replace(spare, path)
