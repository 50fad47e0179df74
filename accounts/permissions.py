"""What each role may do, and the city scope every query of staff data goes through."""

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import CITY_ROLES, STAFF_ROLES, Role, User
from skillcert.refusals import Refused

# Who a request carries: a signed-in account or the anonymous visitor.
AnyUser = User | AnonymousUser

# capability -> roles that have it. City staff hold it for their own city only:
# that is what `scope_by_city` and `same_city` enforce.
CAPABILITIES: dict[str, frozenset[str]] = {
    "staff.dashboard": frozenset(STAFF_ROLES),
    "audit.view": frozenset({Role.ASSOCIATION, Role.REGULATOR}),
    "people.view": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER, Role.REGULATOR}),
    # Set a one-time password for another staff account (they must change it at next login).
    "people.reset_password": frozenset({Role.ASSOCIATION}),
    "personal_data.unmask": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER, Role.REGULATOR}),
    "catalog.manage": frozenset({Role.ASSOCIATION}),
    "review.view": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER, Role.REGULATOR}),
    "review.decide": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER}),
    # Orders and their payment status: city staff see their city's (to chase unpaid applicants).
    "payments.view": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER, Role.REGULATOR}),
    # Money itself: offline payments, refunds, invoices, fees, reconciliation — the association.
    "payments.manage": frozenset({Role.ASSOCIATION}),
    "fees.manage": frozenset({Role.ASSOCIATION}),
    # Documents that carry personal data, each download audited (docs/architecture.md, "Access").
    # The uploaded materials (ID card scans, photo, diploma, certificates, …): the reviewers of 初审/复审.
    "documents.view": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER}),
    # The generated 申报表 and 诚信承诺书, which print the full ID and phone numbers: the archive.
    # The co-organizer receives the signed original from the applicant and reviews on screen.
    "documents.print": frozenset({Role.ASSOCIATION}),
    # The photo under the notice's export name 姓名-身份证号.jpg: whoever runs the export.
    # Others who may see the photo get it named with the masked number.
    "documents.export_name": frozenset({Role.ASSOCIATION}),
    # Personal API tokens for machines: each acts as its staff member, never more.
    "api_tokens.own": frozenset(STAFF_ROLES),
    # See and revoke every staff member's tokens (a leaked token, a person who left).
    "api_tokens.manage_all": frozenset({Role.ASSOCIATION}),
    # Exams: the co-organizer sets up sites, rooms, staff and seating and publishes the tickets;
    # the regulator supervises (reads its city's arrangement), the association follows every city.
    "exams.arrange": frozenset({Role.CO_ORGANIZER}),
    "exams.view": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER, Role.REGULATOR}),
    # Exam day: the invigilators check candidates in at their site, on their sessions' day.
    "exams.checkin": frozenset({Role.INVIGILATOR}),
    # The 考务手册 prints names and photos: its city's co-organizer and regulator, the association;
    # every download is audited (exams.handbook.downloaded).
    "exams.handbook": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER, Role.REGULATOR}),
    # Scores (六.二): the city's regulator marks, runs 综合评审 and publicity and archives the papers;
    # the co-organizer reads its city's results (it tells the holders), the association every city's.
    "scoring.view": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER, Role.REGULATOR}),
    "scoring.enter": frozenset({Role.REGULATOR}),
    # A final score changes only with the association's approval.
    "scoring.approve_amendment": frozenset({Role.ASSOCIATION}),
    # Precision, panel size, criteria and weights, spread threshold, publicity days.
    "scoring.rules": frozenset({Role.ASSOCIATION}),
    "scoring.experts": frozenset({Role.REGULATOR}),
    # An expert reviews the candidates assigned to them, nothing else.
    "scoring.review": frozenset({Role.EXPERT}),
    "scoring.publicity": frozenset({Role.REGULATOR}),
    # 汇总表, 人员名册 and the materials zip (names, masked or full ID numbers): each download audited.
    "scoring.reports": frozenset({Role.ASSOCIATION, Role.REGULATOR}),
    "scoring.archive": frozenset({Role.REGULATOR}),
    # Certificates (七): the association issues, prints, revokes and re-issues them and exports
    # the national data; the co-organizer tells the holders and records the hand-out; the
    # regulator reads its city's register.
    "certificates.view": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER, Role.REGULATOR}),
    "certificates.issue": frozenset({Role.ASSOCIATION}),
    "certificates.handout": frozenset({Role.ASSOCIATION, Role.CO_ORGANIZER}),
    # Batch prints and the national export carry full ID numbers: each one audited.
    "certificates.print": frozenset({Role.ASSOCIATION}),
}

# What a refused user is told (a 403 page in Chinese); capabilities without a line get the generic page.
REFUSALS: dict[str, Promise] = {
    "documents.view": _("您的角色不能查看申报人上传的材料（身份证、照片、学历证书等）。如确需查阅，请联系就促会。"),
    "documents.print": _("申报表和诚信承诺书印有完整的身份证号和手机号，只有就促会可以下载打印。申报人可自行下载。"),
    "api_tokens.own": _("只有工作人员可以创建 API 令牌。"),
    "exams.arrange": _("考点、考场和座位由所在盟市的协办单位编排；您可以查看编排情况。"),
    "scoring.enter": _("成绩由所在盟市人社监管部门录入；您可以查看成绩。"),
    "scoring.approve_amendment": _("已确认的成绩只能由就促会批准更正。"),
    "scoring.review": _("只有评审专家可以填写综合评审评分表。"),
    "certificates.issue": _("证书由就促会统一制发、撤销和补发；您可以查看本盟市的证书。"),
    "certificates.handout": _("证书由所在盟市的协办单位登记发放。"),
    "certificates.print": _("批量打印的证书和全国联网数据印有完整的身份证号，只有就促会可以下载。"),
}


def _signed_in(user: AnyUser) -> TypeGuard[User]:
    return user.is_authenticated and user.is_active


def has_capability(user: AnyUser, capability: str) -> bool:
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    return user.role in CAPABILITIES[capability]


def require(user: AnyUser, capability: str) -> None:
    if not has_capability(user, capability):
        if capability in REFUSALS:
            raise Refused(capability, str(REFUSALS[capability]))
        raise PermissionDenied(capability)


def scope_by_city[M: Model](
    queryset: QuerySet[M], user: AnyUser, *, city_field: str = "city", owner_field: str | None = None
) -> QuerySet[M]:
    """The rows of `queryset` that `user` may read.

    The association reads every city; co-organizers, regulators and experts read
    their own city only; an applicant reads rows they own (`owner_field`), and
    nothing when the model has no owner. Anyone else reads nothing — invigilators too:
    their scope is their site and day, which only the exams selectors grant.
    """
    if not _signed_in(user):
        return queryset.none()
    if user.is_association:
        return queryset
    if user.role in CITY_ROLES and user.role != Role.INVIGILATOR:
        return queryset.filter(**{city_field: user.city_id})
    if user.role == Role.APPLICANT and owner_field:
        return queryset.filter(**{owner_field: user})
    return queryset.none()


def same_city(user: AnyUser, city_id: int | None) -> bool:
    """Whether `user` may act on something that belongs to `city_id`."""
    if not _signed_in(user):
        return False
    if user.is_association:
        return True
    desk = user.role in CITY_ROLES and user.role != Role.INVIGILATOR  # invigilators: their site only
    return desk and city_id is not None and city_id == user.city_id
