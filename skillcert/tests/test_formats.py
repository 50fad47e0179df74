"""Dates in forms: what a browser's date picker shows and sends is ISO 8601."""

from datetime import date

from django import forms


class _DateForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_a_prefilled_date_input_shows_an_iso_date_the_browser_can_display():
    html = str(_DateForm(initial={"day": date(2026, 12, 2)})["day"])
    assert 'value="2026-12-02"' in html


def test_a_date_field_reads_iso_and_the_usual_chinese_spellings():
    for typed in ("2026-12-02", "2026/12/02", "2026年12月2日"):
        form = _DateForm(data={"day": typed})
        assert form.is_valid(), typed
        assert form.cleaned_data["day"] == date(2026, 12, 2)
