"""公示: the city's regulator publishes the results for N working days (the association sets N),
anyone lodges an objection with a contact, the regulator answers it (the objector is told by SMS),
and closing — not before the period is over, never with an open objection — makes the results
final (the lifecycle's CONCLUDE: passed or failed). Opening moves the candidates scheduled →
examined and tells them; closing tells them the final result."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import require, same_city
from applications import lifecycle
from applications.models import Application, Status
from audit.services import record
from catalog.holidays import holiday_data
from catalog.models import Campaign, City
from exams.models import Ticket
from notifications.services import Notice, notify_many
from scoring import publicity_selectors, selectors, states
from scoring.models import Objection, Publicity
from skillcert.lib.identity import looks_like_mobile, normalise_mobile
from skillcert.lib.workdays import NO_DATA, CalendarNotCovered, HolidayData, add_working_days, is_working_day
from skillcert.public_cache import public_data_changed
from skillcert.refusals import TransitionRefused


def _require_regulator(actor: User, city_id: int) -> None:
    require(actor, "scoring.publicity")
    if not (actor.role == Role.REGULATOR and same_city(actor, city_id)):
        raise PermissionDenied("not this city's regulator")


def publicity_period(opens_on: date, working_days: int, data: HolidayData = NO_DATA) -> date:
    """The last day of a publicity of `working_days` working days opened on `opens_on` (counted
    from that day when it is a working day, else from the next one). Raises CalendarNotCovered."""
    first = opens_on if is_working_day(opens_on, data) else add_working_days(opens_on, 1, data)
    return add_working_days(first, working_days - 1, data)


def _tell(applications: list[Application], kind: str) -> None:
    notify_many(
        kind,
        [
            Notice(
                a.applicant,
                {
                    "application": a,
                    "passed": a.status == Status.PASSED,
                    "url": reverse("applications:detail", args=[a.pk]),
                },
                a,
            )
            for a in applications
        ],
    )


@transaction.atomic
def open_publicity(actor: User, campaign: Campaign, city: City, *, today: date | None = None) -> Publicity:
    """Publish the city's results: every sheet confirmed and every required part final."""
    _require_regulator(actor, city.pk)
    today = today or timezone.localdate()
    City.objects.select_for_update().get(pk=city.pk)  # one opening per city at a time
    existing = publicity_selectors.publicity_of(campaign, city)
    if existing is not None:
        return existing
    if today < campaign.exam_date:
        raise TransitionRefused(_("考试尚未举行，不能公示成绩。"))
    state = publicity_selectors.readiness(campaign, city)
    if not state.ready:
        raise TransitionRefused(
            _("还不能公示：%(sheets)d 张成绩登记表未确认，%(people)d 名考生的成绩不完整（含综合评审）。")
            % {"sheets": state.open_sheets, "people": state.incomplete}
            if state.candidates
            else _("本盟市没有需要公示成绩的考生。")
        )
    days = selectors.rules_of(campaign).publicity_working_days
    try:
        closes_on = publicity_period(today, days, holiday_data())  # the association's entered years too
    except CalendarNotCovered:
        raise TransitionRefused(_("%(year)d 年的节假日安排尚未录入，无法计算公示期。") % {"year": today.year}) from None
    publicity = Publicity.objects.create(
        campaign=campaign, city=city, opens_on=today, closes_on=closes_on, opened_by=actor, opened_at=timezone.now()
    )
    people = list(
        publicity_selectors.candidates_of(campaign, city).select_related("applicant", "campaign", "occupation", "level")
    )
    moved = lifecycle.examine_many(actor, [a.pk for a in people])
    record(
        "scoring.publicity.opened",
        actor=actor,
        obj=publicity,
        city=city,
        after={"opens_on": str(today), "closes_on": str(closes_on), "candidates": len(people), "moved": len(moved)},
    )
    _tell(people, "scoring.results_published")
    public_data_changed()
    return publicity


def _require_open(publicity: Publicity, today: date) -> None:
    if publicity.state != Publicity.State.OPEN:
        raise TransitionRefused(_("公示已结束，不再受理异议。"))
    if today > publicity.closes_on:
        raise TransitionRefused(_("公示期已满（截至 %(d)s），不再受理异议。") % {"d": publicity.closes_on})


