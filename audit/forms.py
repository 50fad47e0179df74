from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import City


class AuditSearchForm(forms.Form):
    text = forms.CharField(label=_("操作人 / 对象 / IP"), required=False, max_length=100)
    action = forms.CharField(label=_("操作"), required=False, max_length=80)
    city = forms.ModelChoiceField(label=_("盟市"), queryset=City.objects.all(), required=False, empty_label=_("全部"))
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return data
