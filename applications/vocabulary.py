"""The words of an application form: keys and labels of its enumerations. Pure: no Django.

The one statement of each list. The models build their choices from it, the eligibility rules
read its labels, the API builds its `Literal`s from its keys; a test checks they agree.
Labels are marked with `gettext_noop` for the translation catalogue and translated where shown.
"""

from collections.abc import Sequence
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks a label for `makemessages`; the models translate it lazily."""
    return message


@dataclass(frozen=True)
class Term:
    key: str  # stored and sent over the API
    label: str  # the form's and the lists' word
    short: str = ""  # the word inside a sentence, when shorter ("初次" 申报, "员级" 职称)

    @property
    def in_sentence(self) -> str:
        return self.short or self.label


CATEGORY: tuple[Term, ...] = (
    Term("initial", gettext_noop("初次申报"), "初次"),
    Term("promotion", gettext_noop("晋级申报"), "晋级"),
    Term("transfer", gettext_noop("平转申报"), "平转"),
    Term("through", gettext_noop("贯通申报"), "贯通"),
    Term("veteran", gettext_noop("退役军人申报"), "退役军人"),
)

EDUCATION: tuple[Term, ...] = (
    Term("junior_middle", gettext_noop("初中及以下")),
    Term("high_school", gettext_noop("普通高中")),
    Term("secondary_vocational", gettext_noop("中等职业学校")),
    Term("technical_school", gettext_noop("技工学校")),
    Term("senior_technical_school", gettext_noop("高级技工学校")),
    Term("technician_college", gettext_noop("技师学院")),
    Term("higher_vocational", gettext_noop("高等职业学校")),
    Term("junior_college", gettext_noop("大学专科")),
    Term("bachelor", gettext_noop("大学本科")),
    Term("master", gettext_noop("硕士研究生")),
    Term("doctor", gettext_noop("博士研究生")),
)

# 职称系列. All but "other" take part in 贯通 (高技能人才与专业技术人才职业发展贯通).
TITLE_FIELD: tuple[Term, ...] = (
    Term("engineering", gettext_noop("工程")),
    Term("agriculture", gettext_noop("农业")),
    Term("arts_crafts", gettext_noop("工艺美术")),
    Term("cultural_relics", gettext_noop("文物博物")),
    Term("laboratory", gettext_noop("实验技术")),
    Term("art", gettext_noop("艺术")),
    Term("sports", gettext_noop("体育")),
    Term("technical_school_teacher", gettext_noop("技工院校教师")),
    Term("other", gettext_noop("其他领域")),
)

TITLE_RANK: tuple[Term, ...] = (
    Term("junior", gettext_noop("员级/初级"), "员级"),
    Term("assistant", gettext_noop("助理级")),
    Term("intermediate", gettext_noop("中级")),
    Term("deputy_senior", gettext_noop("副高级")),
    Term("senior", gettext_noop("正高级")),
)

# The five national levels, 5 五级/初级工 … 1 一级/高级技师: the 等级 and the title of the same rank.
# 退役军人 wage levels (工资待遇) are named by the same titles; the forms translate them.
NATIONAL_LEVELS: dict[int, tuple[str, str]] = {
    5: ("五级", gettext_noop("初级工")),
    4: ("四级", gettext_noop("中级工")),
    3: ("三级", gettext_noop("高级工")),
    2: ("二级", gettext_noop("技师")),
    1: ("一级", gettext_noop("高级技师")),
}

# The least 字 a text upload must hold (技术总结, 论文), by document slot.
MIN_CHARACTERS: dict[str, int] = {"technical_summary": 1000, "paper": 3000}


def keys(terms: Sequence[Term]) -> tuple[str, ...]:
    return tuple(term.key for term in terms)


def labels(terms: Sequence[Term]) -> dict[str, str]:
    return {term.key: term.label for term in terms}


def in_sentence(terms: Sequence[Term]) -> dict[str, str]:
    return {term.key: term.in_sentence for term in terms}
