from django import forms
from django.contrib import admin
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import User, new_session_salt
from audit.admin import AuditedAdmin
from skillcert.lib.masking import mask_id_number, mask_phone


class StaffUserForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("设置新密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "city", "is_active"]

    def clean_new_password(self):
        password = self.cleaned_data["new_password"]
        if password:
            password_validation.validate_password(password, self.instance)
        elif self.instance._state.adding:
            raise forms.ValidationError(_("新账号必须设置密码。"))
        return password

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            # Someone else chose it: the holder must choose their own, and old sessions end.
            user.set_password(self.cleaned_data["new_password"])
            user.must_change_password = True
            user.session_salt = new_session_salt()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(AuditedAdmin):
    """Accounts, personal numbers masked; unmasking is done (and audited) in the app."""

    form = StaffUserForm
    list_display = ["__str__", "role", "city", "masked_id_number", "masked_phone", "is_active", "last_login"]
    list_filter = ["role", "city", "is_active"]
    search_fields = ["username"]

    @admin.display(description=_("身份证号码"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("手机号码"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)
