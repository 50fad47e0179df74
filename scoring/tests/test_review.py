"""综合评审 use cases: the pool, relations, criteria, panels, assignment, sheets, the chair's close."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.demo import demo_id_number
from accounts.models import Role, User
from applications.models import Application, Status
from audit.models import AuditEvent
from catalog.models import City, Occupation
from conftest import PASSWORD
from scoring.models import Criterion, DeclaredRelation, Expert, Panel, Part, Review, Score, ScoringRules
from scoring.services import reviewing
from scoring.tests.fixtures import make_technicians
from skillcert.refusals import TransitionRefused

ID_OF_RELATIVE = demo_id_number("15010219850315077")  # a valid number nobody in the fixtures holds


@dataclass
class World:
    campaign: object
    city: City
    reg: User
    experts: list[Expert]
    users: list[User]
    technicians: list[Application]
    panel: Panel
    criteria: list[Criterion]


def expert_user(name: str, city_code: str = "hohhot") -> User:
    return User.objects.create_user(
        name, PASSWORD, role=Role.EXPERT, city=City.objects.get(code=city_code), full_name=name
    )


@pytest.fixture
def world(people, sat) -> World:
    """呼和浩特 after exam day: six of its scheduled candidates are 技师, four experts of every
    occupation (the first is hohhot-expert, the chair), the association's two criteria, one panel."""
    technicians = sat.seated(sat.rooms[1], sat.theory)[:6]
    make_technicians(technicians)
    Application.objects.filter(pk__in=[t.pk for t in technicians]).update(employer="呼和浩特市某事业单位")
    occupations = list(Occupation.objects.filter(pk__in=[t.occupation_id for t in technicians]))
    reg = people["hohhot_reg"]
    users = [people["hohhot_expert"], expert_user("expert-b"), expert_user("expert-c"), expert_user("expert-d")]
    experts = []
    for index, user in enumerate(users):
        member = Expert(city=sat.city, name=f"专家{'甲乙丙丁'[index]}", work_unit=f"呼和浩特市第{index + 1}中学")
        experts.append(reviewing.save_expert(reg, member, specialties=occupations, account=user))
    criteria = reviewing.save_criteria(people["association"], sat.campaign, [("专业技术总结", 40), ("论文与业绩", 60)])
    panel = Panel(campaign=sat.campaign, city=sat.city, name="第一评审组", chair=experts[0])
    panel.deadline = timezone.localdate() + timedelta(days=5)
    panel = reviewing.save_panel(reg, panel, members=experts, occupations=occupations)
    return World(sat.campaign, sat.city, reg, experts, users, technicians, panel, criteria)


def sheet(world: World, first: int, second: int) -> dict[int, object]:
    return {world.criteria[0].pk: str(first), world.criteria[1].pk: str(second)}


def submit_all(world: World, points_by_expert: dict[int, tuple[int, int]]) -> None:
    for review in Review.objects.filter(panel=world.panel).select_related("expert"):
        index = world.experts.index(review.expert)
        reviewing.submit_review(world.users[index], review, points=sheet(world, *points_by_expert[index]))


# --- pool and relations ---------------------------------------------------------------------------


def test_the_regulator_adds_an_expert_linked_to_an_expert_login(world):
    expert = world.experts[1]
    assert expert.user == world.users[1] and expert.specialties.count() >= 1
    event = AuditEvent.objects.filter(action="scoring.expert.saved", object_id=str(expert.pk)).get()
    assert event.city == world.city and event.after["name"] == "专家乙"


def test_a_login_of_another_role_or_city_cannot_be_linked(world, people):
    for account in (people["hohhot_co"], expert_user("expert-bt", "baotou")):
        with pytest.raises(TransitionRefused, match="本盟市的评审专家账号"):
            reviewing.save_expert(
                world.reg, Expert(city=world.city, name="某", work_unit="某"), specialties=[], account=account
            )


