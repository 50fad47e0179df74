"""The applicant's pages: start, the steps, documents, review and submit, withdraw."""

from datetime import date
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import documents as printed
from applications import downloads, selectors, services
from applications.actions import allowed_actions
from applications.eligibility_service import decide_for, eligibility_allows_submission
from applications.eligibility_service import self_check as self_check_decision
from applications.forms import (
    CATEGORY_STEP_FIELDS,
    WAGE_LEVELS,
    CategoryForm,
    DocumentForm,
    PersonForm,
    RecordForm,
    SelfCheckForm,
    TargetForm,
)
from applications.models import Application, Category, DocumentSlot, Status
from applications.requirements import MIN_CHARACTERS, required_slots
from applications.uploads import UploadRejected
from catalog import selectors as catalog_selectors
from catalog.models import Level
from certificates.selectors import holder_certificates
from exams import selectors as exam_selectors
from review import selectors as review_selectors
from scoring.publicity_selectors import published_result
from skillcert.lib.masking import mask_id_number, mask_phone
from skillcert.public_cache import public_page
from skillcert.refusals import TransitionRefused

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
STEP_NAMES = [name for name, _label, _form in STEPS] + ["documents", "review"]


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
    carried = request.session.get(SELF_CHECK_SESSION_KEY)
    if not carried or carried.get("campaign") != campaign.pk:
        carried = None
    existing = selectors.current_application(request.user, campaign)
    if existing:
        if carried:
            request.session.pop(SELF_CHECK_SESSION_KEY)
            messages.info(request, _("你在本批次已有申报，自测的条件没有带入；请在申报中修改。"))
        return redirect("applications:detail", existing.pk)
    if request.method == "POST":
        try:
            facts = carried["facts"] if carried else None
            application = services.start_application(request.user, campaign, self_check_facts=facts)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            if carried:
                request.session.pop(SELF_CHECK_SESSION_KEY)
                messages.success(request, _("已带入自测时填写的申报职业、等级和类别等信息，请逐步核对。"))
            return redirect("applications:step", application.pk, "person")
    context = {"campaign": campaign, "today": timezone.localdate(), "carried": bool(carried)}
    return render(request, "applications/start.html", context)


@login_required
def step(request, pk: int, name: str):
    application = selectors.get_application_for(request.user, pk, need="own")
    if not allowed_actions(request.user, application).edit:
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


def _chosen_files(request) -> list[tuple[str, object]]:
    """(slot, file) for every file sent: one form field per slot (`file_<slot>`), or the older `slot` + `file`."""
    chosen = [(name.removeprefix("file_"), upload) for name, upload in request.FILES.items() if name != "file"]
    if "file" in request.FILES:
        chosen.append((request.POST.get("slot", ""), request.FILES["file"]))
    return chosen


def _upload(request, application: Application, slot: str, upload) -> dict:
    """One file into its slot through the service: the error, or the notes of what was done to it."""
    form = DocumentForm({"slot": slot}, {"file": upload})
    if not form.is_valid():
        return {"error": "；".join(e for field_errors in form.errors.values() for e in field_errors)}
    try:
        document = services.upload_document(request.user, application, slot, upload.read(), upload.name)
    except (UploadRejected, TransitionRefused) as refusal:
        return {"error": str(refusal)}
    return {"notes": [str(note) for note in getattr(document, "notes", ()) or ()]}


@login_required
def documents(request, pk: int):
    """All the uploads on one page: without JS one form takes every chosen file; with JS
    (static/js/uploads.js) each file goes up as soon as it is chosen and only its slot is redrawn."""
    application = selectors.get_application_for(request.user, pk, need="own")
    results: dict[str, dict] = {}
    if request.method == "POST":
        if not allowed_actions(request.user, application).edit:
            return redirect("applications:detail", pk)
        chosen = _chosen_files(request)
        for slot, upload in chosen:
            results[slot] = _upload(request, application, slot, upload)
        application.refresh_from_db()
        failed = any("error" in result for result in results.values())
        if request.htmx and len(chosen) == 1:
            item = next((i for i in _slots(application) if i["slot"] == chosen[0][0]), None)
            if item is None:
                return HttpResponse(results[chosen[0][0]].get("error", ""), status=400)
            context = _documents_context(request.user, application, results) | {"item": item}
            return render(request, "applications/documents.html#slot", context, status=400 if failed else 200)
        if not chosen:
            results[""] = {"error": _("请先选择要上传的文件。")}
        elif not failed:
            for slot, result in results.items():
                done = _("“%(slot)s”已上传。") % {"slot": DocumentSlot(slot).label}
                messages.success(request, " ".join([done, *result["notes"]]))
            return redirect(reverse("applications:documents", args=[pk]) + f"#slot-{chosen[-1][0]}")
    context = _documents_context(request.user, application, results)
    return render(request, "applications/documents.html", context, status=400 if context["errors"] else 200)


def _documents_context(user, application: Application, results: dict[str, dict]) -> dict:
    slots = _slots(application)
    return {
        "application": application,
        "slots": slots,
        "uploaded_count": sum(1 for item in slots if item["document"]),
        "results": results,
        "errors": {slot: result["error"] for slot, result in results.items() if "error" in result},
        "steps": _steps_nav("documents"),
        "step": "documents",
        "editable": allowed_actions(user, application).upload,
        "only": services.editable_items(application),
    }


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


WAGE_LABELS = dict(WAGE_LEVELS)


