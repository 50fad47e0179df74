"""The certificates stage of the demo (`make run`): a rehearsal campaign whose exam was a month ago,
its results concluded, certificates issued to 呼和浩特's passed candidates (王小明 among them), one
collected by the holder and one revoked, so every page of the stage has something to show.

Everything goes through the real use cases, as the results demo does."""

from datetime import date, timedelta

from django.db import transaction

from accounts.models import User
from applications.models import Application, Status
from catalog.fees import ensure_demo_fees
from catalog.models import City
from catalog.services import ensure_demo_campaign, move_campaign_windows
from certificates.models import Certificate
from certificates.services import handout, issuing, revocation
from scoring.demo import _entered, _exam_day, _panel, _seated
from scoring.services import publicity
from skillcert.lib.workdays import CalendarNotCovered
from skillcert.refusals import TransitionRefused

SLUG = "demo-certified"
REVOKED_BECAUSE = "经核查，申报材料中的学历证书系伪造（通知九.二），取消证书。"


def ensure_certificates_demo(
    today: date, *, applicant: User, co: User, association: User, regulators: list[User], experts: list[User]
) -> list[str]:
    """Idempotent; says what it did."""
    exam_day = today - timedelta(days=30)
    campaign, created = ensure_demo_campaign(today, slug=SLUG, label="演示批次·发证阶段", year=exam_day.year)
    ensure_demo_fees(campaign)
    if not created:
        return [f"发证阶段演示批次已存在：{campaign.title}"]
    hohhot = City.objects.get(code="hohhot")
    try:
        mine = _seated(
            today, campaign, hohhot, applicant=applicant, co=co, association=association, receipt_prefix="DEMO-CERT"
        )
        campaign.refresh_from_db()
        campaign = move_campaign_windows(campaign, days=(exam_day - campaign.exam_date).days)
        with transaction.atomic():
            _exam_day(campaign, hohhot, present=frozenset({mine.pk}))
            _entered(campaign, hohhot, *regulators[:2], passing=frozenset({mine.pk}))
            _panel(campaign, hohhot, regulators[0], association, experts)
            opened = publicity.open_publicity(regulators[0], campaign, hohhot, today=exam_day + timedelta(days=1))
            publicity.close_publicity(regulators[0], opened, today=opened.closes_on + timedelta(days=1))
            _make_mine_pass(mine)
            batch = issuing.issue(association, campaign, hohhot, issued_on=today - timedelta(days=2))
            others = Certificate.objects.filter(batch=batch).exclude(application=mine).order_by("number")
            collected, revoked = others[0], others[1]
            handout.hand_out(co, collected, way="holder", id_checked=True, collected_on=today)
            revocation.revoke(association, revoked, reason=REVOKED_BECAUSE)
    except (TransitionRefused, CalendarNotCovered) as refusal:
        return [f"发证阶段演示未创建：{refusal}"]
    own = Certificate.objects.get(application=mine, state=Certificate.State.VALID)
    revoked.refresh_from_db()
    return [
        f"{campaign.title}：考试 {campaign.exam_date}，公示 {opened.opens_on} 至 {opened.closes_on} 已结束，"
        f"呼和浩特市已制发 {batch.count} 本证书",
        f"{applicant.full_name}：证书 {own.number}（可下载电子证书和可验证凭证；证书查询 /verify/）",
        f"已撤销：{revoked.number} {revoked.name}；已领取：{collected.number} {collected.name}",
    ]


def _make_mine_pass(mine: Application) -> None:
    """The demo applicant passed (the generated scores may fail a part): checked, not forced."""
    mine.refresh_from_db()
    if mine.status != Status.PASSED:
        raise TransitionRefused(f"演示申报人未合格（{mine.get_status_display()}），请调整演示成绩")
