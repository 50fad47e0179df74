"""The steps of the application form. Each saves into the draft through the service."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.eligibility import WAGE_TITLES
from applications.models import Application, Category, DocumentSlot, Education, TitleField, TitleRank
from applications.uploads import UPLOAD_MAX_BYTES
from catalog.models import Level, Occupation
from skillcert.lib.identity import InvalidIdentity, parse_id_number, parse_mobile

# 退役军人工资待遇, named like the levels (vocabulary.NATIONAL_LEVELS, translated here).
WAGE_LEVELS = [(number, _(title)) for number, title in WAGE_TITLES.items()]
MAX_UPLOAD_BYTES = UPLOAD_MAX_BYTES  # the largest any slot takes (a phone photo); each slot's own is checked after


class StepForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        kwargs.setdefault("initial", {})["version"] = application.version
        super().__init__(*args, instance=application, **kwargs)

    def step_values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def _not_in_future(value: date | None) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("日期不能晚于今天。"))
    return value


class PersonForm(StepForm):
    class Meta:
        model = Application
        fields = [
            "full_name",
            "ethnicity",
            "education",
            "preparatory_technician",
            "phone",
            "work_started_on",
            "employer",
            "is_direct_unit",
            "city",
        ]
        widgets = {
            "work_started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "full_name": _("须与身份证一致。"),
            "is_direct_unit": _("自治区直属单位由呼和浩特市协办单位统一报名。"),
            "city": _("工作单位所在盟市，由该盟市协办单位受理。"),
        }

    def clean_phone(self):
        try:
            return parse_mobile(self.cleaned_data["phone"])
        except InvalidIdentity as error:
            raise forms.ValidationError(str(error)) from None

    def clean_work_started_on(self):
        value = _not_in_future(self.cleaned_data.get("work_started_on"))
        birth = parse_id_number(self.application.id_number).birth_date
        if value and value.year - birth.year < 16:
            raise forms.ValidationError(_("参加工作时间早于 16 周岁，请核对。"))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("is_direct_unit") and not data.get("city"):
            self.add_error("city", _("请选择工作单位所在盟市。"))
        return data


class TargetForm(StepForm):
    class Meta:
        model = Application
        # The major is judged against the occupation, so it is asked here, once the occupation is chosen.
        fields = [
            "occupation",
            "level",
            "work_type",
            "category",
            "occupation_years",
            "apprenticeship_completed",
            "education_related",
        ]
        help_texts = {
            "work_type": _("没有工种的职业可不填。"),
            "occupation_years": _("从事本职业或相关职业的年数。"),
            "education_related": _("学历证书上的专业与上面选择的申报职业相同或相关时勾选。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = self.application.campaign
        self.offered = {o.occupation_id: set(o.level_numbers()) for o in campaign.offerings.prefetch_related("levels")}
        self.fields["occupation"].queryset = Occupation.objects.filter(pk__in=self.offered).order_by("code")
        self.fields["occupation"].label_from_instance = lambda o: f"{o.name}（{o.code}）"
        self.fields["level"].queryset = Level.objects.all()
        for name in ("occupation", "level", "category"):
            self.fields[name].required = True

    def clean_occupation_years(self):
        years = self.cleaned_data.get("occupation_years")
        if years is not None and years > 60:
            raise forms.ValidationError(_("工龄不超过 60 年，请核对。"))
        return years

    def clean(self):
        data = super().clean()
        occupation, level = data.get("occupation"), data.get("level")
        if occupation and level and level.number not in self.offered.get(occupation.pk, set()):
            offered = "、".join(str(n) for n in sorted(self.offered[occupation.pk], reverse=True))
            self.add_error(
                "level",
                _("本批次“%(occupation)s”只开设 %(levels)s 级。") % {"occupation": occupation.name, "levels": offered},
            )
        return data


CATEGORY_STEP_FIELDS = {
    Category.PROMOTION: [
        "prior_occupation",
        "prior_occupation_name",
        "prior_certificate_number",
        "prior_level",
        "prior_issued_on",
        "prior_related",
        "prior_via_transfer",
        "prior_original_issued_on",
        "prior_via_veteran",
        "prior_wage_granted_year",
    ],
    Category.THROUGH: ["title_field", "title_rank", "title_obtained_on"],
    Category.VETERAN: ["veteran_wage_level", "veteran_wage_since_year"],
}
CATEGORY_STEP_FIELDS[Category.TRANSFER] = CATEGORY_STEP_FIELDS[Category.PROMOTION]


class CategoryForm(StepForm):
    """Only the fields the chosen category needs (none for 初次申报)."""

    class Meta:
        model = Application
        fields = sorted({f for fields in CATEGORY_STEP_FIELDS.values() for f in fields})
        widgets = {
            "prior_issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "prior_original_issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "title_obtained_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "prior_occupation_name": _("证书职业不在目录中时填写。"),
            "prior_original_issued_on": _("证书由平转取得时填写原证书的发证日期，工龄从该日期起算。"),
            "prior_via_veteran": _("退役军人申报取得的证书，合格后于次年可晋级申报。"),
            "prior_wage_granted_year": _("证书由退役军人申报取得时填写，工龄可从兑现待遇当年起算。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = set(CATEGORY_STEP_FIELDS.get(self.application.category, [])) | {"version"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "prior_level" in self.fields:
            self.fields["prior_level"] = forms.TypedChoiceField(
                label=_("所持证书等级"), choices=[("", "—"), *[(n, str(lv)) for n, lv in _levels()]], coerce=int
            )
        if "veteran_wage_level" in self.fields:
            self.fields["veteran_wage_level"] = forms.TypedChoiceField(
                label=_("退役军人工资待遇"), choices=[("", "—"), *WAGE_LEVELS], coerce=int
            )
        for name in ("prior_issued_on", "prior_certificate_number", "title_field", "title_rank", "title_obtained_on"):
            if name in self.fields:
                self.fields[name].required = True

    def clean_prior_issued_on(self):
        return _not_in_future(self.cleaned_data.get("prior_issued_on"))

    def clean_title_obtained_on(self):
        return _not_in_future(self.cleaned_data.get("title_obtained_on"))

    def clean_veteran_wage_since_year(self):
        return _plausible_year(self.cleaned_data.get("veteran_wage_since_year"))

    def clean_prior_wage_granted_year(self):
        return _plausible_year(self.cleaned_data.get("prior_wage_granted_year"))

    def clean(self):
        data = super().clean()
        if "prior_occupation" in self.fields and not (
            data.get("prior_occupation") or data.get("prior_occupation_name")
        ):
            self.add_error("prior_occupation", _("请选择证书上的职业，或在下面填写目录外的职业名称。"))
        if data.get("prior_via_transfer") and not data.get("prior_original_issued_on"):
            self.add_error("prior_original_issued_on", _("平转取得的证书须填写原证书发证日期。"))
        _how_obtained_problems(self, data)
        return data


def _plausible_year(year: int | None) -> int | None:
    if year is not None and not 1950 <= year <= timezone.localdate().year:
        raise forms.ValidationError(_("年份不合理，请核对。"))
    return year


def _how_obtained_problems(form: forms.Form, data: dict) -> None:
    """A certificate came by 平转 or by a veteran's application, never both."""
    via_transfer, via_veteran = data.get("prior_via_transfer"), data.get("prior_via_veteran")
    year, issued = data.get("prior_wage_granted_year"), data.get("prior_issued_on")
    if via_transfer and via_veteran:
        form.add_error("prior_via_veteran", _("一张证书只能由平转或退役军人申报中的一种方式取得。"))
    if via_veteran and year and issued and year > issued.year:
        form.add_error("prior_wage_granted_year", _("兑现工资待遇的年份不能晚于证书的发证年份。"))


