"""Forms of invoices: the applicant's request, the association's issuing and list filters.

The forms only collect input; the rules (USCC, e-mail, states) are in `payments.invoicing`,
whose ValidationError is keyed by these field names so the view puts each message in place.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Campaign
from payments.models import InvoiceRequest
from skillcert.uploads import PDF_ACCEPT

KIND_HINTS = {
    InvoiceRequest.Kind.UNIT: _("开给您的工作单位，单位报销用；需填写单位全称和统一社会信用代码。"),
    InvoiceRequest.Kind.PERSONAL: _("开给您本人，抬头为您的姓名。"),
}


class InvoiceRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("发票类型"),
        choices=InvoiceRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择发票类型（单位或个人）。"),
            "invalid_choice": _("请选择发票类型（单位或个人）。"),
        },
    )
    title = forms.CharField(
        label=_("发票抬头"),
        max_length=200,
        required=False,
        help_text=_("单位发票填写单位全称；个人发票填写您的姓名。"),
    )
    tax_number = forms.CharField(
        label=_("纳税人识别号（统一社会信用代码）"),
        max_length=40,
        required=False,
        help_text=_("单位发票必填，18 位，见营业执照或事业单位法人证书；个人发票不填。"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    email = forms.CharField(
        label=_("接收邮箱"),
        max_length=254,
        required=False,
        help_text=_("电子发票开具后发送到这个邮箱。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def kind_options(self) -> list[tuple[forms.boundfield.BoundWidget, str]]:
        """The radio buttons of 发票类型, each with the short hint shown under it."""
        return [(radio, KIND_HINTS.get(radio.data["value"], "")) for radio in self["kind"]]


class IssueInvoiceForm(forms.Form):
    invoice_number = forms.CharField(
        label=_("发票号码"),
        max_length=60,
        required=False,
        help_text=_("全电发票号码为 20 位数字。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    pdf = forms.FileField(
        label=_("电子发票 PDF（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PDF_ACCEPT}),
    )


STATE_CHOICES = [("", _("全部")), *InvoiceRequest.State.choices]
KIND_CHOICES = [("", _("全部")), *InvoiceRequest.Kind.choices]


class InvoiceFilterForm(forms.Form):
    text = forms.CharField(label=_("抬头 / 订单号"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATE_CHOICES)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=KIND_CHOICES)
    campaign = forms.ModelChoiceField(
        label=_("认定批次"),
        required=False,
        queryset=Campaign.objects.order_by("-exam_date"),
        to_field_name="slug",
        empty_label=_("全部"),
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "text": (data.get("text") or "").strip(),
            "state": data.get("state") or "",
            "kind": data.get("kind") or "",
            "campaign": data.get("campaign"),
        }