@transaction.atomic
def lodge_objection(
    publicity: Publicity,
    *,
    subject: str,
    text: str,
    contact_name: str,
    contact_phone: str,
    today: date | None = None,
) -> Objection:
    """Anyone's objection, while the publicity is open. `subject` is a ticket number or a name."""
    publicity = Publicity.objects.select_for_update().get(pk=publicity.pk)
    _require_open(publicity, today or timezone.localdate())
    errors = []
    if not subject.strip():
        errors.append(_("请填写异议对象（准考证号或姓名）"))
    if len(text.strip()) < 10:
        errors.append(_("请写明异议的事实和理由（至少 10 个字）"))
    if not contact_name.strip():
        errors.append(_("请填写联系人姓名"))
    phone = normalise_mobile(contact_phone)
    if not looks_like_mobile(phone):
        errors.append(_("请填写有效的手机号码，以便告知调查结果"))
    if errors:
        raise TransitionRefused("；".join(errors) + "。")
    ticket = Ticket.objects.filter(
        number=subject.strip(), campaign_id=publicity.campaign_id, city_id=publicity.city_id, voided_at__isnull=True
    ).first()  # the subject is a ticket number, or a name the regulator reads
    objection = Objection.objects.create(
        publicity=publicity,
        application_id=ticket.application_id if ticket else None,
        subject=subject.strip()[:100],
        text=text.strip()[:2000],
        contact_name=contact_name.strip()[:50],
        contact_phone=phone,
        lodged_at=timezone.now(),
    )
    record(
        "scoring.objection.lodged",
        obj=objection,
        city=publicity.city,
        after={"reference": objection.reference, "subject": objection.subject},
    )
    return objection


@transaction.atomic
def answer_objection(actor: User, objection: Objection, outcome: str) -> Objection:
    """The regulator records the investigation's outcome; the objector is told by SMS after commit.
    Answering twice is refused (the outcome stands, as told)."""
    objection = Objection.objects.select_for_update().select_related("publicity__city").get(pk=objection.pk)
    _require_regulator(actor, objection.publicity.city_id)
    if objection.state == Objection.State.ANSWERED:
        raise TransitionRefused(_("该异议已答复，答复已告知异议人。"))
    if len(outcome.strip()) < 5:
        raise TransitionRefused(_("请写明调查结果（至少 5 个字）。"))
    states.answer_objection(objection, actor=actor, outcome=outcome)
    record(
        "scoring.objection.answered",
        actor=actor,
        obj=objection,
        city=objection.publicity.city,
        after={"reference": objection.reference},
    )
    from scoring.tasks import tell_objector

    pk = objection.pk
    transaction.on_commit(lambda: tell_objector.enqueue(pk))
    return objection


def close_refusal(publicity: Publicity, today: date | None = None) -> str:
    """Why the publicity cannot close yet ("" when it can): its period runs, or an objection is open."""
    today = today or timezone.localdate()
    if today <= publicity.closes_on:
        return _("公示期至 %(d)s 结束，届满后才能结束公示。") % {"d": publicity.closes_on}
    open_count = publicity.objections.filter(state=Objection.State.OPEN).count()
    if open_count:
        return _("还有 %(n)d 项异议未答复，不能结束公示。") % {"n": open_count}
    return ""


@transaction.atomic
def close_publicity(actor: User, publicity: Publicity, *, today: date | None = None) -> Publicity:
    """公示结束: the results become final (passed or failed); closing twice is quiet."""
    publicity = Publicity.objects.select_for_update().select_related("campaign", "city").get(pk=publicity.pk)
    _require_regulator(actor, publicity.city_id)
    if publicity.state == Publicity.State.CLOSED:
        return publicity
    refusal = close_refusal(publicity, today)
    if refusal:
        raise TransitionRefused(refusal)
    lines = [
        line
        for line in publicity_selectors.results_of(publicity.campaign, publicity.city)
        if line.application.status == Status.EXAMINED
    ]
    lifecycle.conclude_many(actor, {line.application.pk: line.result.passed for line in lines})
    states.close_publicity(publicity, actor=actor)
    passed = sum(1 for line in lines if line.result.passed)
    record(
        "scoring.publicity.closed",
        actor=actor,
        obj=publicity,
        city=publicity.city,
        after={"candidates": len(lines), "passed": passed},
    )
    # One read of them as they now are (passed or failed), with what the message names.
    people = list(
        Application.objects.filter(pk__in=[line.application.pk for line in lines]).select_related(
            "applicant", "campaign", "occupation", "level"
        )
    )
    _tell(people, "scoring.results_final")
    public_data_changed()
    return publicity
