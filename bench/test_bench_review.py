"""综合评审 assignment at scale (`make bench`): BENCH_REVIEWED (default 5,000) 技师 candidates of one
city assigned to a panel of 40 experts through `scoring.services.reviewing.assign_panel` (the
candidates, members, specialties and declared relations read, the pure plan, the Review rows
written, audited), with conflicts: five experts share the candidates' work unit and the experts
declared 200 relations with candidates.

Target: ≤ 2 s. The anchor, measured in the same run, is a bare `Review.objects.bulk_create` of the
same rows (ratio = assignment / anchor)."""

import os
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, User
from applications.generator import generate
from applications.models import Application, Status
from bench.results import Clock, save
from catalog.models import City, Level, Occupation
from catalog.services import ensure_demo_campaign
from scoring.models import DeclaredRelation, Expert, Panel, Review
from scoring.services import reviewing

COUNT = int(os.environ.get("BENCH_REVIEWED", "5000"))
EXPERTS = 40


@pytest.mark.django_db
def test_assigning_a_citys_technicians(catalog_2023):
    campaign = ensure_demo_campaign(timezone.localdate())[0]
    generate(campaign, COUNT)
    hohhot = City.objects.get(code="hohhot")
    Application.objects.filter(campaign=campaign).update(  # bench setup only
        city=hohhot, level=Level.objects.get(number=2), status=Status.SCHEDULED, employer="呼和浩特市某事业单位"
    )
    rng = random.Random(2023)
    occupations = list(Occupation.objects.filter(pk__in=Application.objects.values("occupation")).distinct())
    experts = Expert.objects.bulk_create(
        Expert(city=hohhot, name=f"专家{n:02d}", work_unit="呼和浩特市 某事业单位" if n < 5 else f"某大学{n}")
        for n in range(EXPERTS)
    )
    through = Expert.specialties.through
    through.objects.bulk_create(
        through(expert_id=e.pk, occupation_id=o.pk)
        for e in experts
        for o in rng.sample(occupations, max(1, len(occupations) * 3 // 5))
    )
    people = list(Application.objects.order_by("pk").values_list("full_name", "id_number")[:200])
    for name, number in people:
        DeclaredRelation(expert=rng.choice(experts), full_name=name, id_number=number, relation="亲属").save()
    regulator = User.objects.create_user(
        "bench-reg", "Bench-password-42", role=Role.REGULATOR, city=hohhot, full_name="监管"
    )
    panel = Panel(campaign=campaign, city=hohhot, name="评审组", chair=experts[0])
    panel.deadline = timezone.localdate() + timedelta(days=10)
    panel = reviewing.save_panel(regulator, panel, members=experts, occupations=occupations)

    load = os.getloadavg()[0]
    with Clock() as assign_clock:
        plan = reviewing.assign_panel(regulator, panel)
    rows = list(Review.objects.order_by("pk").values_list("panel_id", "application_id", "expert_id"))
    Review.objects.all().delete()
    with Clock() as anchor_clock:
        Review.objects.bulk_create(
            [Review(panel_id=p, application_id=a, expert_id=e) for p, a, e in rows], batch_size=2000
        )
    save(
        "review-assignment",
        {
            "candidates": COUNT,
            "experts": EXPERTS,
            "assigned": len(plan.assignments),
            "unassignable": len(plan.unassignable),
            "reviews": len(rows),
            "assign_s": round(assign_clock.wall_s, 2),
            "assign_cpu_s": round(assign_clock.cpu_s, 2),
            "anchor_bulk_create_s": round(anchor_clock.wall_s, 2),
            "ratio": round(assign_clock.wall_s / anchor_clock.wall_s, 2),
            "load_average_at_start": round(load, 2),
        },
    )
    assert len(plan.assignments) + len(plan.unassignable) == COUNT
    assert assign_clock.wall_s <= 2, f"assigning {COUNT} candidates took {assign_clock.wall_s:.2f} s (target 2 s)"
