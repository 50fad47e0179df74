"""Certificates' staff pages and the holder's downloads: thin views over selectors and services."""

import io
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import AnyUser, has_capability, require
from applications import lifecycle
from audit.services import record
from catalog.models import Campaign, City, Occupation
from catalog.views import requested_campaign
from certificates import certificate_pdf, credentials, export, printing
from certificates import selectors as read
from certificates.forms import CalibrationForm, HandoutForm, IssueForm, ReasonForm, UnitHandoutForm
from certificates.models import Certificate, IssueBatch
from certificates.services import handout, issuing, revocation
from skillcert.exports import XLSX_CONTENT_TYPE
from skillcert.refusals import TransitionRefused

PDF = "application/pdf"


def _user(user: AnyUser) -> User:
    assert isinstance(user, User)  # login_required
    return user


def _attachment(content: bytes, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _occupations(campaign: Campaign, city: City) -> QuerySet[Occupation]:
    ids = issuing.issuable(campaign, city).values("occupation")
    return Occupation.objects.filter(pk__in=ids).order_by("code")


# --- the association's desk: issue per city -------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The association sees every city and issues; city staff see their city's register."""
    campaign = requested_campaign(request)
    city = read.city_for(request.user, request.GET.get("city"))
    if city is not None and not _user(request.user).is_association:
        return redirect(reverse("certificates:register") + f"?campaign={campaign.slug}")
    cities = [city] if city is not None else City.objects.order_by("position")
    lines = read.overview(campaign, cities)
    forms = {line.city.pk: IssueForm(occupations=_occupations(campaign, line.city)) for line in lines if line.passed}
    context = {
        "campaign": campaign,
        "lines": [(line, forms.get(line.city.pk)) for line in lines],
        "batches": [(batch, read.print_parts(batch)) for batch in read.batches(request.user, campaign)[:50]],
    }
    return render(request, "certificates/home.html", context)


@login_required
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    require(request.user, "certificates.issue")
    campaign = requested_campaign(request)
    city = get_object_or_404(City, code=request.POST.get("city", ""))
    form = IssueForm(request.POST, occupations=_occupations(campaign, city))
    back = reverse("certificates:home") + f"?campaign={campaign.slug}"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"{city.name}：{' '.join(str(error) for error in errors)}")
        return redirect(back)
    try:
        batch = issuing.issue(
            _user(request.user),
            campaign,
            city,
            occupation=form.cleaned_data["occupation"],
            issued_on=form.cleaned_data["issued_on"],
        )
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    messages.success(request, _("已为%(city)s制发 %(count)d 本证书。") % {"city": city.name, "count": batch.count})
    return redirect(back)


# --- the register and one certificate ---------------------------------------------------------


@login_required
def register(request: HttpRequest) -> HttpResponse:
    campaign = requested_campaign(request)
    city = read.city_for(request.user, request.GET.get("city"))
    rows = read.register(
        request.user,
        campaign,
        city,
        state=request.GET.get("state", ""),
        query=request.GET.get("q", ""),
        handout=request.GET.get("handout", ""),
    )
    context = {
        "campaign": campaign,
        "city": city,
        "rows": rows[:500],
        "total": rows.count(),
        "states": Certificate.State.choices,
        "filters": request.GET,
    }
    return render(request, "certificates/register.html", context)


def _detail_context(request: HttpRequest, certificate: Certificate, **forms: Form) -> dict[str, Any]:
    user = request.user
    may_hand_out = lifecycle.may_hand_out(user, certificate.application)
    return {
        "certificate": certificate,
        "campaign": certificate.campaign,
        "record": issuing.record_of(certificate),
        "may_issue": has_capability(user, "certificates.issue"),
        "may_hand_out": may_hand_out and certificate.is_valid and not hasattr(certificate, "handout"),
        "may_print": has_capability(user, "certificates.print"),
        "revoke_form": forms.get("revoke_form") or ReasonForm(prefix="revoke"),
        "reissue_form": forms.get("reissue_form") or ReasonForm(prefix="reissue"),
        "handout_form": forms.get("handout_form") or HandoutForm(),
    }


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    certificate = read.get_certificate_for(request.user, number)
    return render(request, "certificates/detail.html", _detail_context(request, certificate))


def _refused_on_page(
    request: HttpRequest, certificate: Certificate, refusal: TransitionRefused, **forms: Form
) -> HttpResponse:
    messages.error(request, str(refusal))
    return render(request, "certificates/detail.html", _detail_context(request, certificate, **forms), status=400)


