"""Reads of applications, always through the city scope."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.permissions import scope_by_city
from applications.models import Application, Status


def get_application_for(user, pk: int, *, need: str = "view") -> Application:
    """The application if `user` may `need` it: "own" (the applicant, to edit or act)
    or "view" (the applicant, or staff of its city, or the association). 404 otherwise,
    so that other people's application numbers reveal nothing."""
    applications = Application.objects.select_related("campaign", "city", "occupation", "level", "applicant")
    if need == "own":
        if not user.is_authenticated:
            raise PermissionDenied
        return get_object_or_404(applications, pk=pk, applicant=user)
    visible = scope_by_city(applications, user, owner_field="applicant")
    if user.is_authenticated and user.role != "applicant":
        visible = visible.exclude(status=Status.DRAFT)  # staff see what was submitted, not drafts
    return get_object_or_404(visible, pk=pk)


def current_application(user, campaign) -> Application | None:
    """The applicant's live (not withdrawn) application in a campaign."""
    return (
        Application.objects.filter(campaign=campaign, applicant=user)
        .exclude(status=Status.WITHDRAWN)
        .select_related("occupation", "level", "city")
        .first()
    )


def applications_of(user):
    return (
        Application.objects.filter(applicant=user)
        .select_related("campaign", "occupation", "level")
        .order_by("-created_at")
    )
