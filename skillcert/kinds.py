"""The audit action kinds of project-level tools: list exports and admin edits."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS = [
    ActionKind("exports.*", _("导出列表")),  # exports.<list name>
    ActionKind("admin.*", _("后台修改")),  # admin.<model>.added / changed / deleted
]
declare(*KINDS)