@pytest.mark.parametrize("who", ["baotou_reg", "hohhot_co", "association", "hohhot_expert"])
def test_only_the_citys_regulator_keeps_the_pool(world, people, who):
    with pytest.raises(PermissionDenied):
        reviewing.save_expert(people[who], Expert(city=world.city, name="某", work_unit="某"), specialties=[])


def test_a_relation_is_stored_encrypted_and_audited_masked_and_declaring_twice_is_quiet(world):
    first = reviewing.declare_relation(
        world.reg, world.experts[1], full_name="张三", id_number=ID_OF_RELATIVE, relation="亲属"
    )
    again = reviewing.declare_relation(
        world.reg, world.experts[1], full_name="张三", id_number=ID_OF_RELATIVE.lower(), relation="亲属"
    )
    assert first.pk == again.pk and DeclaredRelation.objects.count() == 1
    (event,) = AuditEvent.objects.filter(action="scoring.expert.relation_declared")
    assert ID_OF_RELATIVE not in str(event.after) and event.after["id_number"].startswith("1501")


def test_a_wrong_id_number_is_refused_in_chinese(world):
    with pytest.raises(TransitionRefused, match="身份证号码"):
        reviewing.declare_relation(world.reg, world.experts[1], full_name="张三", id_number="123", relation="亲属")


# --- criteria and panels --------------------------------------------------------------------------


def test_criteria_must_sum_to_one_hundred(world, people):
    with pytest.raises(TransitionRefused, match="100"):
        reviewing.save_criteria(people["association"], world.campaign, [("总结", 40), ("论文", 50)])
    assert Criterion.objects.filter(campaign=world.campaign).count() == 2


def test_only_the_association_sets_the_criteria(world, people):
    with pytest.raises(PermissionDenied):
        reviewing.save_criteria(world.reg, world.campaign, [("总结", 100)])


def test_a_panel_needs_the_panel_size_and_its_chair_among_the_members(world):
    ScoringRules.objects.create(campaign=world.campaign, panel_size=4)
    small = Panel(
        campaign=world.campaign, city=world.city, name="小组", chair=world.experts[0], deadline=world.panel.deadline
    )
    with pytest.raises(TransitionRefused, match="至少需要 4 位"):
        reviewing.save_panel(world.reg, small, members=world.experts[:3], occupations=[world.technicians[0].occupation])
    ScoringRules.objects.filter(campaign=world.campaign).update(panel_size=3)
    outside = Panel(
        campaign=world.campaign, city=world.city, name="另组", chair=world.experts[3], deadline=world.panel.deadline
    )
    with pytest.raises(TransitionRefused, match="组长"):
        reviewing.save_panel(world.reg, outside, members=world.experts[1:3] + world.experts[:1], occupations=[])


def test_another_citys_regulator_cannot_touch_the_panel(world, people):
    with pytest.raises(PermissionDenied):
        reviewing.assign_panel(people["baotou_reg"], world.panel)
    with pytest.raises(PermissionDenied):
        reviewing.save_panel(people["baotou_reg"], world.panel, members=world.experts, occupations=[])


# --- assignment -----------------------------------------------------------------------------------


def test_assignment_gives_each_technician_three_experts_and_leaves_other_levels(world):
    plan = reviewing.assign_panel(world.reg, world.panel)
    assert set(plan.assignments) == {t.pk for t in world.technicians}
    assert Review.objects.filter(panel=world.panel).count() == 18
    per_candidate = Review.objects.filter(panel=world.panel).values_list("application", flat=True)
    assert all(list(per_candidate).count(t.pk) == 3 for t in world.technicians)
    event = AuditEvent.objects.get(action="scoring.panel.assigned")
    assert event.after["reviews"] == 18


