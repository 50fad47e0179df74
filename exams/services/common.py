"""What the exams use cases share: who may arrange a city, and the refusal of a stale form."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import require, same_city
from exams.models import Arrangement
from skillcert.refusals import TransitionRefused

STALE = _("另一位工作人员刚刚修改了编排，请刷新后重试")


def require_arranger(actor: User, city_id: int | None) -> None:
    """The city's co-organizer (exams.arrange, same city); 403 otherwise."""
    require(actor, "exams.arrange")
    if not same_city(actor, city_id):
        raise PermissionDenied("another city's arrangement")


def require_version(arrangement: Arrangement, version: int | None) -> None:
    """The form was made from the arrangement as it is now (None: the caller does not check)."""
    if version is not None and version != arrangement.version:
        raise TransitionRefused(STALE)


def require_draft(arrangement: Arrangement) -> None:
    if arrangement.is_published:
        raise TransitionRefused(_("准考证已发布，不能重新编排；个别考生请使用调整座位。"))
