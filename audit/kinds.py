"""The audit action kinds: every name `audit.services.record` writes is declared here first.

Each app declares the kinds it records in its own `kinds.py` (loaded when the audit app is
ready), with the label a person reads and whether the applicant sees it in the 办理记录:

    declare(ActionKind("review.city.approved", _("初审通过"), shown_to_applicant=True))

A key ending in ".*" declares a family whose last part is computed (`admin.*`, `exports.*`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class ActionKind:
    key: str  # dotted: "review.city.approved"; "admin.*" for a family
    label: str | Promise  # what a person reads (a lazy translation)
    shown_to_applicant: bool = False  # a line of the application's 办理记录

    @property
    def is_family(self) -> bool:
        return self.key.endswith(".*")


class UndeclaredActionKind(LookupError):
    """`record` was asked to write an action no app declared."""


_KINDS: dict[str, ActionKind] = {}


def declare(*kinds: ActionKind) -> None:
    """Add kinds; declaring one key twice with different meanings is a mistake."""
    for kind in kinds:
        known = _KINDS.get(kind.key)
        if known is not None and known != kind:
            raise ValueError(f"audit kind {kind.key!r} declared twice differently")
        _KINDS[kind.key] = kind


def kind_of(key: str) -> ActionKind | None:
    """The kind declared for `key`, or the family it belongs to (longest prefix first)."""
    if key in _KINDS:
        return _KINDS[key]
    parts = key.split(".")
    for end in range(len(parts) - 1, 0, -1):
        family = _KINDS.get(".".join(parts[:end]) + ".*")
        if family is not None:
            return family
    return None


def label_of(key: str) -> str:
    kind = kind_of(key)
    return str(kind.label) if kind is not None else key


def declared() -> list[ActionKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def shown_to_applicant() -> list[str]:
    """The exact keys of the 办理记录 (families are never shown to applicants)."""
    return [kind.key for kind in declared() if kind.shown_to_applicant and not kind.is_family]


@contextmanager
def declared_for_a_test(*kinds: ActionKind) -> Iterator[None]:
    """Kinds that exist only inside a test (payload shapes, filters), gone afterwards."""
    added = [kind for kind in kinds if kind.key not in _KINDS]
    declare(*added)
    try:
        yield
    finally:
        for kind in added:
            _KINDS.pop(kind.key, None)
