"""Reads of applications, always through the city scope."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from accounts.permissions import AnyUser, require, scope_by_city
from applications import timeline
from applications.models import Application, DocumentSlot, Status
from audit import kinds
from audit.models import AuditEvent
from catalog.models import Campaign

# What a need asks beyond reading the application: the capability staff must hold.
# The applicant always has it for their own application.
DOCUMENT_NEEDS = {"documents": "documents.view", "print": "documents.print"}


def _assigned_to(expert: User) -> Q:
    """The applications assigned to `expert` for 综合评审 (a review of theirs on a panel)."""
    from scoring.models import Review  # scoring builds on applications, not the other way round

    return Q(pk__in=Review.objects.filter(expert__user=expert).values("application"))


def readable_applications(user: AnyUser, queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """The applications `user` may open: the applicant their own (drafts too); co-organizers and
    regulators the submitted ones of their city; the association every submitted one; experts
    only what is assigned to them; anyone else nothing."""
    applications = Application.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.role == Role.EXPERT:
        return scope_by_city(applications, user).filter(_assigned_to(user)).exclude(status=Status.DRAFT)
    visible = scope_by_city(applications, user, owner_field="applicant")
    if user.is_authenticated and user.role != Role.APPLICANT:
        visible = visible.exclude(status=Status.DRAFT)  # staff see what was submitted, not drafts
    return visible


def get_application_for(user: AnyUser, pk: int, *, need: str = "view") -> Application:
    """The application if `user` may `need` it, else 404 (other people's numbers reveal nothing):

    * "own": the applicant, to edit or act;
    * "view": whoever may read it (`readable_applications`);
    * "documents" / "print": read it and, unless it is their own, hold the capability for
      the uploaded materials / the printed forms (403 with the reason otherwise).
    """
    applications = Application.objects.select_related("campaign", "city", "occupation", "level", "applicant")
    if need == "own":
        if not user.is_authenticated:
            raise PermissionDenied
        return get_object_or_404(applications, pk=pk, applicant=user)
    application = get_object_or_404(readable_applications(user, applications), pk=pk)
    if need in DOCUMENT_NEEDS and application.applicant_id != user.pk:
        require(user, DOCUMENT_NEEDS[need])
    elif need != "view" and need not in DOCUMENT_NEEDS:
        raise ValueError(f"unknown need {need!r}")
    return application


def current_application(user: User, campaign: Campaign) -> Application | None:
    """The applicant's live (not withdrawn) application in a campaign."""
    return (
        Application.objects.filter(campaign=campaign, applicant=user)
        .exclude(status=Status.WITHDRAWN)
        .select_related("occupation", "level", "city")
        .first()
    )


def applications_of(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("campaign", "occupation", "level")
        .order_by("-created_at")
    )


def timeline_for(application: Application) -> list[timeline.Line]:
    """The application's 办理记录: its audit events of the kinds shown to the applicant, labelled
    as their apps declare them, routine saves and uploads folded (staff read the same lines)."""
    shown = kinds.shown_to_applicant()
    events = AuditEvent.objects.filter(
        object_type=Application._meta.label_lower, object_id=str(application.pk), action__in=shown
    ).order_by("at")
    return timeline.grouped(
        (timeline.Event(e.at, e.action, e.actor_label, e.after) for e in events),
        labels={key: kinds.label_of(key) for key in shown},
        slots={value: str(label) for value, label in DocumentSlot.choices},
    )
