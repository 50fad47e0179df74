"""The audit action kinds of the catalog: occupations, campaigns, fees, holidays."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS = [
    ActionKind("catalog.imported", _("导入职业目录")),
    ActionKind("catalog.campaign.created", _("新建认定批次")),
    ActionKind("catalog.campaign.windows_moved", _("调整批次日期")),
    ActionKind("catalog.campaign.rules_changed", _("修改申报条件规则")),
    ActionKind("catalog.fee.set", _("设置收费标准")),
    ActionKind("catalog.fee.removed", _("删除收费标准")),
    ActionKind("catalog.fee.demo_set", _("设置演示收费标准")),
    ActionKind("catalog.fee_basis.changed", _("修改收费依据")),
    ActionKind("catalog.holiday.added", _("添加节假日")),
    ActionKind("catalog.holiday.changed", _("修改节假日")),
    ActionKind("catalog.holiday.deleted", _("删除节假日")),
    ActionKind("catalog.holiday.imported", _("导入节假日")),
    ActionKind("catalog.holiday_year.marked", _("确认全年节假日")),
]
declare(*KINDS)
