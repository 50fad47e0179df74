"""The admission ticket (准考证) as a PDF: the applicant's own, and a room's tickets for the co-organizer.

The facts come from the stored ticket, seats and application; the layout is `exams.ticket_pdf`
and the QR's compact JWS `skillcert.signing` (key set at /.well-known/jwks.json). Both print the
full ID number, so each download is an audit event.
"""

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.downloads import record_download
from applications.models import Application, ApplicationDocument, DocumentSlot
from applications.selectors import get_application_for
from audit.services import record
from exams import selectors, ticket_pdf
from skillcert import signing
from skillcert.lib.masking import mask_id_number
from skillcert.refusals import Refused
from skillcert.storage import private_storage


def _photos_of(application_ids: list[int]) -> dict[int, ApplicationDocument]:
    """Each application's photo document (not yet its bytes), in one query."""
    rows = ApplicationDocument.objects.filter(application__in=application_ids, slot=DocumentSlot.PHOTO).order_by("pk")
    return {document.application_id: document for document in rows}


def _photo(document: ApplicationDocument | None) -> bytes | None:
    if document is None:
        return None
    with private_storage.open(document.file.name, "rb") as handle:
        return handle.read()


def ticket_facts(
    application: Application,
    info: selectors.ExamInfo,
    *,
    photos: dict[int, ApplicationDocument] | None = None,
) -> ticket_pdf.TicketFacts:
    """The TicketFacts of one candidate (full ID printed, masked in the QR's claims). `photos` are
    the photo documents of a batch (`_photos_of`); without them the candidate's is looked up."""
    if photos is None:
        photos = _photos_of([application.pk])
    first = info.seats[0]
    return ticket_pdf.TicketFacts(
        number=info.ticket.number,
        name=application.full_name,
        id_number=application.id_number,
        id_number_masked=mask_id_number(application.id_number),
        occupation=application.occupation.name,
        occupation_code=application.occupation.code,
        level=str(application.level),
        campaign=application.campaign.slug,
        campaign_title=application.campaign.title,
        site=first.site.name,
        site_address=first.site.address,
        room=first.room.number,
        room_place=first.room.place,
        seat=first.seat,
        sessions=tuple(
            ticket_pdf.SessionLine(s.session.get_kind_display(), s.session.date, s.session.starts_at, s.session.ends_at)
            for s in info.seats
        ),
        photo=_photo(photos.get(application.pk)),
        revision=info.ticket.revision,
    )


def signed_qr(facts: ticket_pdf.TicketFacts) -> str:
    return signing.sign(ticket_pdf.ticket_claims(facts), typ=signing.TICKET)


def _attachment(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def ticket_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's own ticket, once published and from the campaign's download date."""
    application = get_application_for(request.user, pk, need="own")
    info = selectors.exam_info_for(application, timezone.localdate())
    if info is None:
        raise Http404
    if not info.downloadable:
        raise Refused("exams.ticket", _("准考证将于 %(date)s 起开放下载。") % {"date": f"{info.opens:%Y年%-m月%-d日}"})
    facts = ticket_facts(application, info)
    pdf = ticket_pdf.render_ticket(facts, rules=application.campaign.exam_rules, qr=signed_qr(facts))
    record_download(request.user, application, kind="printout", slot="ticket")
    return _attachment(pdf, f"ticket-{info.ticket.number}.pdf")


@login_required
def room_tickets_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every ticket of a room in one PDF, in seat order, for candidates who cannot print (the co-organizer)."""
    room = selectors.get_room_for(request.user, pk)
    ids = list(dict.fromkeys(room.seats.order_by("row", "column").values_list("application_id", flat=True)))
    # A constant number of queries per room, whatever its size: each read is one query for all.
    applications = Application.objects.select_related("campaign", "occupation", "level").in_bulk(ids)
    infos = selectors.exam_infos_for(applications.values(), timezone.localdate())
    photos = _photos_of(list(infos))
    items = []
    for application_id in ids:
        if (info := infos.get(application_id)) is not None:
            facts = ticket_facts(applications[application_id], info, photos=photos)
            items.append((facts, signed_qr(facts)))
    if not items:
        raise Http404
    out = io.BytesIO()
    ticket_pdf.render_tickets(items, rules=room.site.campaign.exam_rules, out=out)
    record("exams.tickets.printed", actor=request.user, obj=room, after={"tickets": len(items)})
    return _attachment(out.getvalue(), f"tickets-room-{room.number}.pdf")
