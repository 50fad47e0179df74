"""The audit action kinds of certificates."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS: list[ActionKind] = [
    ActionKind("certificates.batch_issued", _("制发一批证书")),
    ActionKind("certificates.revoked", _("撤销证书")),
    ActionKind("certificates.replaced", _("补发证书，原证作废")),
    ActionKind("certificates.handed_out", _("登记证书领取")),
    ActionKind("certificates.arrival_told", _("通知证书已到")),
    ActionKind("certificates.pdf_downloaded", _("下载证书（含完整证件号码）")),
    ActionKind("certificates.batch_printed", _("打印一批证书（含完整证件号码）")),
    ActionKind("certificates.exported", _("导出全国联网数据（含完整证件号码）")),
]
declare(*KINDS)
