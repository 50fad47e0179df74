"""The applicant's pages: start, the steps, documents, review and submit, withdraw."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_capability
from applications import documents as printed
from applications import downloads, selectors, services, timeline
from applications.eligibility_service import decide_for, eligibility_allows_submission
from applications.eligibility_service import self_check as self_check_decision
from applications.forms import CategoryForm, DocumentForm, PersonForm, RecordForm, SelfCheckForm, TargetForm
from applications.lifecycle import WITHDRAWABLE, TransitionRefused
from applications.models import Application, Category, DocumentSlot, Status
from applications.requirements import MIN_CHARACTERS, required_slots
from applications.uploads import UploadRejected
from audit.models import AuditEvent
from catalog import selectors as catalog_selectors
from review import selectors as review_selectors

STEPS = [
    ("person", _("基本信息"), PersonForm),
    ("target", _("申报职业与等级"), TargetForm),
    ("category", _("申报类别信息"), CategoryForm),
    ("record", _("工作简历与业绩"), RecordForm),
]
PRINTABLES = {
    "form": (printed.render_application_form, "申报表"),
    "pledge": (printed.render_integrity_pledge, "诚信承诺书"),
}
TIMELINE_LABELS = {
    "applications.started": _("开始填写"),
    "applications.draft_saved": _("保存草稿"),
    "applications.document_uploaded": _("上传材料"),
    "applications.submitted": _("提交申报"),
    "applications.withdrawn": _("撤回申报"),
    "applications.resubmitted": _("修改后重新提交"),
    "review.city.approved": _("初审通过"),
    "review.city.returned": _("初审退回修改"),
    "review.association.approved": _("复审通过"),
    "review.association.returned": _("复审退回修改"),
    "review.paper_form_received": _("协办单位收到纸质申报表"),
    "applications.paid": _("缴费成功"),
    "applications.withdrawn_after_approval": _("考前退出"),
    "applications.disqualified": _("取消资格"),
}
STEP_NAMES = [name for name, _label, _form in STEPS] + ["documents", "review"]


def timeline_of(events) -> list[timeline.Line]:
    """An application's audit events as 办理记录 lines (routine saves and uploads folded)."""
    return timeline.grouped(
        (timeline.Event(e.at, e.action, e.actor_label, e.after) for e in events),
        labels=TIMELINE_LABELS,
        slots={value: str(label) for value, label in DocumentSlot.choices},
    )


def _steps_nav(current: str) -> list[dict]:
    labels = {name: label for name, label, _form in STEPS} | {"documents": _("上传材料"), "review": _("核对并提交")}
    return [{"name": name, "label": labels[name], "current": name == current} for name in STEP_NAMES]


def _next_step(step: str) -> str:
    return STEP_NAMES[STEP_NAMES.index(step) + 1]


@login_required
def start(request, key: str | None = None):
    campaign = (
        catalog_selectors.campaign_by_key(key) if key else catalog_selectors.featured_campaign(timezone.localdate())
    )
    if campaign is None:
        raise Http404
    existing = selectors.current_application(request.user, campaign)
    if existing:
        return redirect("applications:detail", existing.pk)
    if request.method == "POST":
        try:
            application = services.start_application(request.user, campaign)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            return redirect("applications:step", application.pk, "person")
    return render(request, "applications/start.html", {"campaign": campaign, "today": timezone.localdate()})


@login_required
def step(request, pk: int, name: str):
    application = selectors.get_application_for(request.user, pk, need="own")
    if application.status not in services.EDITABLE:
        return redirect("applications:detail", pk)
    form_class = {n: f for n, _label, f in STEPS}.get(name)
    if form_class is None:
        raise Http404
    form = form_class(request.POST if request.method == "POST" else None, application=application)
    only = services.editable_items(application)
    if only is not None:  # returned: the other fields are shown but cannot change
        for field_name, field in form.fields.items():
            field.disabled = field_name != "version" and field_name not in only
    if request.method == "POST" and form.is_valid():
        try:
            services.save_step(
                request.user, application, form.step_values(), expected_version=form.cleaned_data["version"]
            )
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            following = _next_step(name)
            if following == "documents":
                return redirect("applications:documents", pk)
            return redirect("applications:step", pk, following)
    context = {"application": application, "form": form, "steps": _steps_nav(name), "step": name}
    if name == "category" and application.category in ("", Category.INITIAL):
        context["nothing_to_fill"] = True
    return render(request, "applications/step.html", context)


def _slots(application) -> list[dict]:
    uploaded = {d.slot: d for d in application.documents.all()}
    return [
        {
            "slot": slot,
            "label": DocumentSlot(slot).label,
            "document": uploaded.get(slot),
            "min_characters": MIN_CHARACTERS.get(slot),
        }
        for slot in required_slots(application.category, application.level_id)
    ]