def _value(application: Application, name: str) -> str:
    """A field's value as the applicant typed or chose it, in words."""
    value = getattr(application, name)
    if value in (None, ""):
        return ""
    if name == "prior_level":
        return str(Level.objects.filter(number=value).first() or value)
    if name == "veteran_wage_level":
        return str(WAGE_LABELS.get(value, value))
    if name in ("id_number", "phone"):  # masked here too: the page may be left open on a shared phone
        return mask_id_number(value) if name == "id_number" else mask_phone(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return formats.date_format(value, "Y年n月j日")
    display = getattr(application, f"get_{name}_display", None)
    return str(display() if display else value)


def _rows(application: Application, names) -> list[dict]:
    return [{"label": Application._meta.get_field(n).verbose_name, "value": _value(application, n)} for n in names]


def _review_sections(application: Application, *, editable: bool) -> list[dict]:
    """Everything that will be submitted, step by step, each with where to change it."""
    only = services.editable_items(application)
    person = services.person_of(application)
    sections = []
    for name, label, form_class in STEPS:
        fields = list(form_class._meta.fields)
        if name == "category":
            fields = CATEGORY_STEP_FIELDS.get(application.category, [])
        rows = _rows(application, fields)
        if name == "person":
            rows[1:1] = [
                {"label": _("身份证号码"), "value": _value(application, "id_number")},
                {"label": _("性别"), "value": person.gender_label},
                {"label": _("出生日期"), "value": formats.date_format(person.birth_date, "Y年n月j日")},
            ]
            if application.is_direct_unit:
                rows = [r for r in rows if r["label"] != Application._meta.get_field("is_direct_unit").verbose_name]
                for row in rows:
                    if row["label"] == Application._meta.get_field("city").verbose_name:
                        row["value"] = f"{row['value']}（{_('自治区直属单位')}）"
        changeable = editable and (only is None or bool(set(fields) & only))
        sections.append(
            {
                "name": name,
                "label": label,
                "rows": rows,
                "long": name == "record",
                "empty_note": _("初次申报无需填写。") if name == "category" and not fields else "",
                "edit_url": reverse("applications:step", args=[application.pk, name]) if changeable else "",
            }
        )
    return sections


def _step_of(field: str) -> str:
    return next((name for name, _label, form in STEPS if field in form._meta.fields), "person")


def _missing_fields(application: Application, names) -> list[dict]:
    return [
        {
            "label": Application._meta.get_field(name).verbose_name,
            "url": reverse("applications:step", args=[application.pk, _step_of(name)]) + f"#id_{name}",
        }
        for name in names
    ]


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
    ready = services.readiness(application)
    actions = allowed_actions(request.user, application)
    context = {
        "application": application,
        "actions": actions,
        "ready": ready,
        "decision": (decision := decide_for(application)),
        "eligibility_allows": eligibility_allows_submission(application.campaign, decision),
        "slots": _slots(application),
        "steps": _steps_nav("review"),
        "step": "review",
        "missing_fields": _missing_fields(application, ready.missing_fields),
        "sections": _review_sections(application, editable=actions.edit),
    }
    return render(request, "applications/review.html", context)


def _returned_items(application) -> list[dict]:
    """What the latest return asks to fix, with where to fix it."""
    from review.models import ReturnItem

    latest = application.review_rounds.filter(decision="returned").order_by("-decided_at", "-pk").first()
    if latest is None:
        return []
    items = []
    for item in ReturnItem.objects.filter(round=latest):
        if item.item in DocumentSlot.values:
            label = DocumentSlot(item.item).label
            url = reverse("applications:documents", args=[application.pk]) + f"#slot-{item.item}"
        else:
            label = Application._meta.get_field(item.item).verbose_name
            url = reverse("applications:step", args=[application.pk, _step_of(item.item)])
        items.append({"label": label, "reason": item.reason, "url": url})
    return items


@login_required
def detail(request, pk: int):
    application = selectors.get_application_for(request.user, pk, need="view")
    context = {
        "application": application,
        "actions": allowed_actions(request.user, application),
        "timeline": selectors.timeline_for(application),
        "returned": _returned_items(application) if application.status == Status.RETURNED else [],
        "review_note": review_selectors.note_for_applicant(application),
        "exam": exam_selectors.exam_info_for(application, timezone.localdate()),
        "result": published_result(application),
        "certificates": holder_certificates(application),
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


SELF_CHECK_SESSION_KEY = "self_check_facts"


@public_page
def self_check(request, key: str | None = None):
    """申报条件自测: public, nothing stored in the database.

    The fields follow the chosen category: the server renders them (the category
    select swaps them in with htmx; without JS the first submit after a change of
    category only shows the new fields). The facts of the last check are kept in
    the session, for "按此条件申报" to carry into a new application.
    """
    campaign = (
        catalog_selectors.campaign_by_key(key) if key else catalog_selectors.featured_campaign(timezone.localdate())
    )
    if campaign is None:
        raise Http404
    posted = request.method == "POST"
    category = request.POST.get("category") if posted else request.GET.get("category")
    if category not in Category.values:
        category = Category.INITIAL
    # The facts are judged only when the form showed this category's fields.
    judge = posted and request.POST.get("shown") == category
    form = SelfCheckForm(
        request.POST if judge else None,
        initial=request.POST.dict() if posted and not judge else None,
        campaign=campaign,
        category=category,
    )
    decision = self_check_decision(campaign, form.cleaned_data) if judge and form.is_valid() else None
    if decision is not None:
        request.session[SELF_CHECK_SESSION_KEY] = {"campaign": campaign.pk, "facts": form.facts()}
    context = {"campaign": campaign, "form": form, "decision": decision, "category": category}
    if request.htmx:
        part = "facts" if request.headers.get("HX-Target") == "facts" else "result"
        return render(request, f"applications/self_check.html#{part}", context)
    return render(request, "applications/self_check.html", context)
