"""The audit action kinds of exam arrangement, admission tickets and exam day."""

from django.utils.translation import gettext_lazy as _  # noqa: F401  used as kinds are added

from audit.kinds import ActionKind, declare

KINDS: list[ActionKind] = []
declare(*KINDS)
