"""The events people are told about, and how each reads.

A kind is a dotted event name with a template `notifications/messages/<kind>.txt` that
defines two partials, `title` and `body` (plain text: autoescape is off inside them).
A later issue adds its events here and beside the templates.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

KINDS = {
    "application.submitted": _("申报已提交"),
    "application.returned": _("申报被退回"),
    "application.city_approved": _("初审通过"),
    "application.approved": _("资格审核通过"),
    "invoice.issued": _("电子发票已开具"),
    "payment.confirmed": _("缴费成功"),
    "payment.refunded": _("退费已到账"),
    "payment.reminder": _("缴费即将截止"),
    "accounts.registration_attempt": _("有人尝试用您的号码注册"),
    "exams.ticket_published": _("准考证已发布"),
    "exams.ticket_reissued": _("座位调整，准考证已重新签发"),
    "exams.tickets_open": _("准考证开放下载"),
    "exams.handbook_due_soon": _("考务手册即将截止提交"),
    "exams.handbook_due_today": _("考务手册今天截止提交"),
    "scoring.results_published": _("成绩已公示"),
    "scoring.results_final": _("认定结果已确定"),
    "certificates.issued": _("证书已制发"),
    "certificates.arrived": _("证书已到，可以领取"),
    "certificates.revoked": _("证书已撤销"),
    "certificates.reissued": _("证书已补发"),
}


def render(kind: str, context: dict) -> tuple[str, str]:
    """The title and body of a message of `kind`; ValueError for an unknown kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    template = f"notifications/messages/{kind}.txt"
    title = " ".join(render_to_string(f"{template}#title", context).split())
    body = render_to_string(f"{template}#body", context).strip()
    return title, body
