from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Category, Status
from catalog.models import City, Level, Occupation
from review.reasons import STANDARD_REASONS, reason_text
from review.selectors import QueueFilter

SORT_CHOICES = [
    ("submitted", _("最近提交时间（早→晚）")),
    ("-submitted", _("最近提交时间（晚→早）")),
    ("name", _("姓名")),
    ("occupation", _("职业")),
]
FLAG_CHOICES = [("", _("全部")), ("yes", _("有风险提示")), ("no", _("无风险提示"))]


class QueueFilterForm(forms.Form):
    text = forms.CharField(label=_("姓名 / 身份证或手机尾号"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Status.choices])
    occupation = forms.ModelChoiceField(
        label=_("职业"), required=False, queryset=Occupation.objects.order_by("code"), empty_label=_("全部")
    )
    level = forms.ModelChoiceField(label=_("等级"), required=False, queryset=Level.objects.all(), empty_label=_("全部"))
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *Category.choices])
    city = forms.ModelChoiceField(label=_("盟市"), required=False, queryset=City.objects.all(), empty_label=_("全部"))
    submitted_from = forms.DateField(
        label=_("提交日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    submitted_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    flagged = forms.ChoiceField(label=_("风险提示"), required=False, choices=FLAG_CHOICES)
    paper_form_missing = forms.BooleanField(label=_("只看未交纸质申报表"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)

    def to_filter(self, default_status: str) -> QueueFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status", default_status) if self.is_bound else default_status
        return QueueFilter(
            status=status or "",
            occupation_id=data["occupation"].pk if data.get("occupation") else None,
            level=data["level"].pk if data.get("level") else None,
            category=data.get("category") or "",
            city_id=data["city"].pk if data.get("city") else None,
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            flagged={"yes": True, "no": False}.get(data.get("flagged") or ""),
            paper_form_missing=bool(data.get("paper_form_missing")),
            text=data.get("text") or "",
            sort=data.get("sort") or "submitted",
        )


class ReturnForm(forms.Form):
    """One checkbox per item, each with a standard reason and/or a note."""

    comment = forms.CharField(
        label=_("给申报人的说明（可选）"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.item_names = [name for name, _label in items]
        self.labels = dict(items)

    def chosen(self) -> list[tuple[str, str, str]]:
        """(item, reason_code, reason) for each checked item; errors name what is missing."""
        picked = [name for name in self.data.getlist("items") if name in self.item_names]
        if not picked:
            self.add_error(None, _("请至少勾选一项需要修改的内容。"))
            return []
        chosen = []
        for name in picked:
            code = self.data.get(f"reason_{name}", "")
            note = self.data.get(f"note_{name}", "").strip()[:200]
            if code and code not in STANDARD_REASONS:
                code = ""
            if not code and not note:
                self.add_error(None, _("“%(item)s”请选择原因或填写说明。") % {"item": self.labels[name]})
                continue
            reason = "；".join(part for part in (reason_text(code) if code else "", note) if part)
            chosen.append((name, code, reason))
        return chosen


class PaperFormForm(forms.Form):
    received_on = forms.DateField(
        label=_("收到日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return value


class ExtendReviewForm(forms.Form):
    until = forms.DateField(label=_("审核延长至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
