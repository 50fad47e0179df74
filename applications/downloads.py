"""Documents that carry personal data leaving the system: under which name, and the audit.

Who may download at all is decided by `selectors.get_application_for(user, pk, need=…)`;
every file served (an uploaded document, a printed 申报表 or 诚信承诺书) writes one audit
event `DOWNLOADED` on the application, with `kind` ("upload" / "printout") and `slot`
(the document slot, or "form" / "pledge"), so "who read what of this application, when" is
one indexed query: `AuditEvent.objects.filter(action=DOWNLOADED, object_id=str(pk))`.
"""

from accounts.permissions import has_capability
from applications.models import Application
from applications.uploads import photo_export_name
from audit.services import record
from skillcert.lib.masking import mask_id_number

DOWNLOADED = "applications.document_downloaded"


def shows_export_name(user, application: Application) -> bool:
    """Whether the photo goes to `user` under 姓名-身份证号 with the full number (the notice's
    export name): the applicant's own, and staff who run the export."""
    return application.applicant_id == user.pk or has_capability(user, "documents.export_name")


def photo_name(user, application: Application) -> str:
    """The photo's file name for `user`: the export name, or the same with the number masked."""
    if shows_export_name(user, application):
        return photo_export_name(application.full_name, application.id_number)
    # Windows forbids "*" in file names, so the masked digits are written as x.
    return photo_export_name(application.full_name, mask_id_number(application.id_number).replace("*", "x"))


def record_download(actor, application: Application, *, kind: str, slot: str, export_name: bool = False) -> None:
    """One audit event per file served; written before the file leaves."""
    after = {"kind": kind, "slot": slot}
    if export_name:
        after["export_name"] = True  # the full ID number was in the file name
    record(DOWNLOADED, actor=actor, obj=application, after=after)
