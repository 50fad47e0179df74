"""Forms of the certificates' staff pages: what was typed is kept and each mistake shown beside it."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Occupation
from certificates.models import Handout, PrintCalibration


class IssueForm(forms.Form):
    occupation = forms.ModelChoiceField(
        Occupation.objects.none(), required=False, label=_("职业（不选则为全部）"), empty_label=_("全部职业")
    )
    issued_on = forms.DateField(label=_("发证日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, occupations: QuerySet[Occupation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["occupation"]
        assert isinstance(field, forms.ModelChoiceField)
        if occupations is not None:
            field.queryset = occupations
        self.fields["issued_on"].initial = timezone.localdate()

    def clean_issued_on(self) -> date:
        issued_on: date = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise forms.ValidationError(_("发证日期不能晚于今天。"))
        return issued_on


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写原因。")},
    )


class HandoutForm(forms.Form):
    way = forms.ChoiceField(label=_("领取方式"), choices=Handout.Way.choices, widget=forms.RadioSelect)
    id_checked = forms.BooleanField(label=_("已核验本人身份证件"), required=False)
    unit = forms.CharField(label=_("代领单位"), max_length=100, required=False)
    collector = forms.CharField(label=_("领取人姓名"), max_length=50, required=False)
    collected_on = forms.DateField(label=_("领取日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collected_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        way = data.get("way")
        if way == Handout.Way.HOLDER and not data.get("id_checked"):
            self.add_error("id_checked", _("本人领取须核验身份证件，请核验后勾选。"))
        if way == Handout.Way.UNIT:
            if not (data.get("unit") or "").strip():
                self.add_error("unit", _("请填写代领单位。"))
            if not (data.get("collector") or "").strip():
                self.add_error("collector", _("请填写领取人姓名。"))
        collected_on = data.get("collected_on")
        if collected_on and collected_on > timezone.localdate():
            self.add_error("collected_on", _("领取日期不能晚于今天。"))
        return data


class CalibrationForm(forms.ModelForm):
    class Meta:
        model = PrintCalibration
        fields = ["offset_x_mm", "offset_y_mm"]
        error_messages = {
            name: {
                "min_value": _("偏移应在 −20 到 20 毫米之间；偏差更大请先检查纸张放置。"),
                "max_value": _("偏移应在 −20 到 20 毫米之间；偏差更大请先检查纸张放置。"),
                "max_digits": _("偏移应在 −20 到 20 毫米之间；偏差更大请先检查纸张放置。"),
                "invalid": _("请输入毫米数，例如 1.5 或 -2。"),
            }
            for name in ("offset_x_mm", "offset_y_mm")
        }


class UnitHandoutForm(forms.Form):
    """A unit collecting several certificates: the chosen numbers, the unit, who collected, when."""

    numbers = forms.MultipleChoiceField(
        label=_("证书"), widget=forms.CheckboxSelectMultiple, error_messages={"required": _("请选择要代领的证书。")}
    )
    unit = forms.CharField(label=_("代领单位"), max_length=100, error_messages={"required": _("请填写代领单位。")})
    collector = forms.CharField(
        label=_("领取人姓名"), max_length=50, error_messages={"required": _("请填写领取人姓名。")}
    )
    collected_on = forms.DateField(label=_("领取日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, numbers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["numbers"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(number, number) for number in numbers]
        self.fields["collected_on"].initial = timezone.localdate()

    def clean_collected_on(self) -> date:
        collected_on: date = self.cleaned_data["collected_on"]
        if collected_on > timezone.localdate():
            raise forms.ValidationError(_("领取日期不能晚于今天。"))
        return collected_on
