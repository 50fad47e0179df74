"""Text that fits its box: line breaking for Chinese and Latin, shrinking to a floor, then continuing.

1. wrap (Chinese breaks anywhere except before closing / after opening punctuation; Latin words stay whole);
2. if it does not fit, shrink the font in half-point steps down to a floor;
3. if it still does not fit at the floor, the box's last line ends with the continuation marker
   "（续见附页）" (shorter in a narrow cell) and the rest is returned in `Fitted.rest`, for
   continuation pages (`skillcert.pdf.continuation`).
"""

import math
import re
from dataclasses import dataclass

from skillcert.pdf.fonts import BLOCK, LEADING, em, register_font, text_width

CONTINUED = "（续见附页）"

_NO_LINE_START = frozenset("，。、；：！？）》」』】〕〉”’…—·%,.;:!?)]}")
_NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalize(text: str) -> str:
    """Newlines unified, tabs as spaces, control characters dropped, trailing blanks trimmed."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _ascii_word(char: str) -> bool:
    return "!" <= char <= "~"


def _can_break_before(text: str, i: int) -> bool:
    before, after = text[i - 1], text[i]
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return False
    if before == " " or after == " ":
        return True
    return not (_ascii_word(before) and _ascii_word(after))


def break_line(text: str, start: int, size: float, width: float) -> tuple[int, int]:
    """Greedy break of the line that starts at `start`: (end of what is printed, start of the next line)."""
    used = 0.0
    allowed = None
    i = start
    while i < len(text):
        char = text[i]
        if char == "\n":
            return i, i + 1
        if i > start and _can_break_before(text, i):
            allowed = i
        used += em(char) * size
        if used > width and i > start:
            end = i if char == " " or allowed is None else allowed
            shown = end
            while shown > start and text[shown - 1] == " ":
                shown -= 1
            while end < len(text) and text[end] == " ":
                end += 1
            return shown, end
        i += 1
    return len(text), len(text)


def _wrap(text: str, size: float, width: float) -> list[tuple[int, int]]:
    """Lines of normalized `text` as (start, end) offsets."""
    lines = []
    start = 0
    while start < len(text):
        end, start_next = break_line(text, start, size, width)
        lines.append((start, end))
        start = start_next
    return lines


def wrap_lines(text: str, size: float, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` points at `size` points."""
    register_font()
    text = normalize(text)
    return [text[start:end] for start, end in _wrap(text, size, width)]


def capacity(height: float, size: float) -> int:
    """How many lines of `size` fit in `height`."""
    if height < BLOCK * size:
        return 0
    return math.floor((height - BLOCK * size) / (LEADING * size) + 1e-9) + 1


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: tuple[str, ...]
    rest: str  # what did not fit, for the continuation pages ("" when everything fits)

    @property
    def leading(self) -> float:
        return self.size * LEADING

    @property
    def height(self) -> float:
        return (len(self.lines) - 1) * self.leading + BLOCK * self.size if self.lines else 0.0


def fit_text(text: str, width: float, height: float, size: float, floor: float) -> Fitted:
    """Lay `text` out in a `width` × `height` box: at `size`, else smaller down to `floor`, else truncated
    at `floor` with the continuation marker and the remainder in `rest`."""
    register_font()
    text = normalize(text)
    current = size
    while True:
        lines = _wrap(text, current, width)
        room = capacity(height, current)
        if len(lines) <= room:
            return Fitted(current, tuple(text[s:e] for s, e in lines), "")
        if current - 0.5 < floor - 1e-9:
            break
        current -= 0.5
    if room < 1:
        raise ValueError(f"a {width:.0f}×{height:.0f} pt box cannot hold one line of {current} pt text")
    kept = [text[s:e] for s, e in lines[: room - 1]]
    last_start = lines[room - 1][0]
    # The full marker, or a shorter one in a cell too narrow for it (the 附页 says the rest either way).
    marker = next(m for m in (CONTINUED, "（续）", "…") if m == "…" or text_width(m + "中", current) <= width)
    end, rest_start = break_line(text, last_start, current, width - text_width(marker, current))
    kept.append(text[last_start:end] + marker)
    return Fitted(current, tuple(kept), text[rest_start:].strip("\n "))


def shrunk(text: str, width: float, size: float) -> Fitted:
    """One line, made as small as it must be to fit `width` (for printed values that have no 附页)."""
    text = normalize(text).replace("\n", " ")
    natural = text_width(text, 1.0)
    return Fitted(min(size, width / natural) if natural else size, (text,) if text else (), "")


def one_line(text: str, width: float, size: float, floor: float) -> Fitted | None:
    """A short value on one line, shrunk in half points down to `floor` if need be, or None when it
    must wrap (a name reads better unbroken)."""
    text = normalize(text)
    if "\n" in text:
        return None
    while size >= floor:
        if text_width(text, size) <= width:
            return Fitted(size, (text,) if text else (), "")
        size -= 0.5
    return None
