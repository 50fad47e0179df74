"""The passed candidates' materials of a city as one zip (notice 九.三), streamed in constant memory.

One folder per candidate, `<准考证号>-<姓名>/`, holding the printable 申报表 (`申报表.pdf`) and the
uploaded documents named by their slot (`身份证正面.jpg`, …). Candidates are read in batches and
each one's files are added to the stream only when the previous candidate's bytes have left, so
memory holds one candidate's 申报表 and one file chunk, whatever the city's size (the zip's central
directory, a few dozen bytes per file, is all that grows). Files are stored, not deflated: scans
and PDFs are compressed already.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from zipstream import ZipStream  # type: ignore[import-untyped]  # zipstream-ng ships no type information

CHUNK = 64 * 1024
_UNSAFE = re.compile(r'[/\\<>:"|?*]')

Chunks = Callable[[], Iterable[bytes]]  # called when the file's turn comes, never before


@dataclass(frozen=True)
class Member:
    """One candidate's folder: its name and its files as (file name, chunks)."""

    folder: str
    files: Callable[[], Iterable[tuple[str, Chunks]]]


def clean_name(value: str) -> str:
    """A path component: no separators, no characters Windows forbids, no control characters."""
    value = _UNSAFE.sub("", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    return value.strip().strip(".") or "_"


def folder_name(ticket: str, name: str) -> str:
    return clean_name(f"{ticket or '无准考证号'}-{name}")


def stream_zip(members: Iterable[Member]) -> Iterator[bytes]:
    """The zip's bytes, member by member; a folder's files are only read when it is written."""
    stream = ZipStream(sized=False)
    seen: set[str] = set()
    for member in members:
        folder = member.folder
        while folder in seen:  # two candidates of one name without tickets
            folder += "_"
        seen.add(folder)
        for name, chunks in member.files():
            stream.add(_lazy(chunks), f"{folder}/{clean_name(name)}")
        yield from stream.all_files()
    yield from stream.finalize()


def _lazy(chunks: Chunks) -> Iterator[bytes]:
    yield from chunks()
