"""Realistic fake applicants for benchmarks and load rehearsals (never for production).

Spread across the 13 cities, the campaign's occupations and levels, and the five
categories, with valid-looking ID numbers; bulk-inserted in batches.
"""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from stdnum.cn import ric

from accounts.models import Role, User
from applications.models import Application, Category, Education, Status, TitleField, TitleRank
from catalog.models import Campaign, City

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力斌宇浩凯鹏飞鑫波琳雪梅巴特尔其木格乌兰图雅"
ETHNICITIES = ["汉族"] * 7 + ["蒙古族"] * 2 + ["满族", "回族", "达斡尔族"]
CATEGORY_WEIGHTS = [
    (Category.INITIAL, 45),
    (Category.PROMOTION, 40),
    (Category.TRANSFER, 6),
    (Category.THROUGH, 5),
    (Category.VETERAN, 4),
]


def _id_number(serial: int) -> str:
    """Unique per serial: (birth day, sequence) is a one-to-one image of the serial."""
    birth = date(1984, 1, 1) + timedelta(days=(serial // 1000) * 37 % 7300)  # born 1984–2003
    first17 = f"150102{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate(campaign: Campaign, count: int, *, seed: int = 2023, batch: int = 2000) -> int:
    """Create `count` applicants, each with one submitted application in `campaign`."""
    rng = random.Random(seed)
    cities = list(City.objects.all())
    offerings = [
        (o.occupation, o.level_numbers())
        for o in campaign.offerings.select_related("occupation").prefetch_related("levels")
    ]
    categories, weights = zip(*CATEGORY_WEIGHTS, strict=True)
    password = make_password(None)  # unusable: these people never log in
    start = User.objects.count()
    created = 0
    while created < count:
        size = min(batch, count - created)
        users, applications = [], []
        for n in range(size):
            serial = start + created + n
            id_number = _id_number(serial)
            phone = f"139{serial:08d}"
            name = _name(rng)
            users.append(User(role=Role.APPLICANT, full_name=name, id_number=id_number, phone=phone, password=password))
            occupation, levels = rng.choice(offerings)
            category = rng.choices(categories, weights)[0]
            level = rng.choice(levels)
            applications.append(
                Application(
                    campaign=campaign,
                    city=rng.choice(cities),
                    status=Status.SUBMITTED,
                    full_name=name,
                    ethnicity=rng.choice(ETHNICITIES),
                    id_number=id_number,
                    phone=phone,
                    id_tail=id_number[-4:],
                    phone_tail=phone[-4:],
                    education=rng.choice(Education.values),
                    education_related=rng.random() < 0.6,
                    work_started_on=date(2000, 1, 1) + timedelta(days=rng.randrange(365 * 20)),
                    occupation_years=rng.randrange(0, 30),
                    employer=f"{rng.choice(cities).name}某事业单位",
                    occupation=occupation,
                    level_id=level,
                    category=category,
                    prior_level=min(level + 1, 5) if category == Category.PROMOTION else level,
                    prior_occupation=occupation if category in (Category.PROMOTION, Category.TRANSFER) else None,
                    prior_issued_on=date(2010, 1, 1) + timedelta(days=rng.randrange(365 * 12)),
                    prior_related=True,
                    title_field=rng.choice(TitleField.values) if category == Category.THROUGH else "",
                    title_rank=rng.choice(TitleRank.values) if category == Category.THROUGH else "",
                    veteran_wage_level=rng.randint(1, 5) if category == Category.VETERAN else None,
                    work_history="2000.01—至今 某事业单位",
                )
            )
        with transaction.atomic():
            saved = User.objects.bulk_create(users)
            for user, application in zip(saved, applications, strict=True):
                application.applicant = user
            Application.objects.bulk_create(applications)
        created += size
    return created
