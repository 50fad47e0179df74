"""Application endpoints of /api/v1/: the eligibility check (申报条件自查)."""

from datetime import date
from typing import Annotated, Any, Literal, get_args

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from applications import eligibility, vocabulary
from applications.eligibility_service import counting_date, readings_for
from applications.standards import default_conditions
from catalog import selectors
from catalog.models import Campaign, CampaignOccupation, Occupation

router = Router(tags=["applications"])

OccupationCode = Annotated[str, Field(pattern=r"^\d-\d{2}-\d{2}-\d{2}$", examples=["4-12-01-01"])]
LevelNumber = Annotated[int, Field(ge=1, le=5, description="5 五级/初级工 … 1 一级/高级技师")]
# The accepted keys, from the vocabulary the models and the rules use too.
Category = Literal[vocabulary.keys(vocabulary.CATEGORY)]  # type: ignore[valid-type]
Education = Literal[vocabulary.keys(vocabulary.EDUCATION)]  # type: ignore[valid-type]
TitleField = Literal[vocabulary.keys(vocabulary.TITLE_FIELD)]  # type: ignore[valid-type]
TitleRank = Literal[vocabulary.keys(vocabulary.TITLE_RANK)]  # type: ignore[valid-type]

_CATEGORIES = "、".join(f"{key}（{name}）" for key, name in eligibility.CATEGORIES.items())
_DATE = "须是真实的日期，格式 YYYY-MM-DD（例如 2023-10-15）。"
# The Chinese message for any error of a field, by the field's name (the last part of its location).
_MESSAGES = {
    "occupation_code": "职业编码格式应为 4-12-01-01。",
    "level": "等级只能是 1–5（5 五级/初级工 … 1 一级/高级技师）。",
    "category": f"申报类别只能是 {_CATEGORIES} 之一。",
    "campaign": "认定批次须是年度（如 2023）或批次标识。",
    "as_of": f"核算日期{_DATE}",
    "issued_on": f"发证日期{_DATE}",
    "original_issued_on": f"原证书发证日期{_DATE}",
    "wage_granted_year": "兑现工资待遇年份须是 1950–2100 之间的整数，或 null。",
    "occupation_years": "从事本职业或相关职业的年限须是不小于 0 的数。",
    "education": f"文化程度只能是 {'、'.join(get_args(Education))} 之一，或 null。",
    "field": f"职称系列只能是 {'、'.join(get_args(TitleField))} 之一。",
    "rank": f"职称级别只能是 {'、'.join(get_args(TitleRank))} 之一。",
    "veteran_wage_level": "工资待遇等级只能是 1–5（5 初级工 … 1 高级技师），或 null。",
    "prior_certificate": "上一级证书须是对象，含 occupation_code、level、issued_on 等字段，或 null。",
    "professional_title": "职称须是对象，含 field、rank 两个字段，或 null。",
}


def _chinese(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error with a Chinese message naming the field, ready for ValidationError.from_exception_data."""
    loc = tuple(error["loc"])
    name = str(loc[-1]) if loc else ""
    if error["type"] == "missing":
        message = f"缺少必填字段 {name}。"
    elif error["type"] == "extra_forbidden":
        message = f"未知字段 {name}。"
    elif name in _MESSAGES:
        message = _MESSAGES[name]
    elif error["type"] in {"bool_type", "bool_parsing"}:
        message = f"{name} 须是 true 或 false。"
    else:
        message = f"{name or '请求内容'} 无效。"
    return {"type": PydanticCustomError(error["type"], message), "loc": loc, "input": error.get("input")}


class _ChineseErrors(Schema):
    """Reports pydantic's validation errors with Chinese messages (same `detail` shape as ninja's)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _in_chinese(cls, values: Any, handler: Any) -> Any:
        try:
            return handler(values)
        except PydanticValidationError as error:
            errors = [_chinese(e) for e in error.errors(include_url=False)]
            raise PydanticValidationError.from_exception_data(error.title, errors) from None


class PriorCertificateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    occupation_code: OccupationCode
    level: LevelNumber
    issued_on: date
    related: bool = Field(False, description="证书的职业与申报职业相关（同一职业不必填）")
    via_transfer: bool = Field(False, description="平转取得的证书；年限从原证书起算")
    original_issued_on: date | None = Field(None, description="平转前原证书的发证日期（via_transfer 时必填）")
    via_veteran: bool = Field(False, description="退役军人申报取得的证书；合格后于次年可晋级")
    wage_granted_year: int | None = Field(
        None, ge=1950, le=2100, description="兑现技能工资待遇的年份（via_veteran 时年限从该年起算）"
    )


class ProfessionalTitleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    field: TitleField
    rank: TitleRank


class EligibilityIn(_ChineseErrors):
    occupation_code: OccupationCode
    level: LevelNumber
    category: Category
    campaign: str | None = Field(None, description="年度或批次标识；默认为正在报名的批次")
    as_of: date | None = Field(None, description="年限核算日期；默认为该批次的考试日期")
    occupation_years: float = Field(ge=0, allow_inf_nan=False, description="从事本职业或相关职业的年限")
    apprenticeship_completed: bool = False
    education: Education | None = None
    education_related: bool = Field(False, description="所学专业与申报职业相关")
    preparatory_technician: bool = Field(False, description="持有预备技师证书")
    prior_certificate: PriorCertificateIn | None = None
    professional_title: ProfessionalTitleIn | None = None
    veteran_wage_level: LevelNumber | None = Field(None, description="退役军人服役期间的技能工资待遇等级")


class DecisionOut(Schema):
    eligible: bool
    rule: str = Field(description="决定结果的规则，稳定的机器标识，如 promotion.l3.years_after_l4")
    reasons: list[str]


class MessageOut(Schema):
    detail: str


class ErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorsOut(Schema):
    detail: list[ErrorOut]


@router.post(
    "/eligibility/check",
    response={200: DecisionOut, 404: MessageOut, 422: ValidationErrorsOut},
    summary="May these facts apply for this occupation and level?",
)
def check_eligibility(request, payload: EligibilityIn):
    """Checks the campaign's catalog, then the category's rules (standard conditions, 平转, 贯通, 退役军人).

    Not eligible is a 200 with `eligible: false`; malformed or incomplete input is a 422 naming the field.
    """
    campaign = _campaign(payload.campaign)
    if not Occupation.objects.filter(code=payload.occupation_code).exists():
        raise _invalid("occupation_code", "unknown_occupation", f"职业目录中没有职业编码 {payload.occupation_code}。")
    facts = _facts(payload, as_of=payload.as_of or counting_date(campaign))
    readings = readings_for(campaign)
    problems = eligibility.fact_problems(facts, readings)
    if problems:
        raise ValidationError([_error(p.field, "missing" if p.missing else "invalid", p.message) for p in problems])
    decision = eligibility.decide(
        facts,
        offered_levels=_offered_levels(campaign, payload.occupation_code),
        conditions=default_conditions(),
        readings=readings,
    )
    return {"eligible": decision.eligible, "rule": decision.rule, "reasons": list(decision.reasons)}


def _campaign(key: str | None) -> Campaign:
    found = selectors.campaign_by_key(key) if key else selectors.featured_campaign(timezone.localdate())
    if found is None:
        raise HttpError(404, f"认定批次不存在：{key}" if key else "还没有认定批次。")
    return found


def _offered_levels(campaign: Campaign, code: str) -> frozenset[int] | None:
    row = CampaignOccupation.objects.filter(campaign=campaign, occupation__code=code).prefetch_related("levels").first()
    return frozenset(row.level_numbers()) if row is not None else None


def _facts(payload: EligibilityIn, *, as_of: date) -> eligibility.Facts:
    cert, title = payload.prior_certificate, payload.professional_title
    return eligibility.Facts(
        occupation_code=payload.occupation_code,
        level=payload.level,
        category=payload.category,
        as_of=as_of,
        occupation_years=payload.occupation_years,
        apprenticeship_completed=payload.apprenticeship_completed,
        education=payload.education,
        education_related=payload.education_related,
        prior_certificate=eligibility.PriorCertificate(**cert.model_dump()) if cert is not None else None,
        professional_title=eligibility.ProfessionalTitle(**title.model_dump()) if title is not None else None,
        veteran_wage_level=payload.veteran_wage_level,
        preparatory_technician=payload.preparatory_technician,
    )


def _error(field: str, kind: str, message: str) -> dict[str, Any]:
    return {"type": kind, "loc": ["body", "payload", *field.split(".")], "msg": message}


def _invalid(field: str, kind: str, message: str) -> ValidationError:
    return ValidationError([_error(field, kind, message)])
