"""Forms of 综合评审: the pool, relations, panels, the association's criteria and rules, the sheet."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from catalog.models import Campaign, City, Occupation
from scoring import review as rules
from scoring.models import Criterion, Expert, Panel, ScoringRules
from skillcert.lib.identity import InvalidIdentity, parse_id_number


def _occupations(campaign: Campaign | None = None) -> QuerySet[Occupation]:
    occupations = Occupation.objects.order_by("code")
    if campaign is not None:
        occupations = occupations.filter(pk__in=campaign.offerings.values("occupation"))
    return occupations


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class ExpertForm(forms.ModelForm):
    specialties = forms.ModelMultipleChoiceField(
        label=_("评审专业（职业）"), queryset=Occupation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    account = forms.ModelChoiceField(
        label=_("登录账号"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("本盟市角色为“评审专家”的账号；专家用它登录评分。"),
    )

    class Meta:
        model = Expert
        fields = ["name", "work_unit", "title", "active"]

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "specialties").queryset = _occupations()
        _choices(self, "account").queryset = User.objects.filter(role=Role.EXPERT, city=city, is_active=True).order_by(
            "username"
        )
        if self.instance.pk:
            self.initial["specialties"] = list(self.instance.specialties.values_list("pk", flat=True))
            self.initial["account"] = self.instance.user_id


class RelationForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    relation = forms.CharField(label=_("关系"), max_length=50, help_text=_("如：亲属、师徒、同事"))

    def clean_id_number(self) -> str:
        try:
            return parse_id_number(self.cleaned_data["id_number"]).number
        except InvalidIdentity as error:
            raise forms.ValidationError(str(error)) from None


class PanelForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("评审专家"), queryset=Expert.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    occupations = forms.ModelMultipleChoiceField(
        label=_("评审职业"), queryset=Occupation.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Panel
        fields = ["name", "deadline", "chair"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, city: City, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        experts = Expert.objects.filter(city=city, active=True).order_by("name", "pk")
        _choices(self, "members").queryset = experts
        _choices(self, "chair").queryset = experts
        _choices(self, "occupations").queryset = _occupations(campaign)
        if self.instance.pk:
            self.initial["members"] = list(self.instance.members.values_list("pk", flat=True))
            self.initial["occupations"] = list(self.instance.occupations.values_list("pk", flat=True))


class CriteriaForm(forms.Form):
    lines = forms.CharField(
        label=_("评审项目及分值"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("每行一项：名称和分值，用空格或逗号隔开，如“技术总结 30”；各项分值之和为 100。"),
    )

    @staticmethod
    def initial_for(criteria: list[Criterion]) -> dict[str, str]:
        return {"lines": "\n".join(f"{c.name} {c.weight}" for c in criteria)}

    def clean_lines(self) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        for number, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            line = raw.strip().replace("，", " ").replace(",", " ").replace("\u3000", " ")
            if not line:
                continue
            name, _sep, weight = line.rpartition(" ")
            if not name.strip() or not weight.isdigit():
                raise forms.ValidationError(_("第 %(n)d 行应为“名称 分值”。") % {"n": number})
            rows.append((name.strip(), int(weight)))
        problem = rules.weights_problem([weight for _name, weight in rows])
        if problem:
            raise forms.ValidationError(problem)
        return rows


class ReviewRulesForm(forms.ModelForm):
    class Meta:
        model = ScoringRules
        fields = ["decimals", "publicity_working_days", "panel_size", "spread_threshold", "review_deadline"]
        widgets = {"review_deadline": forms.DateInput(attrs={"type": "date"})}

    def clean_decimals(self) -> int:
        value = self.cleaned_data["decimals"]
        if value > 2:
            raise forms.ValidationError(_("成绩最多保留 2 位小数。"))
        return value

    def clean_publicity_working_days(self) -> int:
        value = self.cleaned_data["publicity_working_days"]
        if value < 1:
            raise forms.ValidationError(_("公示期至少 1 个工作日。"))
        return value

    def clean_panel_size(self) -> int:
        value = self.cleaned_data["panel_size"]
        if value < 3:
            raise forms.ValidationError(_("每位考生至少由 3 位专家评审。"))
        return value


def field_name(criterion_id: int) -> str:
    return f"c{criterion_id}"


class SheetForm(forms.Form):
    """One field per criterion (0..weight), checked by the same rule as the service."""

    comment = forms.CharField(label=_("评语"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields = {}
        for criterion in criteria:
            fields[field_name(criterion.pk)] = forms.CharField(
                label=f"{criterion.name}（{criterion.weight}分）",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
            )
        self.fields = {**fields, **self.fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        facts = [rules.CriterionFacts(c.pk, c.name, c.weight) for c in self.criteria]
        sheet = rules.sheet_total({c.pk: data.get(field_name(c.pk)) for c in self.criteria}, facts)
        for pk, message in sheet.errors.items():
            self.add_error(field_name(pk), message)
        self.total: Decimal | None = sheet.total
        return data

    @property
    def points(self) -> dict[int, object]:
        return {c.pk: self.cleaned_data.get(field_name(c.pk)) for c in self.criteria}


class CloseForm(forms.Form):
    acknowledged = forms.TypedMultipleChoiceField(
        label=_("已核看评分差异较大的考生"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, flagged: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["acknowledged"]).choices = flagged
