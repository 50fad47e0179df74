from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.catalog_io import UnreadableCatalog, read_catalog
from catalog.models import Campaign

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
