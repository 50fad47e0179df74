"""The audit action kinds of marking, 综合评审, publicity, the summary and the archive."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS: list[ActionKind] = [
    ActionKind("scoring.rules.saved", _("保存成绩评定规则")),
    ActionKind("scoring.criteria.saved", _("保存综合评审项目")),
    # Score entry (录入 → 复核 → 确认).
    ActionKind("scoring.entries.saved", _("录入成绩")),
    ActionKind("scoring.template.downloaded", _("下载成绩录入模板（含考生姓名）")),
    ActionKind("scoring.import.checked", _("上传成绩表，待确认")),
    ActionKind("scoring.import.applied", _("导入成绩表")),
    ActionKind("scoring.import.discarded", _("放弃导入成绩表")),
    ActionKind("scoring.mismatch.resolved", _("裁定两次录入不一致的成绩")),
    ActionKind("scoring.sheet.confirmed", _("确认成绩登记表，成绩生效")),
    ActionKind("scoring.amendment.requested", _("申请更正已确认的成绩")),
    ActionKind("scoring.amendment.approved", _("批准更正成绩"), shown_to_applicant=True),
    ActionKind("scoring.amendment.rejected", _("驳回成绩更正申请")),
    ActionKind("scoring.results.voided", _("取消资格，成绩作废"), shown_to_applicant=True),
    # 综合评审.
    ActionKind("scoring.expert.saved", _("保存评审专家")),
    ActionKind("scoring.expert.relation_declared", _("登记专家回避关系")),
    ActionKind("scoring.panel.saved", _("保存综合评审组")),
    ActionKind("scoring.panel.assigned", _("分配评审专家")),
    ActionKind("scoring.review.submitted", _("提交综合评审评分")),
    ActionKind("scoring.review.materials_opened", _("专家查阅考生评审材料")),
    ActionKind("scoring.panel.closed", _("综合评审组结束评审，成绩生效")),
    # Publicity.
    ActionKind("scoring.publicity.opened", _("发布成绩公示")),
    ActionKind("scoring.objection.lodged", _("收到公示异议")),
    ActionKind("scoring.objection.answered", _("答复公示异议")),
    ActionKind("scoring.publicity.closed", _("公示结束，成绩生效")),
    # Summary, roster, materials, archive.
    ActionKind("scoring.summary.downloaded", _("下载汇总表")),
    ActionKind("scoring.summary.scan_uploaded", _("上传签章汇总表扫描件")),
    ActionKind("scoring.roster.downloaded", _("下载合格人员名册（含身份证号）")),
    ActionKind("scoring.materials.downloaded", _("下载合格人员申报材料包")),
    ActionKind("scoring.archive.saved", _("登记试卷归档")),
    ActionKind("scoring.archive.deleted", _("删除试卷归档记录")),
]
declare(*KINDS)
