"""综合评审 pages: what the expert sees and never sees, the materials, the chair's page, the desk."""

import re
from decimal import Decimal

from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import ApplicationDocument, DocumentSlot
from audit.models import AuditEvent
from conftest import client_for
from scoring.models import Part, Review, Score
from scoring.rules import shown_points
from scoring.services import reviewing
from scoring.tests import test_review
from scoring.tests.test_review import sheet, submit_all
from skillcert.lib.masking import mask_id_number

world = test_review.world  # the fixture: 呼和浩特's technicians, experts, criteria and panel


def _summary(application) -> None:
    ApplicationDocument.objects.create(
        application=application,
        slot=DocumentSlot.TECHNICAL_SUMMARY,
        file=ContentFile(b"%PDF-1.4 summary", name="summary.pdf"),
        content_type="application/pdf",
        size=16,
        sha256="1" * 64,
    )


def _mine_and_not_mine(world):
    reviewing.assign_panel(world.reg, world.panel)
    mine = Review.objects.filter(expert=world.experts[0]).select_related("application").first()
    others = Review.objects.exclude(
        application__in=Review.objects.filter(expert=world.experts[0]).values("application")
    )
    return mine, others.select_related("application").first()


def test_the_expert_lists_assigned_candidates_by_name_never_id_or_phone(world):
    mine, _ = _mine_and_not_mine(world)
    page = client_for(world.users[0]).get(reverse("scoring:my_reviews")).content.decode()
    assert mine.application.full_name in page
    application = mine.application
    for secret in (application.id_number, mask_id_number(application.id_number), application.phone):
        assert secret not in page
    candidate = client_for(world.users[0]).get(reverse("scoring:review_candidate", args=[application.pk]))
    assert candidate.status_code == 200
    assert (
        application.id_number not in candidate.content.decode() and application.phone not in candidate.content.decode()
    )


def test_the_expert_opens_an_assigned_candidates_summary_audited(world):
    mine, _ = _mine_and_not_mine(world)
    _summary(mine.application)
    url = reverse("scoring:review_material", args=[mine.application_id, DocumentSlot.TECHNICAL_SUMMARY])
    response = client_for(world.users[0]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="scoring.review.materials_opened")
    assert event.object_id == str(mine.application_id) and event.actor == world.users[0]


def test_the_expert_cannot_open_an_unassigned_candidates_materials(world):
    _, other = _mine_and_not_mine(world)
    assert other is not None
    _summary(other.application)
    client = client_for(world.users[0])
    url = reverse("scoring:review_material", args=[other.application_id, DocumentSlot.TECHNICAL_SUMMARY])
    assert client.get(url).status_code == 404
    assert client.get(reverse("scoring:review_candidate", args=[other.application_id])).status_code == 404
    assert not AuditEvent.objects.filter(action="scoring.review.materials_opened").exists()


def test_other_slots_are_not_served_to_experts(world):
    mine, _ = _mine_and_not_mine(world)
    url = reverse("scoring:review_material", args=[mine.application_id, DocumentSlot.ID_FRONT])
    assert client_for(world.users[0]).get(url).status_code == 404


def without_tokens(page: str) -> str:
    """The page without its random CSRF tokens and nonces (which may contain any digits)."""
    return re.sub(r"[A-Za-z0-9+/=_-]{20,}", "", page)


def test_others_points_are_hidden_until_the_expert_submitted(world):
    mine, _ = _mine_and_not_mine(world)
    colleague = Review.objects.filter(application=mine.application).exclude(pk=mine.pk).select_related("expert").first()
    index = world.experts.index(colleague.expert)
    reviewing.submit_review(world.users[index], colleague, points=sheet(world, 11, 22))  # total 33
    client = client_for(world.users[0])
    url = reverse("scoring:review_candidate", args=[mine.application_id])
    before = without_tokens(client.get(url).content.decode())
    assert "33" not in before and colleague.expert.name not in before
    posted = client.post(url, {f"c{world.criteria[0].pk}": "39", f"c{world.criteria[1].pk}": "58"})
    assert posted.status_code == 302
    after = without_tokens(client.get(url).content.decode())
    assert "33" in after and colleague.expert.name in after and "97" in after
    assert "spread-flag" in after  # 97 against 33: over the threshold of 20


