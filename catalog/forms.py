from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.catalog_io import UnreadableCatalog, read_catalog
from catalog.holidays_io import UnreadableSchedule, read_schedule
from catalog.models import Campaign, CampaignRules, HolidayEntry
from catalog.readings import READINGS

MAX_CATALOG_BYTES = 2 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx", ".md")


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label=_("目录文件"),
        help_text=_("CSV、Excel（.xlsx）或通知的 Markdown 表格，表头为：序号、职业、职业编码、级别。不超过 2 MB。"),
    )
    campaign = forms.ModelChoiceField(
        label=_("认定批次"),
        queryset=Campaign.objects.all(),
        required=False,
        empty_label=_("只更新职业，不改动批次"),
        help_text=_("选定批次后，该批次的职业和等级将与文件完全一致。"),
    )
    check_only = forms.BooleanField(label=_("只检查，不导入"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("只接受 .csv、.xlsx 或 .md 文件。"))
        if upload.size > MAX_CATALOG_BYTES:
            raise forms.ValidationError(_("文件超过 2 MB。"))
        try:
            self.report = read_catalog(upload.name, upload.read())
        except UnreadableCatalog as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class CampaignRulesForm(forms.ModelForm):
    class Meta:
        model = CampaignRules
        fields = [reading.field for reading in READINGS]


MAX_SCHEDULE_BYTES = 1024 * 1024


class HolidayEntryForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("类型"), choices=HolidayEntry.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("名称"), max_length=30, help_text=_("例如：元旦、春节、国庆节。"))

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_day(self):
        day = self.cleaned_data["day"]
        if self.year is not None and day.year != self.year:
            raise forms.ValidationError(_("日期须在 %(year)d 年内。") % {"year": self.year})
        return day


class HolidayYearForm(forms.Form):
    complete = forms.BooleanField(
        label=_("本年度放假和调休安排已录入完整"),
        required=False,
        help_text=_("标记后，未录入的日子按普通的周一至周五上班、周六周日休息计算。"),
    )
    source = forms.CharField(
        label=_("依据"), max_length=200, required=False, help_text=_("例如国务院办公厅通知的文号。")
    )


class HolidayImportForm(forms.Form):
    file = forms.FileField(
        label=_("安排文件"),
        help_text=_(
            "CSV 或 Excel（.xlsx），表头为：日期、类型、名称；类型填“放假”或“调休上班”。"
            "文件中出现的年度，其已有安排将被文件内容替换。不超过 1 MB。"
        ),
    )
    complete = forms.BooleanField(label=_("文件包含这些年度的全部安排（标记为完整）"), required=False)
    source = forms.CharField(label=_("依据"), max_length=200, required=False)
    check_only = forms.BooleanField(label=_("只检查，不导入"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("只接受 .csv 或 .xlsx 文件。"))
        if upload.size > MAX_SCHEDULE_BYTES:
            raise forms.ValidationError(_("文件超过 1 MB。"))
        try:
            self.report = read_schedule(upload.name, upload.read())
        except UnreadableSchedule as error:
            raise forms.ValidationError(str(error)) from None
        return upload
