"""What may this user do with this application now: one answer for services, views and templates.

Computed from the lifecycle's state table (`EDITABLE`, `WITHDRAWABLE`, `TIER_STATE`, …) and its
actor predicates (`is_owner`, `is_reviewer`, …), the same ones the transitions guard with, so a
button is shown exactly when the transition behind it would accept the actor and the state.
Windows (registration, review, the exam date) and completeness are not part of the answer: the
transition checks them and says why in Chinese, which is more useful than a missing button.
"""

from dataclasses import dataclass

from accounts.permissions import AnyUser, has_capability
from applications import lifecycle
from applications.models import Application, DocumentSlot, Status


@dataclass(frozen=True)
class ApplicationActions:
    edit: bool = False  # change the form's fields (a draft, or a returned application)
    edit_only_returned: bool = False  # ... only the items the reviewer returned
    upload: bool = False  # change uploaded documents
    submit: bool = False  # draft → submitted
    resubmit: bool = False  # returned → back to the tier that returned it
    withdraw: bool = False  # the applicant withdraws before a decision
    withdraw_after_approval: bool = False  # staff record 考前退出
    disqualify: bool = False  # the association's 取消资格
    review_city: bool = False  # 初审: approve or return
    review_association: bool = False  # 复审: approve or return
    record_paper_form: bool = False  # the signed original 申报表 was handed in
    pay: bool = False  # the applicant pays the fee
    view_payment: bool = False  # the applicant's receipt and invoice
    print_form: bool = False  # the filled 申报表 and pledge as PDF (personal numbers inside)
    view_documents: bool = False  # the uploaded materials

    @property
    def review(self) -> bool:
        """Either tier's decision is open to this user."""
        return self.review_city or self.review_association


def allowed_actions(user: AnyUser, application: Application) -> ApplicationActions:
    """Every action of `ApplicationActions` that the lifecycle would accept from `user` now."""
    status = application.status
    owner = lifecycle.is_owner(user, application)
    responsible = lifecycle.is_responsible_staff(user, application)
    edit = owner and status in lifecycle.EDITABLE
    returned = status == Status.RETURNED
    return ApplicationActions(
        edit=edit,
        edit_only_returned=edit and returned,
        upload=edit and (not returned or bool(set(application.returned_items) & set(DocumentSlot.values))),
        submit=owner and status == Status.DRAFT,
        resubmit=owner and returned,
        withdraw=owner and status in lifecycle.WITHDRAWABLE,
        withdraw_after_approval=responsible and status in lifecycle.LEAVABLE,
        disqualify=lifecycle.may_disqualify(user) and status in lifecycle.DISQUALIFIABLE,
        review_city=_may_review(user, application, lifecycle.CITY_TIER),
        review_association=_may_review(user, application, lifecycle.ASSOCIATION_TIER),
        record_paper_form=responsible and status in lifecycle.PAPER_FORM_RECEIVABLE,
        pay=owner and status == Status.APPROVED,
        view_payment=owner and status == Status.PAID,
        print_form=(owner or has_capability(user, "documents.print")) and status != Status.DRAFT,
        view_documents=owner or has_capability(user, "documents.view"),
    )


def _may_review(user: AnyUser, application: Application, tier: str) -> bool:
    return lifecycle.is_reviewer(user, application, tier) and application.status == lifecycle.TIER_STATE[tier]