def test_a_wrong_sheet_is_shown_with_the_error_beside_the_criterion_and_nothing_saved(world):
    mine, _ = _mine_and_not_mine(world)
    url = reverse("scoring:review_candidate", args=[mine.application_id])
    response = client_for(world.users[0]).post(url, {f"c{world.criteria[0].pk}": "41", f"c{world.criteria[1].pk}": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "0 到 40" in page and "请填写" in page
    mine.refresh_from_db()
    assert mine.submitted_at is None


def test_the_chair_sees_the_aggregate_and_closes_the_panel(world):
    reviewing.assign_panel(world.reg, world.panel)
    submit_all(world, {0: (30, 40), 1: (35, 45), 2: (32, 44), 3: (33, 41)})
    client = client_for(world.users[0])
    page = client.get(reverse("scoring:panel_chair", args=[world.panel.pk])).content.decode()
    first = world.technicians[0]
    totals = sorted(Review.objects.filter(application=first).values_list("total", flat=True))
    expected = (sum(totals) / 3).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    shown = " / ".join(shown_points(t) for t in totals)
    assert f"<td>{shown}</td>" in page and f'<td class="aggregate">{expected}</td>' in page
    assert client.post(reverse("scoring:panel_close", args=[world.panel.pk])).status_code == 302
    assert Score.objects.filter(part=Part.REVIEW).count() == 6
    assert Score.objects.get(application=first, part=Part.REVIEW).value == expected


def test_a_member_who_is_not_the_chair_cannot_open_the_chairs_page(world):
    reviewing.assign_panel(world.reg, world.panel)
    assert client_for(world.users[1]).get(reverse("scoring:panel_chair", args=[world.panel.pk])).status_code == 404


def test_the_regulator_sees_who_reviews_whom_and_who_could_not_be_assigned(world):
    target = world.technicians[0]
    for expert in world.experts[:2]:
        reviewing.declare_relation(world.reg, expert, full_name="某", id_number=target.id_number, relation="亲属")
    client = client_for(world.reg)
    client.post(reverse("scoring:panel_assign", args=[world.panel.pk]))
    page = client.get(reverse("scoring:panel_assignment", args=[world.panel.pk])).content.decode()
    assert world.technicians[1].full_name in page and world.experts[2].name in page
    assert "只有 2 位" in page and target.full_name in page
    panels = client.get(reverse("scoring:panels") + f"?campaign={world.campaign.slug}").content.decode()
    assert world.panel.name in panels and "0 / 15" in panels


def test_the_regulator_adds_an_expert_through_the_form(world):
    client = client_for(world.reg)
    occupation = world.technicians[0].occupation
    response = client.post(
        reverse("scoring:experts"),
        {"name": "新专家", "work_unit": "某单位", "active": "on", "specialties": [occupation.pk]},
    )
    assert response.status_code == 302
    assert "新专家" in client.get(reverse("scoring:experts")).content.decode()


def test_the_association_sets_the_criteria_and_a_wrong_sum_is_shown_in_place(world, people):
    client = client_for(people["association"])
    url = reverse("scoring:review_criteria") + f"?campaign={world.campaign.slug}"
    wrong = client.post(url, {"form": "criteria", "campaign": world.campaign.slug, "lines": "总结 40\n论文 50"})
    assert wrong.status_code == 200 and "现为 90 分" in wrong.content.decode()
    right = client.post(url, {"form": "criteria", "campaign": world.campaign.slug, "lines": "总结 40\n论文，60"})
    assert right.status_code == 302
    assert "论文（60分）" in client.get(url).content.decode()


def test_totals_read_as_people_write_them_never_with_the_stored_two_places(world):
    """Totals are stored with two decimal places; the pages show 70 (and 70.5), as the grid does."""
    reviewing.assign_panel(world.reg, world.panel)
    submit_all(world, {0: (30, 40), 1: (35, 45), 2: (32, 44), 3: (33, 41)})
    mine = Review.objects.filter(expert=world.experts[0]).first()
    client = client_for(world.users[0])
    candidate = client.get(reverse("scoring:review_candidate", args=[mine.application_id])).content.decode()
    assert '<td class="review-total">70</td>' in candidate and "70.00" not in candidate
    assert "80.00" not in candidate and "<td>80</td>" in candidate  # 专家乙's 35 + 45, among the others
    mine_page = client.get(reverse("scoring:my_reviews")).content.decode()
    assert "70.00" not in mine_page and "<td>70</td>" in mine_page
    chair = client.get(reverse("scoring:panel_chair", args=[world.panel.pk])).content.decode()
    assert ".00" not in chair


def test_points_drop_only_trailing_zeros():
    assert [shown_points(v) for v in (Decimal("85.00"), Decimal("80.50"), Decimal("7.25"), 100, "0.00")] == [
        "85",
        "80.5",
        "7.25",
        "100",
        "0",
    ]


def test_an_expert_finds_my_reviews_in_the_header_and_other_roles_do_not(world, people):
    link = f'href="{reverse("scoring:my_reviews")}"'
    assert link in client_for(world.users[0]).get(reverse("staff_home")).content.decode()
    for who in ("hohhot_reg", "hohhot_co", "association"):
        assert link not in client_for(people[who]).get(reverse("staff_home")).content.decode()
