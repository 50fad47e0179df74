"""The audit action kinds applying records; the applicant's 办理记录 reads their labels."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS = [
    ActionKind("applications.started", _("开始填写"), shown_to_applicant=True),
    ActionKind("applications.draft_saved", _("保存草稿"), shown_to_applicant=True),
    ActionKind("applications.document_uploaded", _("上传材料"), shown_to_applicant=True),
    ActionKind("applications.submitted", _("提交申报"), shown_to_applicant=True),
    ActionKind("applications.withdrawn", _("撤回申报"), shown_to_applicant=True),
    ActionKind("applications.resubmitted", _("修改后重新提交"), shown_to_applicant=True),
    ActionKind("applications.paid", _("缴费成功"), shown_to_applicant=True),
    ActionKind("applications.scheduled", _("已排考，准考证已发布"), shown_to_applicant=True),
    ActionKind("applications.withdrawn_after_approval", _("考前退出"), shown_to_applicant=True),
    ActionKind("applications.examined", _("成绩已公示"), shown_to_applicant=True),
    ActionKind("applications.concluded", _("公示结束，认定结果已确定"), shown_to_applicant=True),
    ActionKind("applications.disqualified", _("取消资格"), shown_to_applicant=True),
    ActionKind("applications.certified", _("证书已制发"), shown_to_applicant=True),
    ActionKind("applications.delivered", _("已领取证书"), shown_to_applicant=True),
    ActionKind("applications.certificate_revoked", _("证书已撤销"), shown_to_applicant=True),
    ActionKind("applications.certificate_reissued", _("证书已补发"), shown_to_applicant=True),
    # Who read the files is in the audit trail, not in the 办理记录.
    ActionKind("applications.document_downloaded", _("下载申报材料")),
]
declare(*KINDS)
