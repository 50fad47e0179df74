"""Password rules beyond Django's: letters and digits, and not a personal number."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    def validate(self, password, user=None):
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError(_("密码须同时包含字母和数字。"), code="password_letters_and_digits")

    def get_help_text(self):
        return _("密码须同时包含字母和数字。")


class NotPersonalNumberValidator:
    """A password that contains the ID number or phone number is guessable."""

    def validate(self, password, user=None):
        if user is None:
            return
        for value in (getattr(user, "id_number", ""), getattr(user, "phone", "")):
            if value and len(value) >= 6 and (value[-6:] in password or value.lower() in password.lower()):
                raise ValidationError(_("密码不能包含身份证号码或手机号码。"), code="password_personal_number")

    def get_help_text(self):
        return _("密码不能包含身份证号码或手机号码。")
