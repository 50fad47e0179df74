"""Forms of the co-organizer's exam pages: the services decide, these only read input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exams import grid, seating
from exams.models import ExamStaff, Room, Site


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "address", "office_phone", "contact_name", "position"]


class RoomForm(forms.ModelForm):
    """The grid's special seats as text ("1-2, 3-4"): the plain fallback of the seat-grid editor,
    whose clicks write these same two fields."""

    unusable_text = forms.CharField(
        label=_("不可用座位"), required=False, help_text=_("写成“排-号”，用逗号分隔，例如：1-1, 2-3。")
    )
    accessible_text = forms.CharField(label=_("无障碍座位"), required=False, help_text=_("同上，例如：1-1。"))

    class Meta:
        model = Room
        fields = ["number", "building", "floor", "kind", "rows", "columns", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["unusable_text"].initial = grid.format_seats(self.instance.unusable)
            self.fields["accessible_text"].initial = grid.format_seats(self.instance.accessible)

    def clean(self):
        data = super().clean()
        rows, columns = data.get("rows"), data.get("columns")
        if not rows or not columns:
            return data
        for name, target in (("unusable_text", "unusable"), ("accessible_text", "accessible")):
            try:
                setattr(self.instance, target, grid.parse_seats(data.get(name, ""), rows=rows, columns=columns))
            except grid.BadSeats as error:
                self.add_error(name, str(error))
        both = {tuple(s) for s in self.instance.unusable} & {tuple(s) for s in self.instance.accessible}
        if both:
            self.add_error("accessible_text", _("无障碍座位不能同时是不可用座位：") + grid.format_seats(both))
        return data


class StaffForm(forms.ModelForm):
    class Meta:
        model = ExamStaff
        fields = ["name", "work_unit", "duty", "phone", "site"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites if sites is not None else Site.objects.none()
        if self.instance.pk:
            self.initial["phone"] = ""  # never echoed back; blank keeps the stored number
            self.fields["phone"].help_text = _("已保存的号码不显示；留空表示不修改。")

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        if not value and self.instance.pk:
            return ExamStaff.objects.get(pk=self.instance.pk).phone
        return value


class AssignForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("考务人员"), queryset=ExamStaff.objects.none())
    room = forms.ModelChoiceField(label=_("考场"), queryset=Room.objects.none())
    session = forms.ModelChoiceField(label=_("场次"), queryset=None)

    def __init__(self, *args, staff, rooms, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["room"].queryset = rooms
        self.fields["session"].queryset = sessions


class NeedForm(forms.Form):
    accessible = forms.BooleanField(label=_("需要无障碍座位"), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


SPACING_CHOICES = [
    (seating.Spacing.NONE.value, _("不间隔")),
    (seating.Spacing.ALTERNATE_COLUMNS.value, _("隔列就座")),
    (seating.Spacing.CHECKERBOARD.value, _("梅花形就座（前后左右均空）")),
]


class SeatingForm(forms.Form):
    seed = forms.IntegerField(label=_("随机种子"), min_value=0, max_value=2_000_000_000, initial=1)
    spacing = forms.ChoiceField(label=_("座位间隔"), choices=SPACING_CHOICES, initial=seating.Spacing.NONE.value)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MoveForm(forms.Form):
    application = forms.IntegerField(label=_("考生"))
    room = forms.IntegerField(label=_("考场"))
    row = forms.IntegerField(label=_("排"), min_value=1, max_value=40)
    column = forms.IntegerField(label=_("号"), min_value=1, max_value=40)
    confirm = forms.BooleanField(label=_("仍然调整（已知同单位相邻等提示）"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class SwapForm(forms.Form):
    first = forms.IntegerField(label=_("考生甲"))
    second = forms.IntegerField(label=_("考生乙"))
    confirm = forms.BooleanField(label=_("仍然交换（已知同单位相邻等提示）"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
