"""Every state change of scoring's rows, and nothing else writes `state` (the services lock the
row, check the actor and the state, call one of these, and audit).

Sheet: open → confirmed. Amendment: pending → approved | rejected. ScoreImport: preview →
applied | discarded. Panel: open → closed. Publicity: open → closed. Objection: open → answered."""

from datetime import datetime

from django.utils import timezone

from accounts.models import User
from scoring.models import Amendment, Objection, Panel, Publicity, ScoreImport, Sheet


def confirm_sheet(sheet: Sheet, *, actor: User, now: datetime) -> None:
    sheet.state, sheet.confirmed_by, sheet.confirmed_at = Sheet.State.CONFIRMED, actor, now
    sheet.version += 1
    sheet.save(update_fields=["state", "confirmed_by", "confirmed_at", "version"])


def decide_amendment(amendment: Amendment, *, approve: bool, actor: User, note: str) -> None:
    amendment.state = Amendment.State.APPROVED if approve else Amendment.State.REJECTED
    amendment.decided_by, amendment.decided_at, amendment.decision_note = actor, timezone.now(), note.strip()[:500]
    amendment.save()


def apply_import(preview: ScoreImport) -> None:
    preview.state, preview.applied_at = ScoreImport.State.APPLIED, timezone.now()
    preview.save(update_fields=["state", "applied_at"])


def discard_import(preview: ScoreImport) -> None:
    preview.state = ScoreImport.State.DISCARDED
    preview.save(update_fields=["state"])


def discard_previews(sheet: Sheet, round_: int) -> None:
    """A new upload replaces the round's earlier preview."""
    ScoreImport.objects.filter(sheet=sheet, round=round_, state=ScoreImport.State.PREVIEW).update(
        state=ScoreImport.State.DISCARDED
    )


def answer_objection(objection: Objection, *, actor: User, outcome: str) -> None:
    objection.state, objection.outcome = Objection.State.ANSWERED, outcome.strip()[:2000]
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save()


def close_publicity(publicity: Publicity, *, actor: User) -> None:
    publicity.state, publicity.closed_by, publicity.closed_at = Publicity.State.CLOSED, actor, timezone.now()
    publicity.save(update_fields=["state", "closed_by", "closed_at"])


def close_panel(panel: Panel, *, actor: User, now: datetime) -> None:
    panel.state, panel.closed_by, panel.closed_at = Panel.State.CLOSED, actor, now
    panel.version += 1
    panel.save(update_fields=["state", "closed_by", "closed_at", "version"])