@login_required
def documents(request, pk: int):
    application = selectors.get_application_for(request.user, pk, need="own")
    errors = {}
    if request.method == "POST":
        if application.status not in services.EDITABLE:
            return redirect("applications:detail", pk)
        form = DocumentForm(request.POST, request.FILES)
        slot = request.POST.get("slot", "")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document = services.upload_document(request.user, application, slot, upload.read(), upload.name)
            except (UploadRejected, TransitionRefused) as refusal:
                errors[slot] = str(refusal)
            else:
                messages.success(request, _("“%(slot)s”已上传。") % {"slot": DocumentSlot(slot).label})
                for note in document.notes:  # what was done to the file: downscaled, metadata removed
                    messages.info(request, note, extra_tags=f"upload-note slot-{slot}")
                # With a note, land at the top where the messages are; else back at the slot.
                anchor = "" if document.notes else f"#slot-{slot}"
                return redirect(reverse("applications:documents", args=[pk]) + anchor)
        else:
            errors[slot] = "；".join(e for field_errors in form.errors.values() for e in field_errors)
    context = {
        "application": application,
        "slots": _slots(application),
        "errors": errors,
        "steps": _steps_nav("documents"),
        "step": "documents",
        "editable": application.status in services.EDITABLE,
        "only": services.editable_items(application),
    }
    return render(request, "applications/documents.html", context, status=400 if errors else 200)


@login_required
def document_file(request, pk: int, slot: str):
    """A stored document, for the applicant and staff who may read the materials; audited."""
    application = selectors.get_application_for(request.user, pk, need="documents")
    document = application.documents.filter(slot=slot).first()
    if document is None:
        raise Http404
    export_name = False
    if slot == "photo":  # the notice's naming: 姓名-身份证号.jpg (masked for who may not see the number)
        export_name = downloads.shows_export_name(request.user, application)
        filename = quote(downloads.photo_name(request.user, application))
        disposition = f"inline; filename*=UTF-8''{filename}"
    else:
        disposition = "inline"
    downloads.record_download(request.user, application, kind="upload", slot=slot, export_name=export_name)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if document.content_type == "application/pdf":
        # The review screen shows PDFs in place, framed by our own pages; no other site may frame them.
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
    return response


@login_required
def review(request, pk: int):
    application = selectors.get_application_for(request.user, pk, need="own")
    if request.method == "POST":
        try:
            services.submit_application(request.user, application)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("申报已提交，等待审核。"))
            return redirect("applications:detail", pk)
    context = {
        "application": application,
        "ready": services.readiness(application),
        "decision": (decision := decide_for(application)),
        "eligibility_allows": eligibility_allows_submission(application.campaign, decision),
        "slots": _slots(application),
        "steps": _steps_nav("review"),
        "step": "review",
        "field_labels": {f.name: f.verbose_name for f in application._meta.fields},
        "person": services.person_of(application),
    }
    return render(request, "applications/review.html", context)


def _returned_items(application) -> list[dict]:
    """What the latest return asks to fix, with where to fix it."""
    from review.models import ReturnItem

    latest = application.review_rounds.filter(decision="returned").order_by("-decided_at", "-pk").first()
    if latest is None:
        return []
    step_of = {name: step for step, _label, form in STEPS for name in form._meta.fields}
    items = []
    for item in ReturnItem.objects.filter(round=latest):
        if item.item in DocumentSlot.values:
            label = DocumentSlot(item.item).label
            url = reverse("applications:documents", args=[application.pk]) + f"#slot-{item.item}"
        else:
            label = Application._meta.get_field(item.item).verbose_name
            url = reverse("applications:step", args=[application.pk, step_of.get(item.item, "person")])
        items.append({"label": label, "reason": item.reason, "url": url})
    return items


@login_required
def detail(request, pk: int):
    application = selectors.get_application_for(request.user, pk, need="view")
    events = (
        AuditEvent.objects.filter(object_type="applications.application", object_id=str(pk))
        .exclude(action=downloads.DOWNLOADED)  # reads are in the audit trail, not in the 办理记录
        .order_by("at")
    )
    can_withdraw = application.applicant_id == request.user.pk and application.status in WITHDRAWABLE
    context = {
        "application": application,
        "timeline": timeline_of(events),
        "can_withdraw": can_withdraw,
        "returned": _returned_items(application) if application.status == Status.RETURNED else [],
        "can_print": application.applicant_id == request.user.pk or has_capability(request.user, "documents.print"),
        "review_note": review_selectors.note_for_applicant(application),
    }
    return render(request, "applications/detail.html", context)


@login_required
def printable(request, pk: int, document: str):
    """The filled 申报表 or the pre-filled 诚信承诺书 as an A4 PDF."""
    application = selectors.get_application_for(request.user, pk, need="print")  # full ID and phone inside
    render_pdf, title = PRINTABLES.get(document, (None, ""))
    if render_pdf is None:
        raise Http404
    pdf = render_pdf(services.sheet_for(application))
    downloads.record_download(request.user, application, kind="printout", slot=document)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{title}-{application.full_name}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def withdraw(request, pk: int):
    application = selectors.get_application_for(request.user, pk, need="own")
    try:
        services.withdraw_application(request.user, application)
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("申报已撤回。"))
    return redirect("applications:detail", pk)


def self_check(request, key: str | None = None):
    """申报条件自测: public, nothing stored; htmx swaps in the result."""
    campaign = (
        catalog_selectors.campaign_by_key(key) if key else catalog_selectors.featured_campaign(timezone.localdate())
    )
    if campaign is None:
        raise Http404
    form = SelfCheckForm(request.POST if request.method == "POST" else None, campaign=campaign)
    decision = (
        self_check_decision(campaign, form.cleaned_data) if request.method == "POST" and form.is_valid() else None
    )
    context = {"campaign": campaign, "form": form, "decision": decision}
    template = "applications/self_check.html#result" if request.htmx else "applications/self_check.html"
    return render(request, template, context)
