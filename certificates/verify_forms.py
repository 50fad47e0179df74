"""The public verification forms: by 证书编号 and name, or by ID number and name. What is wrong with
what was typed is said beside the field; a miss is said once, above, for the whole form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates import verification
from certificates.numbering import normalise_number
from skillcert.lib.identity import InvalidIdentity, parse_id_number


class _VerifyForm(forms.Form):
    """The name both ways ask for; each way adds its number and its `lookup`."""

    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        help_text=_("与证书上的姓名一致；少数民族姓名中的间隔号可不填。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("请填写持证人姓名")},
    )


class NumberForm(_VerifyForm):
    number = forms.CharField(
        label=_("证书编号"),
        max_length=40,
        help_text=_("证书上的 22 位编号，如 S000015150001233000001。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("请填写证书编号")},
    )
    field_order = ["number", "name"]

    def clean_number(self) -> str:
        number = normalise_number(self.cleaned_data["number"])
        if not verification.is_number(number):
            raise forms.ValidationError(_("证书编号应为 1 位字母加 21 位数字，请核对"))
        return number

    def lookup(self) -> list[verification.Answer]:
        answer = verification.by_number(self.cleaned_data["number"], self.cleaned_data["name"])
        return [answer] if answer else []


class IdNumberForm(_VerifyForm):
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=25,
        help_text=_("持证人的 18 位居民身份证号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("请填写持证人的身份证号")},
    )
    field_order = ["id_number", "name"]

    def clean_id_number(self) -> str:
        try:
            return parse_id_number(self.cleaned_data["id_number"]).number
        except InvalidIdentity as invalid:
            raise forms.ValidationError(str(invalid)) from None

    def lookup(self) -> list[verification.Answer]:
        return verification.by_id_number(self.cleaned_data["id_number"], self.cleaned_data["name"])


VerifyForm = NumberForm | IdNumberForm
FORMS: dict[str, type[VerifyForm]] = {"number": NumberForm, "id": IdNumberForm}


def form_for(way: str, data: Any = None) -> VerifyForm:
    return FORMS.get(way, NumberForm)(data)