def test_assignment_honours_work_units_and_declared_relations(world):
    target, relative = world.technicians[0], world.technicians[1]
    Application.objects.filter(pk=target.pk).update(employer="呼和浩特市 第1中学")  # 专家甲's unit
    reviewing.declare_relation(
        world.reg, world.experts[1], full_name=relative.full_name, id_number=relative.id_number, relation="师徒"
    )
    reviewing.assign_panel(world.reg, world.panel)
    assert not Review.objects.filter(application=target, expert=world.experts[0]).exists()
    assert not Review.objects.filter(application=relative, expert=world.experts[1]).exists()
    assert Review.objects.filter(application=target).count() == 3


def test_candidates_without_enough_experts_are_reported(world):
    target = world.technicians[0]
    for expert in world.experts[:2]:
        reviewing.declare_relation(world.reg, expert, full_name="某", id_number=target.id_number, relation="亲属")
    plan = reviewing.assign_panel(world.reg, world.panel)
    (missing,) = plan.unassignable
    assert missing.candidate == target.pk and "只有 2 位" in missing.reason
    assert not Review.objects.filter(application=target).exists()


def test_rerunning_the_assignment_unchanged_writes_nothing(world):
    reviewing.assign_panel(world.reg, world.panel)
    first = set(Review.objects.values_list("pk", flat=True))
    reviewing.assign_panel(world.reg, world.panel)
    assert set(Review.objects.values_list("pk", flat=True)) == first
    assert AuditEvent.objects.filter(action="scoring.panel.assigned").count() == 1


def test_no_reassignment_after_a_sheet_was_submitted(world):
    reviewing.assign_panel(world.reg, world.panel)
    review = Review.objects.filter(expert=world.experts[0]).first()
    reviewing.submit_review(world.users[0], review, points=sheet(world, 30, 40))
    with pytest.raises(TransitionRefused, match="不能重新分配"):
        reviewing.assign_panel(world.reg, world.panel)


# --- sheets ----------------------------------------------------------------------------------------


def test_an_expert_submits_their_sheet_and_the_total_is_computed(world):
    reviewing.assign_panel(world.reg, world.panel)
    review = Review.objects.filter(expert=world.experts[0]).first()
    reviewing.submit_review(world.users[0], review, points=sheet(world, 35, 50), comment="材料完整")
    review.refresh_from_db()
    assert review.total == Decimal(85) and review.submitted_at is not None
    assert review.points == {str(world.criteria[0].pk): "35", str(world.criteria[1].pk): "50"}
    assert AuditEvent.objects.filter(action="scoring.review.submitted", city=world.city).count() == 1


def test_a_submitted_sheet_cannot_be_submitted_again(world):
    reviewing.assign_panel(world.reg, world.panel)
    review = Review.objects.filter(expert=world.experts[0]).first()
    reviewing.submit_review(world.users[0], review, points=sheet(world, 35, 50))
    with pytest.raises(TransitionRefused, match="不能再修改"):
        reviewing.submit_review(world.users[0], review, points=sheet(world, 40, 60))
    review.refresh_from_db()
    assert review.total == Decimal(85)


def test_an_expert_cannot_submit_anothers_sheet_nor_a_coorganizer_any(world, people):
    reviewing.assign_panel(world.reg, world.panel)
    review = Review.objects.filter(expert=world.experts[1]).first()
    with pytest.raises(PermissionDenied):
        reviewing.submit_review(world.users[0], review, points=sheet(world, 1, 1))
    with pytest.raises(PermissionDenied):
        reviewing.submit_review(people["hohhot_co"], review, points=sheet(world, 1, 1))


def test_points_over_a_weight_are_refused_per_criterion(world):
    reviewing.assign_panel(world.reg, world.panel)
    review = Review.objects.filter(expert=world.experts[0]).first()
    with pytest.raises(reviewing.SheetRefused) as refused:
        reviewing.submit_review(world.users[0], review, points=sheet(world, 45, 50))
    assert "0 到 40" in refused.value.errors[world.criteria[0].pk]
    review.refresh_from_db()
    assert review.submitted_at is None