def _decide(request: HttpRequest, number: str, prefix: str) -> HttpResponse:
    """Revoke or re-issue (the association, with a reason): the form again with its error, or the
    certificate the decision leaves in force (the new one of a re-issue)."""
    certificate = read.get_certificate_for(request.user, number)
    require(request.user, "certificates.issue")
    form = ReasonForm(request.POST, prefix=prefix)
    forms = {f"{prefix}_form": form}
    if not form.is_valid():
        return render(request, "certificates/detail.html", _detail_context(request, certificate, **forms), status=400)
    actor, reason = _user(request.user), form.cleaned_data["reason"]
    try:
        if prefix == "revoke":
            shown = revocation.revoke(actor, certificate, reason=reason)
            messages.success(request, _("证书 %(number)s 已撤销。") % {"number": shown.number})
        else:
            shown = revocation.reissue(actor, certificate, reason=reason)
            messages.success(request, _("已补发新证书 %(number)s，原证书作废。") % {"number": shown.number})
    except TransitionRefused as refusal:
        return _refused_on_page(request, certificate, refusal, **forms)
    return redirect("certificates:detail", number=shown.number)


@login_required
@require_POST
def revoke(request: HttpRequest, number: str) -> HttpResponse:
    return _decide(request, number, "revoke")


@login_required
@require_POST
def reissue(request: HttpRequest, number: str) -> HttpResponse:
    return _decide(request, number, "reissue")


@login_required
@require_POST
def hand_out(request: HttpRequest, number: str) -> HttpResponse:
    certificate = read.get_certificate_for(request.user, number)
    require(request.user, "certificates.handout")
    if not lifecycle.may_hand_out(request.user, certificate.application):
        raise PermissionDenied("another city's certificate")
    form = HandoutForm(request.POST)
    if not form.is_valid():
        return render(
            request, "certificates/detail.html", _detail_context(request, certificate, handout_form=form), status=400
        )
    data = form.cleaned_data
    try:
        handout.hand_out(
            _user(request.user),
            certificate,
            way=data["way"],
            collector=data["collector"],
            unit=data["unit"],
            id_checked=data["id_checked"],
            collected_on=data["collected_on"],
            note=data["note"],
        )
    except TransitionRefused as refusal:
        return _refused_on_page(request, certificate, refusal, handout_form=form)
    messages.success(request, _("已登记 %(name)s 的证书领取。") % {"name": certificate.name})
    return redirect(
        reverse("certificates:handouts") + f"?campaign={certificate.campaign.slug}&city={certificate.city.code}"
    )


# --- hand-out desk (七) ----------------------------------------------------------------------


@login_required
def handouts(request: HttpRequest) -> HttpResponse:
    campaign = requested_campaign(request)
    city = read.city_for(request.user, request.GET.get("city"))
    if city is None:
        return redirect(reverse("certificates:home") + f"?campaign={campaign.slug}")
    return _handout_desk(request, campaign, city)


def _unit_form(group: read.UnitGroup, data: Any = None) -> UnitHandoutForm:
    waiting = [c.number for c in group.certificates if not hasattr(c, "handout")]
    initial = {"numbers": waiting, "unit": group.unit}
    return UnitHandoutForm(data, numbers=waiting, initial=initial, prefix=f"unit-{group.key}")


def _handout_desk(
    request: HttpRequest, campaign: Campaign, city: City, posted: tuple[str, UnitHandoutForm] | None = None
) -> HttpResponse:
    valid = read.register(request.user, campaign, city, state=Certificate.State.VALID)
    groups = read.by_unit(valid)
    waiting = [c for c in valid if not hasattr(c, "handout")]
    may_hand_out = has_capability(request.user, "certificates.handout")
    forms = {group.key: _unit_form(group) for group in groups if may_hand_out and group.collected < len(group)}
    if posted is not None:
        forms[posted[0]] = posted[1]
    context = {
        "campaign": campaign,
        "city": city,
        "groups": [(group, forms.get(group.key)) for group in groups],
        "waiting": waiting,
        "untold": sum(1 for c in waiting if c.arrival_told_at is None),
        "may_hand_out": may_hand_out,
    }
    return render(request, "certificates/handouts.html", context, status=400 if posted else 200)


@login_required
@require_POST
def unit_handout(request: HttpRequest) -> HttpResponse:
    """A unit collects the chosen certificates of its staff at once; the desk again with the errors
    beside that unit's fields, or the desk with the collection recorded."""
    campaign = requested_campaign(request)
    city = read.city_for(request.user, request.POST.get("city"))
    if city is None:
        raise Http404("no city")
    require(request.user, "certificates.handout")
    valid = read.register(request.user, campaign, city, state=Certificate.State.VALID)
    group = next((g for g in read.by_unit(valid) if g.key == request.POST.get("group")), None)
    if group is None:
        raise Http404("no such unit")
    form = _unit_form(group, request.POST)
    if not form.is_valid():
        return _handout_desk(request, campaign, city, posted=(group.key, form))
    chosen = [c for c in group.certificates if c.number in set(form.cleaned_data["numbers"])]
    try:
        count = handout.hand_out_to_unit(
            _user(request.user),
            chosen,
            unit=form.cleaned_data["unit"],
            collector=form.cleaned_data["collector"],
            collected_on=form.cleaned_data["collected_on"],
        )
    except TransitionRefused as refusal:
        form.add_error(None, str(refusal))
        return _handout_desk(request, campaign, city, posted=(group.key, form))
    messages.success(
        request, _("已登记 %(unit)s 代领 %(count)d 本证书。") % {"unit": form.cleaned_data["unit"], "count": count}
    )
    return redirect(reverse("certificates:handouts") + f"?campaign={campaign.slug}&city={city.code}")


