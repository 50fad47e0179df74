from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import TokenScope
from skillcert.lib.identity import InvalidIdentity, parse_id_number, parse_mobile

PASSWORD_HINT = _("至少 8 位，同时包含字母和数字，不能包含身份证号或手机号。")


def new_password_field(label, *, hint="") -> forms.CharField:
    """A password the user chooses (registration, reset): typed twice, never stripped."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        help_text=hint,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def passwords_match(form: forms.Form, data: dict) -> dict:
    """The cleaned data, with an error on password2 when the two typed passwords differ."""
    if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
        form.add_error("password2", _("两次输入的密码不一致。"))
    return data


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("身份证号 / 手机号 / 用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("短信验证码"),
        required=False,
        max_length=6,
        help_text=_("已发送到账号绑定的手机。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, with_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]


class RegisterForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=30,
        help_text=_("18 位，最后一位可以是 X。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("手机号码"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})
    )
    password1 = new_password_field(_("密码"), hint=PASSWORD_HINT)
    password2 = new_password_field(_("确认密码"))

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if len(name) < 2:
            raise forms.ValidationError(_("请填写与身份证一致的姓名。"))
        return name

    def clean_id_number(self):
        try:
            return parse_id_number(self.cleaned_data["id_number"]).number
        except InvalidIdentity as error:
            raise forms.ValidationError(str(error)) from None

    def clean_phone(self):
        try:
            return parse_mobile(self.cleaned_data["phone"])
        except InvalidIdentity as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        return passwords_match(self, super().clean())


CODE_FIELD = dict(
    label=_("短信验证码"),
    max_length=6,
    min_length=6,
    widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
)


class CodeForm(forms.Form):
    code = forms.CharField(**CODE_FIELD)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("验证码是 6 位数字。"))
        return code


class UnlockRequestForm(forms.Form):
    identifier = forms.CharField(max_length=150, widget=forms.HiddenInput)


class ForgotPasswordForm(forms.Form):
    phone = forms.CharField(
        label=_("注册时填写的手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
    )

    def clean_phone(self):
        try:
            return parse_mobile(self.cleaned_data["phone"])
        except InvalidIdentity as error:
            raise forms.ValidationError(str(error)) from None


class ResetPasswordForm(CodeForm):
    password1 = new_password_field(_("新密码"), hint=PASSWORD_HINT)
    password2 = new_password_field(_("确认新密码"))

    def clean(self):
        return passwords_match(self, super().clean())


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=50, help_text=_("例如“考场编排导出”，便于日后辨认和吊销。"))
    scope = forms.ChoiceField(label=_("权限范围"), choices=(), initial="read")
    days = forms.IntegerField(label=_("有效天数"), min_value=1, initial=90)

    def __init__(self, *args, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = TokenScope.choices
        days = self.fields["days"]
        days.initial = min(90, max_days)
        days.widget.attrs["max"] = max_days
        days.help_text = _("最长 %(max)d 天；到期后令牌自动失效。") % {"max": max_days}
        days.validators.append(MaxValueValidator(max_days, _("有效期最长 %(limit_value)s 天。")))
        days.error_messages["min_value"] = _("有效期至少 1 天。")
        days.error_messages["invalid"] = _("请输入天数（整数）。")
