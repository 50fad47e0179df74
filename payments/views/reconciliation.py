"""Staff pages of daily reconciliation (association only, `payments.manage`).

`overview` lists the kept reports (newest day first) and (re)generates a day's reports on POST.
`download` serves a day's workbook: the kept file when there is one; otherwise it is built on
the fly from the current records and the provider's bill, and not kept — a GET changes
nothing; use the overview's button to keep (and audit) a report.
"""

import re
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.permissions import require
from payments import reconciliation

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class GenerateForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("对账日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("微信支付的账单一般在次日上午 10 点后可下载。已有的报告会被替换。"),
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("不能对今天之后的日期对账。"))
        return day


class FilterForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("支付方式"), required=False)
    differences = forms.BooleanField(label=gettext_lazy("只看有差异或账单获取失败的"), required=False)

    def __init__(self, *args, names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", _("全部")), *names.items()]


def _names() -> dict[str, str]:
    return {pid: reconciliation.provider_name(pid) for pid in reconciliation.provider_ids()}


@login_required
@require_http_methods(["GET", "POST"])
def overview(request):
    require(request.user, "payments.manage")
    names = _names()
    status = 200
    if request.method == "POST":
        form = GenerateForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["day"]
            kept = reconciliation.generate_daily_reports(day, actor=request.user)
            for row in kept:
                name = names.get(row.provider, row.provider)
                if row.bill_error:
                    messages.error(request, f"{name} {day:%Y-%m-%d}：{row.bill_error}")
                elif row.difference_count:
                    messages.warning(
                        request,
                        _("%(name)s %(day)s：已生成，有 %(n)s 处差异。")
                        % {"name": name, "day": f"{day:%Y-%m-%d}", "n": row.difference_count},
                    )
                else:
                    messages.success(
                        request, _("%(name)s %(day)s：已生成。") % {"name": name, "day": f"{day:%Y-%m-%d}"}
                    )
            return redirect("payments_staff:reconciliation")
        status = 400
    else:
        form = GenerateForm(initial={"day": timezone.localdate() - timedelta(days=1)})
    filters = FilterForm(request.GET or None, names=names)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    rows = reconciliation.reports(
        provider=criteria.get("provider") or "", with_differences=bool(criteria.get("differences"))
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page:
        row.provider_name = names.get(row.provider, row.provider)
    context = {"form": form, "filters": filters, "page": page}
    return render(request, "payments/reconciliation.html", context, status=status)


@login_required
def download(request, provider: str, day: str):
    require(request.user, "payments.manage")
    if provider not in settings.PAYMENT_PROVIDERS or not DAY.fullmatch(day):
        raise Http404
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    if when > timezone.localdate():
        raise Http404
    content = reconciliation.stored_xlsx(provider, when)
    if content is None:
        content = reconciliation.report_xlsx(reconciliation.build_report(provider, when))
    response = HttpResponse(content, content_type=reconciliation.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{reconciliation.xlsx_filename(provider, when)}"'
    response["Cache-Control"] = "private, no-store"
    return response
