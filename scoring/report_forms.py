"""Forms of the reports and the archive register: the scan upload, a pack, the search."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from catalog.models import Campaign, City, ExamSession
from exams.models import Room, Site
from scoring.services.reports import SCAN_MAX_BYTES

DEFAULT_RETENTION_YEARS = 3


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Room) -> str:
        return f"{obj.site.name} 第{obj.number}考场"


class ScanForm(forms.Form):
    file = forms.FileField(
        label=_("签字盖章后的汇总表扫描件"),
        help_text=_("PDF 或图片（JPG、PNG、BMP），不超过 10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/bmp"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > SCAN_MAX_BYTES:  # refused before it is read into memory
            raise forms.ValidationError(_("文件过大，请上传不超过 10 MB 的扫描件。"))
        return upload


def _rooms(campaign: Campaign, city: City | None) -> QuerySet[Room]:
    rooms = Room.objects.filter(site__campaign=campaign).select_related("site")
    return rooms.filter(site__city=city) if city is not None else rooms


class PackForm(forms.Form):
    room = RoomChoiceField(label=_("考场"), queryset=Room.objects.none())
    session = forms.ModelChoiceField(label=_("场次"), queryset=ExamSession.objects.none())
    sheet_count = forms.IntegerField(label=_("试卷份数"), min_value=0, max_value=100_000)
    box_number = forms.CharField(label=_("档案盒号"), max_length=50)
    storage_place = forms.CharField(label=_("存放地点"), max_length=200)
    retention_years = forms.IntegerField(
        label=_("保管期限（年）"), min_value=1, max_value=100, initial=DEFAULT_RETENTION_YEARS
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, campaign: Campaign, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        room_field = self.fields["room"]
        assert isinstance(room_field, forms.ModelChoiceField)
        room_field.queryset = _rooms(campaign, city).order_by("site__position", "position", "number")
        session_field = self.fields["session"]
        assert isinstance(session_field, forms.ModelChoiceField)
        session_field.queryset = campaign.sessions.all()


class PackSearchForm(forms.Form):
    box_number = forms.CharField(label=_("档案盒号"), required=False, max_length=50)
    storage_place = forms.CharField(label=_("存放地点"), required=False, max_length=200)
    site = forms.ModelChoiceField(label=_("考点"), queryset=Site.objects.none(), required=False)
    room = RoomChoiceField(label=_("考场"), queryset=Room.objects.none(), required=False)
    session = forms.ModelChoiceField(label=_("场次"), queryset=ExamSession.objects.none(), required=False)

    def __init__(self, *args: Any, campaign: Campaign, city: City | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sites = Site.objects.filter(campaign=campaign)
        for name, queryset in (
            ("site", sites.filter(city=city) if city is not None else sites),
            ("room", _rooms(campaign, city)),
            ("session", campaign.sessions.all()),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        room_field = self.fields["room"]
        assert isinstance(room_field, forms.ModelChoiceField)


class RetentionForm(forms.Form):
    days = forms.IntegerField(label=_("天内到期"), min_value=1, max_value=3650, initial=90, required=False)