def _levels():
    return [(level.number, level) for level in Level.objects.all()]


class RecordForm(StepForm):
    class Meta:
        model = Application
        fields = ["work_history", "achievements", "specialties"]
        widgets = {name: forms.Textarea(attrs={"rows": 6, "maxlength": 3000}) for name in fields}
        help_texts = {"work_history": _("按时间顺序填写：起止年月、单位、岗位。")}

    def clean(self):
        data = super().clean()
        for name in self.Meta.fields:
            if len(data.get(name) or "") > 3000:
                self.add_error(name, _("不超过 3000 字。"))
        return data


class DocumentForm(forms.Form):
    slot = forms.ChoiceField(choices=DocumentSlot.choices, widget=forms.HiddenInput)
    file = forms.FileField(label=_("选择文件"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            limit = MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(_("文件超过 %(limit)d MB，请压缩后再上传。") % {"limit": limit})
        return upload


SELF_CHECK_BASE = ("occupation", "level", "category")
_PRIOR_CERTIFICATE = (
    "prior_level",
    "prior_occupation",
    "prior_related",
    "prior_issued_on",
    "prior_via_transfer",
    "prior_original_issued_on",
)
_SCHOOLING = ("education", "education_related", "preparatory_technician")
# What each category's conditions read (eligibility.decide), in the order a person answers.
SELF_CHECK_FIELDS: dict[str, tuple[str, ...]] = {
    Category.INITIAL: ("occupation_years", "apprenticeship_completed", *_SCHOOLING),
    Category.PROMOTION: (*_PRIOR_CERTIFICATE, "occupation_years", *_SCHOOLING),
    Category.TRANSFER: _PRIOR_CERTIFICATE,
    Category.THROUGH: ("title_field", "title_rank"),
    Category.VETERAN: ("veteran_wage_level",),
}


class SelfCheckForm(forms.Form):
    """申报条件自测: the facts the engine needs, for anyone, nothing stored."""

    occupation = forms.ModelChoiceField(label=_("申报职业"), queryset=Occupation.objects.none())
    level = forms.TypedChoiceField(label=_("申报等级"), coerce=int, choices=[])
    category = forms.ChoiceField(label=_("申报类别"), choices=Category.choices)
    occupation_years = forms.DecimalField(
        label=_("从事本职业或相关职业的年限"), min_value=0, max_value=60, max_digits=4, decimal_places=1, required=False
    )
    apprenticeship_completed = forms.BooleanField(label=_("已完成学徒期"), required=False)
    education = forms.ChoiceField(label=_("文化程度"), choices=[("", "—"), *Education.choices], required=False)
    education_related = forms.BooleanField(label=_("所学专业与申报职业相同或相关"), required=False)
    preparatory_technician = forms.BooleanField(label=_("持有预备技师证书（技师学院）"), required=False)
    prior_level = forms.TypedChoiceField(
        label=_("所持证书等级"), coerce=int, empty_value=None, required=False, choices=[]
    )
    prior_occupation = forms.ModelChoiceField(
        label=_("所持证书职业"), queryset=Occupation.objects.order_by("code"), required=False
    )
    prior_related = forms.BooleanField(label=_("证书职业与申报职业相同或相关"), required=False)
    prior_issued_on = forms.DateField(
        label=_("证书发证日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    prior_via_transfer = forms.BooleanField(label=_("该证书由平转取得"), required=False)
    prior_original_issued_on = forms.DateField(
        label=_("平转前原证书发证日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    prior_via_veteran = forms.BooleanField(label=_("该证书由退役军人申报取得"), required=False)
    prior_wage_granted_year = forms.IntegerField(
        label=_("兑现工资待遇年份"), required=False, min_value=1950, max_value=2100
    )
    title_field = forms.ChoiceField(label=_("职称领域"), choices=[("", "—"), *TitleField.choices], required=False)
    title_rank = forms.ChoiceField(label=_("职称等级"), choices=[("", "—"), *TitleRank.choices], required=False)
    veteran_wage_level = forms.TypedChoiceField(
        label=_("服役期间的工资待遇"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), *WAGE_LEVELS],
    )

    def __init__(self, *args, campaign, category: str = Category.INITIAL, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        # Only what the chosen category needs: the rest is not shown and not read.
        self.category_fields = SELF_CHECK_FIELDS.get(category, SELF_CHECK_FIELDS[Category.INITIAL])
        for name in list(self.fields):
            if name not in SELF_CHECK_BASE and name not in self.category_fields:
                del self.fields[name]
        if "occupation_years" in self.fields:
            self.fields["occupation_years"].required = True
        self.fields["occupation"].queryset = Occupation.objects.filter(offerings__campaign=campaign).order_by("code")
        self.fields["occupation"].label_from_instance = lambda o: f"{o.name}（{o.code}）"
        level_choices = [(level.number, str(level)) for level in Level.objects.all()]
        self.fields["level"].choices = level_choices
        if "prior_level" in self.fields:
            self.fields["prior_level"].choices = [("", "—"), *level_choices]

    def base_fields_shown(self):
        return [self[name] for name in SELF_CHECK_BASE]

    def category_fields_shown(self):
        return [self[name] for name in self.category_fields]

    def facts(self) -> dict:
        """The cleaned facts in plain JSON values, to carry into an application (the session stores them)."""
        facts = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, Occupation):
                value = value.pk
            elif isinstance(value, date):
                value = value.isoformat()
            elif value is not None and name == "occupation_years":
                value = str(value)
            facts[name] = value
        return facts

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if category in (Category.PROMOTION, Category.TRANSFER):
            for name in ("prior_level", "prior_issued_on"):
                if not data.get(name):
                    self.add_error(name, _("晋级、平转须填写所持证书的等级和发证日期。"))
        if category == Category.THROUGH and not (data.get("title_field") and data.get("title_rank")):
            self.add_error("title_field", _("贯通申报须选择职称领域和等级。"))
        if category == Category.VETERAN and not data.get("veteran_wage_level"):
            self.add_error("veteran_wage_level", _("退役军人申报须选择工资待遇等级。"))
        if data.get("prior_via_transfer") and not data.get("prior_original_issued_on"):
            self.add_error("prior_original_issued_on", _("平转取得的证书须填写原证书发证日期。"))
        _how_obtained_problems(self, data)
        return data
