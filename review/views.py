"""Reviewers' pages: the queue, the review screen with its decisions, paper forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_capability, require
from applications.actions import allowed_actions
from applications.eligibility_service import decide_for, prior_is_related
from applications.forms import CATEGORY_STEP_FIELDS, WAGE_LEVELS, CategoryForm
from applications.models import Application, DocumentSlot, Status
from applications.requirements import required_slots
from applications.selectors import timeline_for
from applications.views import STEPS
from catalog.models import Level
from catalog.views import requested_campaign
from review import selectors, services
from review.forms import ExtendReviewForm, PaperFormForm, QueueFilterForm, ReturnForm
from review.models import item_label
from review.reasons import reasons_for
from skillcert import exports
from skillcert.redirects import next_or
from skillcert.refusals import TransitionRefused


def _queue_rows(request, campaign):
    default = selectors.default_status(request.user)
    bound = "status" in request.GET or "text" in request.GET
    form = QueueFilterForm(request.GET if bound else None, initial={"status": default})
    return form, selectors.queue(request.user, campaign, form.to_filter(default))


@login_required
def queue(request):
    require(request.user, "review.view")
    campaign = requested_campaign(request)
    form, rows = _queue_rows(request, campaign)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page:  # the row's checkbox is there when its decision is open to this reviewer
        row.actions = allowed_actions(request.user, row)
    context = {
        "campaign": campaign,
        "campaigns": selectors.campaign_choices(),
        "can_export_personal_data": exports.can_export_personal_data(request.user),
        "form": form,
        "page": page,
        "counts": selectors.status_counts(request.user, campaign),
        "statuses": Status.choices,
        "paper_forms_missing": selectors.paper_forms_missing(request.user, campaign),
        "can_decide": has_capability(request.user, "review.decide"),
        "extend_form": ExtendReviewForm() if request.user.is_association else None,
    }
    template = "review/queue.html#results" if request.htmx else "review/queue.html"
    return render(request, template, context)


QUEUE_COLUMNS = [
    exports.Column(_("申报编号"), lambda a: a.pk, 10),
    exports.Column(_("姓名"), lambda a: a.full_name, 12),
    exports.Column(_("身份证号码"), lambda a: a.id_number, 22, personal="id_number"),
    exports.Column(_("联系电话"), lambda a: a.phone, 15, personal="phone"),
    exports.Column(_("盟市"), lambda a: a.city.name if a.city else "", 12),
    exports.Column(_("职业编码"), lambda a: a.occupation.code if a.occupation else "", 12),
    exports.Column(_("职业"), lambda a: a.occupation.name if a.occupation else "", 18),
    exports.Column(_("等级"), lambda a: str(a.level or ""), 14),
    exports.Column(_("类别"), lambda a: a.get_category_display(), 10),
    exports.Column(_("首次提交时间"), lambda a: a.submitted_at, 17),
    exports.Column(_("重新提交时间"), lambda a: a.resubmitted_at, 17),
    exports.Column(_("状态"), lambda a: a.get_status_display(), 16),
    exports.Column(_("风险提示"), lambda a: a.flag_count, 9),
    exports.Column(_("纸质申报表"), lambda a: _paper_form_received(a), 11),
]


def _paper_form_received(application) -> bool:
    try:
        return application.paper_form is not None
    except ObjectDoesNotExist:
        return False


@require_POST
@login_required
def export(request):
    """The filtered queue (the page's query string) as xlsx; numbers in clear only on request."""
    require(request.user, "review.view")
    campaign = requested_campaign(request)
    _form, rows = _queue_rows(request, campaign)
    return exports.export_list(
        request, name="review_queue", title=_("资格审核列表"), columns=QUEUE_COLUMNS, rows=rows.iterator(), obj=campaign
    )


def _application(request, pk: int) -> Application:
    require(request.user, "review.view")
    rows = selectors.reviewable(request.user).select_related("campaign", "city", "occupation", "level", "applicant")
    return get_object_or_404(rows, pk=pk)


def _items(application: Application) -> list[tuple[str, str]]:
    """What a reviewer can return: every field of the form and every required document."""
    fields = [(name, item_label(name)) for _step, _label, form in STEPS for name in form._meta.fields]
    slots = [
        (slot, str(DocumentSlot(slot).label)) for slot in required_slots(application.category, application.level_id)
    ]
    return slots + fields  # documents are returned most often


@login_required
def screen(request, pk: int):
    application = _application(request, pk)
    documents = {d.slot: d for d in application.documents.all()}
    slots = [
        {"slot": s, "label": DocumentSlot(s).label, "document": documents.get(s)}
        for s in required_slots(application.category, application.level_id)
    ]
    actions = allowed_actions(request.user, application)
    items = _items(application)
    context = {
        "application": application,
        "decision": decide_for(application),
        "slots": slots,
        "flags": application.flags.select_related("other", "other__city"),
        "rounds": application.review_rounds.select_related("reviewer").prefetch_related("items"),
        "timeline": timeline_for(application),
        "actions": actions,
        "return_items": [{"name": n, "label": label, "reasons": reasons_for(n)} for n, label in items],
        "return_form": ReturnForm(items=items),
        "paper_form": getattr(application, "paper_form", None),
        "paper_form_form": PaperFormForm(initial={"received_on": timezone.localdate()}),
        "fields": _filled_fields(application),
    }
    return render(request, "review/screen.html", context)


def _shown_fields(application: Application):
    """The form's fields, with only the category's own (a 初次 application has no prior certificate)."""
    other_categories = set(CategoryForm._meta.fields) - set(CATEGORY_STEP_FIELDS.get(application.category, []))
    names = [name for _step, _label, form in STEPS for name in form._meta.fields if name not in other_categories]
    return [Application._meta.get_field(name) for name in names]


def _filled_fields(application: Application) -> list[tuple[str, str]]:
    """(label, value) of every filled field the reviewer reads."""
    levels = {level.number: str(level) for level in Level.objects.all()}
    shown = [(f.verbose_name, _display(application, f, levels)) for f in _shown_fields(application)]
    return [(label, value) for label, value in shown if value]


def _display(application: Application, field, levels: dict[int, str]) -> str:
    """A field as the applicant chose it: names, not the numbers stored for levels."""
    if field.name == "phone":
        from skillcert.lib.masking import mask_phone

        return mask_phone(application.phone)
    if field.name == "prior_level" and application.prior_level:
        return levels.get(application.prior_level, str(application.prior_level))
    if field.name == "veteran_wage_level" and application.veteran_wage_level:
        return str(dict(WAGE_LEVELS).get(application.veteran_wage_level, application.veteran_wage_level))
    if field.name == "prior_related":
        if application.prior_related:
            return _("是")
        return _("是（证书职业与申报职业相同）") if prior_is_related(application) else _("否")
    if field.choices:
        return getattr(application, f"get_{field.name}_display")()
    value = getattr(application, field.name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "" if value is None else str(value)


@require_POST
@login_required
def decide(request, pk: int):
    application = _application(request, pk)
    require(request.user, "review.decide")
    try:
        if request.POST.get("decision") == "approve":
            verified = request.POST.getlist("flag") if request.POST.get("flags_verified") == "on" else []
            services.approve(
                request.user,
                application,
                comment=request.POST.get("comment", "")[:500],
                verified_flags=[int(v) for v in verified if v.isdigit()],
            )
            messages.success(request, _("已审核通过。"))
        else:
            form = ReturnForm(request.POST, items=_items(application))
            chosen = form.chosen()
            if form.errors:
                raise TransitionRefused("；".join(form.non_field_errors()))
            services.return_for_changes(
                request.user, application, items=chosen, comment=form.data.get("comment", "")[:500]
            )
            messages.success(request, _("已退回申报人修改。"))
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("review:screen", pk)


@require_POST
@login_required
def bulk_approve(request):
    require(request.user, "review.decide")
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    visible = set(
        selectors.reviewable(request.user, requested_campaign(request)).filter(pk__in=ids).values_list("pk", flat=True)
    )
    result = services.bulk_approve(request.user, sorted(visible))
    messages.success(request, _("已批量通过 %(n)d 份。") % {"n": len(result.approved)})
    for pk, reason in result.skipped.items():
        messages.warning(request, _("第 %(pk)d 号未通过：%(reason)s") % {"pk": pk, "reason": reason})
    return redirect(next_or(request, request.POST.get("next"), "review:queue"))


@require_POST
@login_required
def paper_form(request, pk: int):
    application = _application(request, pk)
    form = PaperFormForm(request.POST)
    if form.is_valid():
        try:
            services.record_paper_form(request.user, application, received_on=form.cleaned_data["received_on"])
            messages.success(request, _("已登记收到纸质申报表。"))
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("review:screen", pk)


@require_POST
@login_required
def extend(request):
    campaign = requested_campaign(request)
    form = ExtendReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的日期。"))
    else:
        try:
            services.extend_review(request.user, campaign, until=form.cleaned_data["until"])
            messages.success(request, _("审核期已延长。"))
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
    return redirect("review:queue")
