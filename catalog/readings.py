"""The readings of the notice a campaign's rules decide: what each one means and the sentence it reads.

Shown beside each setting on the association's page (`catalog.views.campaign_rules`), and the
reference for `docs/architecture.md`. The fields themselves are `catalog.models.CampaignRules`.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Reading:
    field: str
    explanation: Promise
    sentence: Promise  # the notice's words it interprets, with their place


READINGS: tuple[Reading, ...] = (
    Reading(
        "years_counted_to",
        _(
            "“累计从事本职业N年”“取得证书后N年”算到哪一天。默认算到考试日期；改为报名截止日期后，"
            "报名时差几个月满年限的人就不能申报。"
        ),
        _("二.（二）.1：申报条件按照最新版的《国家职业技能标准》申报条件要求进行申报。"),
    ),
    Reading(
        "submit_when_ineligible",
        _(
            "默认：系统按申报条件核对为“不符合”的申报不能提交。勾选后也可以提交，核对结果随申报一起"
            "交给协办单位初审，由审核人员决定。"
        ),
        _("五.（二）：各盟市协办单位对申报人员进行资格初审……就促会……进行资格复审。"),
    ),
    Reading(
        "transfer_requires_certificate",
        _(
            "默认：平转申报须填写所持证书（等级、职业、发证日期），系统据此核对同级、相关职业。"
            "取消后可以不填，证书由审核人员核对。"
        ),
        _(
            "二.（二）.2：原有技术技能类职业资格证书（含职业技能等级证书）与现从事岗位不匹配的，申报人员可自愿平级申报。"
        ),
    ),
    Reading(
        "transfer_allows_same_occupation",
        _("默认：所持证书就是申报职业的同级证书时不能平转（无需平转）。勾选后也按平转受理。"),
        _("二.（二）.2：可自愿平级申报技师（含）以下与现岗位相关相近职业（工种）的技能等级。"),
    ),
    Reading(
        "transfer_requires_related_certificate",
        _(
            "默认：平转申报的职业须与所持证书的职业相关（系统核对）。请注意通知原文要求的是与“现岗位”相关相近，"
            "而所持证书正是“与现从事岗位不匹配”的；取消后不再要求与所持证书相关，与现岗位是否相关由审核人员核实。"
        ),
        _(
            "二.（二）.2：原有技术技能类职业资格证书（含职业技能等级证书）与现从事岗位不匹配的，申报人员可自愿平级申报"
            "技师（含）以下与现岗位相关相近职业（工种）的技能等级。"
        ),
    ),
    Reading(
        "transfer_years_from_original",
        _("默认：证书由平转取得的，晋级时“取得证书后N年”从平转前原证书的发证日期起算。取消后从平转取得的证书起算。"),
        _("二.（二）.2：累计从事本职业（工种）年限可从平转前获证时间起算。"),
    ),
    Reading(
        "veteran_years_from_wage_year",
        _(
            "默认：证书由退役军人申报取得的，晋级时“取得证书后N年”从兑现工资待遇当年的 1 月 1 日起算"
            "（须填写兑现年份）。取消后从证书的发证日期起算。"
        ),
        _(
            "二.（二）.4：累计从事本职业（工种）年限可从兑现初、中级工待遇当年起算……可从兑现高级工（含）以上待遇当年算起。"
        ),
    ),
    Reading(
        "promotion_wait",
        _(
            "证书由平转或退役军人申报取得的，“次年”从何时起可以晋级：默认为取证的下一个自然年"
            "（2023 年取证，2024 年 1 月 1 日起）；也可定为取证满一年。按考试日期或报名截止日期核对，见第一项。"
        ),
        _("二.（二）.2：平转合格后于次年可晋级申报。二.（二）.4：合格后于次年可晋级申报。"),
    ),
    Reading(
        "years_capped_by_occupation_years",
        _(
            "默认：“取得证书后累计从事本职业N年”按取证后的整年数计，但不超过申报人填写的从事本职业或"
            "相关职业的年限。取消后只看取证时间。"
        ),
        _("二.（二）.1：《国家职业技能标准》“取得本职业……证书后，累计从事本职业或相关职业工作N年（含）以上”。"),
    ),
    Reading(
        "through_junior_title_counts",
        _("默认：员级职称算作初级职称，可贯通申报三级/高级工。取消后只有助理级职称可以。"),
        _("二.（二）.3：取得助理级或初级专业技术职称的人员可申报相关领域高级工职业技能等级。"),
    ),
)