@login_required
@require_POST
def tell_arrival(request: HttpRequest) -> HttpResponse:
    campaign = requested_campaign(request)
    city = read.city_for(request.user, request.POST.get("city"))
    if city is None:
        raise Http404("no city")
    require(request.user, "certificates.handout")
    told = handout.tell_arrival(_user(request.user), campaign, city)
    messages.success(request, _("已通知 %(count)d 位持证人领取证书。") % {"count": told})
    return redirect(reverse("certificates:handouts") + f"?campaign={campaign.slug}&city={city.code}")


# --- printing and export (full ID numbers: the association, audited) --------------------------


def _batch_for_print(request: HttpRequest, pk: int) -> IssueBatch:
    require(request.user, "certificates.print")
    return read.get_batch_for(request.user, pk)


@login_required
def batch_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's certificates in PDFs of at most PRINT_PART for printing (?part=1, 2, …): full pages,
    or the variable fields only (?stock=preprinted) shifted by the calibration. ReportLab keeps a
    document's pages until it is saved, so a part bounds the memory (about 140 MB for 500)."""
    batch = _batch_for_print(request, pk)
    preprinted = request.GET.get("stock") == "preprinted"
    part = _part(request.GET.get("part"))
    valid = read.batch_certificates(batch).filter(state=Certificate.State.VALID)
    certificates = valid[(part - 1) * read.PRINT_PART : part * read.PRINT_PART]
    if part > 1 and not certificates:
        raise Http404("no such part")
    out = io.BytesIO()
    items = printing.printed_many(certificates)
    if preprinted:
        offsets = printing.print_offsets(read.calibration())
        pages = certificate_pdf.render_variable_fields_batch(items, offsets, out)
    else:
        pages = certificate_pdf.render_certificates(items, out)
    record(
        "certificates.batch_printed",
        actor=request.user,
        obj=batch,
        after={"pages": pages, "part": part, "stock": "preprinted" if preprinted else "blank"},
    )
    stock = "-套打" if preprinted else ""
    name = f"证书-{batch.city.name}-{batch.issued_on:%Y%m%d}-{batch.pk}-第{part}册{stock}.pdf"
    return _attachment(out.getvalue(), PDF, name)


def _part(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        raise Http404("no such part") from None


@login_required
def batch_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    batch = _batch_for_print(request, pk)
    certificates = read.batch_certificates(batch)
    content, count = export.as_csv(certificates) if fmt == "csv" else export.as_xlsx(certificates)
    record("certificates.exported", actor=request.user, obj=batch, after={"format": fmt, "rows": count})
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_CONTENT_TYPE
    return _attachment(content, content_type, f"全国联网证书数据-{batch.city.name}-{batch.pk}.{fmt}")


@login_required
def calibration(request: HttpRequest) -> HttpResponse:
    require(request.user, "certificates.print")
    current = read.calibration()
    form = CalibrationForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = _user(request.user)
        saved.save()
        messages.success(request, _("套打偏移已保存。"))
        return redirect("certificates:calibration")
    return render(
        request, "certificates/calibration.html", {"form": form, "current": current}, status=400 if form.errors else 200
    )


@login_required
def calibration_sheet(request: HttpRequest) -> HttpResponse:
    require(request.user, "certificates.print")
    sheet = certificate_pdf.calibration_sheet(printing.print_offsets(read.calibration()))
    return _attachment(sheet, PDF, "套打校准页.pdf", inline=True)


# --- the holder's own downloads ----------------------------------------------------------------


@login_required
def certificate_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    certificate = read.own_certificate(request.user, number)
    content = certificate_pdf.render_certificate(printing.printed(certificate))
    record("certificates.pdf_downloaded", actor=request.user, obj=certificate, after={"number": certificate.number})
    return _attachment(content, PDF, f"职业技能等级证书-{certificate.number}.pdf")


@login_required
def credential_view(request: HttpRequest, number: str) -> HttpResponse:
    """The W3C Verifiable Credential 2.0 (application/vc+jwt) for a digital wallet."""
    certificate = read.own_certificate(request.user, number)
    token = credentials.verifiable_credential(certificate)
    return _attachment(token.encode(), "application/vc+jwt", f"职业技能等级证书-{certificate.number}.jwt")
