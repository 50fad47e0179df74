"""The audit action kinds of exam arrangement, admission tickets and exam day."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS: list[ActionKind] = [
    ActionKind("exams.site.saved", _("保存考点")),
    ActionKind("exams.site.deleted", _("删除考点")),
    ActionKind("exams.room.saved", _("保存考场")),
    ActionKind("exams.room.deleted", _("删除考场")),
    ActionKind("exams.staff.saved", _("保存考务人员")),
    ActionKind("exams.staff.deleted", _("删除考务人员")),
    ActionKind("exams.staff.assigned", _("安排考务人员")),
    ActionKind("exams.staff.unassigned", _("取消考务人员安排")),
    ActionKind("exams.seating_need.saved", _("登记考生座位需求")),
    ActionKind("exams.seating.applied", _("应用座位编排")),
    ActionKind("exams.seat.moved", _("调整考生座位")),
    ActionKind("exams.seat.swapped", _("交换考生座位")),
    ActionKind("exams.arrangement.published", _("发布准考证")),
    ActionKind("exams.publication.queued", _("准考证发布已排队")),
    ActionKind("exams.publication.started", _("准考证后台发布开始")),
    ActionKind("exams.publication.failed", _("准考证后台发布失败")),
    ActionKind("exams.latecomers.seated", _("为新增考生安排座位")),
    ActionKind("exams.ticket.reissued", _("准考证重新签发（座位调整）"), shown_to_applicant=True),
    ActionKind("exams.tickets.printed", _("打印考场准考证（含身份证号）")),
    ActionKind("exams.seat.released", _("考生退出，座位空出，准考证作废")),
    # Exam day (exams/services/checkin.py).
    ActionKind("exams.checkin.manifest_downloaded", _("下载考场签到名单（含照片）")),
    ActionKind("exams.checkin.synced", _("同步考场签到记录")),
    ActionKind("exams.checkin.corrected", _("更正考生签到结果")),
    ActionKind("exams.checkin.rest_absent", _("将未签到考生记为缺考")),
    ActionKind("exams.handbook.downloaded", _("下载考务手册")),
    ActionKind("exams.handbook.submitted", _("提交考务手册")),
]
declare(*KINDS)
