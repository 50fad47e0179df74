"""The admission ticket (准考证) as a PDF: the applicant's own, and a room's tickets for the co-organizer.

The facts come from the stored ticket, seats and application; the layout is `exams.ticket_pdf`
and the QR's JWS `skillcert.signing`. Until those modules are in the tree the views answer 503.
"""

import importlib

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.downloads import record_download
from applications.models import ApplicationDocument, DocumentSlot
from applications.selectors import get_application_for
from exams import selectors
from skillcert.refusals import Refused

TICKET_TYP = "skillcert-ticket+jws"


def _renderers():
    """(ticket_pdf, signing), or None while the ticket layout or the signing module is missing."""
    try:
        return importlib.import_module("exams.ticket_pdf"), importlib.import_module("skillcert.signing")
    except ModuleNotFoundError:
        return None


def _unavailable(request):
    return render(request, "exams/unavailable.html", status=503)


def ticket_facts(ticket_pdf, application, info: selectors.ExamInfo):
    """The TicketFacts of one candidate (full ID printed, masked in the QR's claims)."""
    from skillcert.lib.masking import mask_id_number
    from skillcert.storage import private_storage

    first = info.seats[0]
    photo = ApplicationDocument.objects.filter(application=application, slot=DocumentSlot.PHOTO).first()
    photo_bytes = None
    if photo is not None:
        with private_storage.open(photo.file.name, "rb") as handle:
            photo_bytes = handle.read()
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
        photo=photo_bytes,
        revision=info.ticket.revision,
    )


@login_required
def ticket_pdf(request, pk: int):
    """The applicant's own ticket, once published and from the campaign's download date."""
    application = get_application_for(request.user, pk, need="own")
    today = timezone.localdate()
    info = selectors.exam_info_for(application, today)
    if info is None:
        raise Http404
    if not info.downloadable:
        raise Refused("exams.ticket", _("准考证将于 %(date)s 起开放下载。") % {"date": f"{info.opens:%Y年%-m月%-d日}"})
    renderers = _renderers()
    if renderers is None:
        return _unavailable(request)
    layout, signing = renderers
    facts = ticket_facts(layout, application, info)
    qr = signing.sign(layout.ticket_claims(facts), typ=TICKET_TYP)
    pdf = layout.render_ticket(facts, rules=application.campaign.exam_rules, qr=qr)
    record_download(request.user, application, kind="printout", slot="ticket")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''ticket-{info.ticket.number}.pdf"
    return response


@login_required
def room_tickets_pdf(request, pk: int):
    """Every ticket of a room in one PDF, for candidates who cannot print (the co-organizer)."""
    room = selectors.get_room_for(request.user, pk)
    renderers = _renderers()
    if renderers is None:
        return _unavailable(request)
    layout, signing = renderers
    import io

    from applications.models import Application

    ids = list(room.seats.order_by("row", "column").values_list("application_id", flat=True).distinct())
    applications = Application.objects.select_related("campaign", "occupation", "level").in_bulk(ids)
    today = timezone.localdate()
    items = []
    for pk_ in dict.fromkeys(ids):
        info = selectors.exam_info_for(applications[pk_], today)
        if info is not None:
            facts = ticket_facts(layout, applications[pk_], info)
            items.append((facts, signing.sign(layout.ticket_claims(facts), typ=TICKET_TYP)))
    if not items:
        raise Http404
    out = io.BytesIO()
    layout.render_tickets(items, rules=room.site.campaign.exam_rules, out=out)
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''tickets-room-{room.number}.pdf"
    return response
