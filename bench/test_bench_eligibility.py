"""Benchmark of the eligibility engine: decide() over 100,000 generated applications.

Target: at least 20,000 decisions per second on one core. The facts are spread over the
occupations and levels of annex 1 (catalog/data/catalog-2023.csv) and over the five
categories, with a fixed seed so every run decides the same applications.
"""

import random
from collections import Counter
from datetime import date, timedelta

from applications.eligibility import Decision, Facts, PriorCertificate, ProfessionalTitle, decide
from applications.standards import EDUCATIONS, default_conditions
from catalog.catalog_io import read_catalog
from catalog.services import CATALOG_2023

COUNT = 100_000
SEED = 20231015
EXAM = date(2023, 10, 15)
CATEGORIES = ("initial", "promotion", "transfer", "through", "veteran")
CATEGORY_WEIGHTS = (40, 40, 8, 7, 5)
TITLE_FIELDS = ("engineering", "agriculture", "arts_crafts", "laboratory", "other")
TITLE_RANKS = ("junior", "assistant", "intermediate", "deputy_senior", "senior")


def generated_facts(offerings: dict[str, frozenset[int]], count: int = COUNT) -> list[Facts]:
    rng = random.Random(SEED)
    codes = sorted(offerings)
    return [_facts(rng, codes, offerings) for _ in range(count)]


def _facts(rng: random.Random, codes: list[str], offerings: dict[str, frozenset[int]]) -> Facts:
    code = rng.choice(codes)
    offered = sorted(offerings[code])
    level = rng.choice(offered) if rng.random() < 0.9 else rng.randint(1, 5)  # some ask for a level not offered
    category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
    if category == "promotion" and level == 5:
        category = "initial"  # nothing is below 五级
    years = round(rng.uniform(0, 25), 1)
    return Facts(
        occupation_code=code,
        level=level,
        category=category,
        as_of=EXAM,
        occupation_years=years,
        apprenticeship_completed=rng.random() < 0.2,
        education=rng.choice([None, *EDUCATIONS]),
        education_related=rng.random() < 0.5,
        prior_certificate=_certificate(rng, code, codes, level, category, years),
        professional_title=ProfessionalTitle(rng.choice(TITLE_FIELDS), rng.choice(TITLE_RANKS))
        if category == "through"
        else None,
        veteran_wage_level=rng.randint(1, 5) if category == "veteran" else None,
        preparatory_technician=rng.random() < 0.05,
    )


def _certificate(
    rng: random.Random, code: str, codes: list[str], level: int, category: str, years: float
) -> PriorCertificate | None:
    if category not in {"promotion", "transfer"}:
        return None
    held = level + 1 if category == "promotion" else level
    if rng.random() < 0.1:
        held = rng.randint(1, 5)  # the wrong certificate, now and then
    issued_on = EXAM - timedelta(days=rng.randint(0, int(years * 365) + 1))
    transferred = rng.random() < 0.1
    return PriorCertificate(
        occupation_code=code if category == "promotion" and rng.random() < 0.8 else rng.choice(codes),
        level=held,
        issued_on=issued_on,
        related=rng.random() < 0.7,
        via_transfer=transferred,
        original_issued_on=issued_on - timedelta(days=rng.randint(0, 2000)) if transferred else None,
    )


def decide_all(facts: list[Facts], offerings: dict[str, frozenset[int]]) -> list[Decision]:
    conditions = default_conditions()
    return [decide(f, offered_levels=offerings.get(f.occupation_code), conditions=conditions) for f in facts]


def test_decisions_per_second(benchmark):
    offerings = {row.code: frozenset(row.levels) for row in read_catalog(CATALOG_2023).rows}
    facts = generated_facts(offerings)
    decisions = benchmark.pedantic(decide_all, args=(facts, offerings), rounds=5, iterations=1, warmup_rounds=1)
    per_second = COUNT / benchmark.stats.stats.mean
    benchmark.extra_info["decisions_per_second"] = round(per_second)
    eligible = sum(d.eligible for d in decisions)
    families = Counter(d.rule.split(".")[0] for d in decisions)
    print(f"\n{per_second:,.0f} decisions/s (target ≥ 20,000); {eligible:,} of {COUNT:,} eligible; {dict(families)}")
    assert len(decisions) == COUNT
    assert 0 < eligible < COUNT
    assert set(families) >= {"catalog", "initial", "promotion", "transfer", "through", "veteran"}
