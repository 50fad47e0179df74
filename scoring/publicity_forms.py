"""The objection form: what is wrong is said beside the field (the service checks it again)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from skillcert.lib.identity import looks_like_mobile, normalise_mobile


class ObjectionForm(forms.Form):
    subject = forms.CharField(label=_("异议对象（准考证号或姓名）"), max_length=100)
    text = forms.CharField(label=_("异议的事实和理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
    contact_name = forms.CharField(
        label=_("联系人"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_phone = forms.CharField(
        label=_("手机号码"),
        help_text=_("用于告知调查结果，不会公开。"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in (
            ("subject", _("请填写异议对象（准考证号或姓名）")),
            ("text", _("请写明异议的事实和理由")),
            ("contact_name", _("请填写联系人姓名")),
            ("contact_phone", _("请填写手机号码，以便告知调查结果")),
        ):
            self.fields[name].error_messages["required"] = message

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("请写明异议的事实和理由（至少 10 个字）"))
        return text

    def clean_contact_phone(self) -> str:
        phone = normalise_mobile(self.cleaned_data["contact_phone"])
        if not looks_like_mobile(phone):
            raise forms.ValidationError(_("手机号码应为 11 位数字，以 1 开头"))
        return phone