def test_no_sheet_after_the_deadline(world):
    reviewing.assign_panel(world.reg, world.panel)
    Panel.objects.filter(pk=world.panel.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    review = Review.objects.filter(expert=world.experts[0]).first()
    with pytest.raises(TransitionRefused, match="截止"):
        reviewing.submit_review(world.users[0], review, points=sheet(world, 30, 30))


def test_criteria_are_fixed_once_a_sheet_was_submitted(world, people):
    reviewing.assign_panel(world.reg, world.panel)
    review = Review.objects.filter(expert=world.experts[0]).first()
    reviewing.submit_review(world.users[0], review, points=sheet(world, 30, 40))
    with pytest.raises(TransitionRefused, match="不能再修改"):
        reviewing.save_criteria(people["association"], world.campaign, [("总结", 100)])


# --- closing ---------------------------------------------------------------------------------------


def test_the_chair_closes_and_each_candidate_gets_the_mean_of_their_experts(world):
    reviewing.assign_panel(world.reg, world.panel)
    submit_all(world, {0: (30, 40), 1: (35, 45), 2: (32, 44), 3: (33, 41)})
    written = reviewing.close_panel(world.users[0], world.panel)
    assert written == 6
    scores = Score.objects.filter(part=Part.REVIEW)
    assert scores.count() == 6 and all(s.finalized_by == world.users[0] for s in scores)
    for score in scores:
        totals = list(Review.objects.filter(application=score.application).values_list("total", flat=True))
        mean = (sum(totals) / len(totals)).quantize(Decimal(1), rounding="ROUND_HALF_UP")
        assert score.value == mean and 60 <= score.value <= 100
    world.panel.refresh_from_db()
    assert world.panel.state == Panel.State.CLOSED and world.panel.closed_by == world.users[0]


def test_closing_twice_is_quiet(world):
    reviewing.assign_panel(world.reg, world.panel)
    submit_all(world, {0: (30, 40), 1: (35, 45), 2: (32, 44), 3: (33, 41)})
    reviewing.close_panel(world.users[0], world.panel)
    assert reviewing.close_panel(world.users[0], world.panel) == 0
    assert Score.objects.count() == 6 and AuditEvent.objects.filter(action="scoring.panel.closed").count() == 1


def test_only_the_chair_closes(world):
    reviewing.assign_panel(world.reg, world.panel)
    submit_all(world, {0: (30, 40), 1: (35, 45), 2: (32, 44), 3: (33, 41)})
    with pytest.raises(PermissionDenied):
        reviewing.close_panel(world.users[1], world.panel)
    with pytest.raises(PermissionDenied):
        reviewing.close_panel(world.reg, world.panel)
    assert not Score.objects.exists()


def test_no_close_while_a_sheet_is_missing(world):
    reviewing.assign_panel(world.reg, world.panel)
    review = Review.objects.filter(expert=world.experts[0]).first()
    reviewing.submit_review(world.users[0], review, points=sheet(world, 30, 40))
    with pytest.raises(TransitionRefused, match="未提交"):
        reviewing.close_panel(world.users[0], world.panel)


def test_spreads_over_the_threshold_must_be_acknowledged(world):
    reviewing.assign_panel(world.reg, world.panel)
    submit_all(world, {0: (10, 20), 1: (35, 55), 2: (32, 44), 3: (33, 41)})  # 30 against 90: over 20
    flagged = reviewing.flagged_candidates(world.panel, Decimal(20))
    assert flagged
    with pytest.raises(TransitionRefused, match="差异超过 20"):
        reviewing.close_panel(world.users[0], world.panel)
    assert reviewing.close_panel(world.users[0], world.panel, acknowledged=flagged) == 6


def test_a_withdrawn_candidate_gets_no_score(world):
    reviewing.assign_panel(world.reg, world.panel)
    submit_all(world, {0: (30, 40), 1: (35, 45), 2: (32, 44), 3: (33, 41)})
    Application.objects.filter(pk=world.technicians[0].pk).update(status=Status.WITHDRAWN)
    assert reviewing.close_panel(world.users[0], world.panel) == 5
    assert not Score.objects.filter(application=world.technicians[0]).exists()
