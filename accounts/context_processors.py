from accounts.permissions import has_capability


def roles(request):
    """Which navigation a user gets; rules stay in accounts.permissions."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can": {}}
    return {
        "can": {
            "staff": has_capability(user, "staff.dashboard"),
            "audit": has_capability(user, "audit.view"),
            "people": has_capability(user, "people.view"),
            "admin": user.is_staff,
            "catalog": has_capability(user, "catalog.manage"),
            "review": has_capability(user, "review.view"),
            "payments": has_capability(user, "payments.view"),
            "payments_manage": has_capability(user, "payments.manage"),
            "exams": has_capability(user, "exams.view"),
            "exams_arrange": has_capability(user, "exams.arrange"),
            "scoring": has_capability(user, "scoring.view"),
            "scoring_review": has_capability(user, "scoring.review"),
            "scoring_experts": has_capability(user, "scoring.experts"),
            "scoring_rules": has_capability(user, "scoring.rules"),
            "scoring_reports": has_capability(user, "scoring.reports"),
            "scoring_archive": has_capability(user, "scoring.reports"),
            "certificates": has_capability(user, "certificates.view"),
            "certificates_issue": has_capability(user, "certificates.issue"),
            "certificates_handout": has_capability(user, "certificates.handout"),
            "certificates_print": has_capability(user, "certificates.print"),
        }
    }
