"""Forms of the fee schedule page. Amounts are text: `catalog.fees.set_fee` checks them with
`payments.money.yuan`, whose Chinese message the view puts beside the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Campaign, Level, Occupation


def _amount_field() -> forms.CharField:
    return forms.CharField(
        label=_("金额（元）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
    )


class CampaignChoiceForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("认定批次"),
        queryset=Campaign.objects.order_by("-exam_date"),
        to_field_name="slug",
        empty_label=None,
    )


class LevelFeeForm(forms.Form):
    """The fee of one level (all its occupations): one form per row of the table."""

    amount = _amount_field()

    def __init__(self, *args, level: Level, **kwargs):
        kwargs.setdefault("prefix", f"level{level.number}")
        super().__init__(*args, **kwargs)
        self.level = level
        self.fields["amount"].label = _("%(level)s 金额（元）") % {"level": level.name}


class OccupationFeeForm(forms.Form):
    """An occupation's own fee at a level (wins over the level's)."""

    level = forms.ModelChoiceField(
        label=_("等级"),
        queryset=Level.objects.all(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择等级。"), "invalid_choice": _("请选择等级。")},
    )
    occupation = forms.ModelChoiceField(
        label=_("职业"),
        queryset=Occupation.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择职业。"), "invalid_choice": _("所选职业不在本批次的职业目录中。")},
    )
    amount = _amount_field()

    def __init__(self, *args, campaign: Campaign, **kwargs):
        kwargs.setdefault("prefix", "occupation")
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = Occupation.objects.filter(offerings__campaign=campaign).order_by("code")
        self.fields["occupation"].label_from_instance = lambda o: f"{o.code} {o.name}"


class FeeBasisForm(forms.Form):
    fee_basis = forms.CharField(
        label=_("收费依据"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("显示在申报人的缴费页面上，例如收费文件的名称和文号。"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "basis")
        super().__init__(*args, **kwargs)
