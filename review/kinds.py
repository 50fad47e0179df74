"""The audit action kinds of reviewing (the decisions are written by applications.lifecycle)."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS = [
    ActionKind("review.city.approved", _("初审通过"), shown_to_applicant=True),
    ActionKind("review.city.returned", _("初审退回修改"), shown_to_applicant=True),
    ActionKind("review.association.approved", _("复审通过"), shown_to_applicant=True),
    ActionKind("review.association.returned", _("复审退回修改"), shown_to_applicant=True),
    ActionKind("review.paper_form_received", _("协办单位收到纸质申报表"), shown_to_applicant=True),
    ActionKind("catalog.campaign.review_extended", _("延长审核期")),
]
declare(*KINDS)
