"""办理记录: an application's audit events as the lines a person reads. Pure: no Django.

Filling in an application leaves many routine events (every draft save, every upload).
Between two milestones (started, submitted, returned, …) they are folded into one line per
kind: "保存草稿 ×12" with the last time, uploads with the documents they were for. The
milestones stay one line each.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROUTINE = ("applications.draft_saved", "applications.document_uploaded")


@dataclass(frozen=True)
class Event:
    at: datetime
    action: str
    who: str = ""
    after: Any = None


@dataclass
class Line:
    at: datetime  # the latest event of the line
    label: str
    who: str = ""
    count: int = 1
    first_at: datetime | None = None
    details: list[str] = field(default_factory=list)


def grouped(events: Iterable[Event], *, labels: Mapping[str, str], slots: Mapping[str, str]) -> list[Line]:
    """Lines in time order; routine events between milestones folded per kind."""
    lines: list[Line] = []
    run: dict[str, list[Event]] = {}

    def close_run() -> None:
        folded = [_fold(action, run[action], labels, slots) for action in ROUTINE if action in run]
        lines.extend(sorted(folded, key=lambda line: line.at))
        run.clear()

    for event in sorted(events, key=lambda e: e.at):
        if event.action in ROUTINE:
            run.setdefault(event.action, []).append(event)
            continue
        close_run()
        lines.append(Line(at=event.at, label=labels.get(event.action, event.action), who=event.who))
    close_run()
    return lines


def _fold(action: str, events: list[Event], labels: Mapping[str, str], slots: Mapping[str, str]) -> Line:
    who = "、".join(dict.fromkeys(e.who for e in events if e.who))
    line = Line(at=events[-1].at, label=labels.get(action, action), who=who, count=len(events))
    if len(events) > 1:
        line.first_at = events[0].at
    if action == "applications.document_uploaded":
        per_slot: dict[str, int] = {}
        for event in events:
            slot = event.after.get("slot", "") if isinstance(event.after, dict) else ""
            name = slots.get(slot, slot) or "?"
            per_slot[name] = per_slot.get(name, 0) + 1
        line.details = [name if n == 1 else f"{name} ×{n}" for name, n in per_slot.items()]
    return line
