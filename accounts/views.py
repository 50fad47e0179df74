from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import api_tokens, codes, devices, services
from accounts.forms import (
    ApiTokenForm,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    UnlockRequestForm,
)
from accounts.models import User
from accounts.permissions import has_capability, require, scope_by_city
from skillcert.redirects import next_or


def _next_url(request):
    """Where to go after logging in: the page asked for, else the role's home."""
    home = "staff_home" if has_capability(request.user, "staff.dashboard") else "accounts:me"
    if has_capability(request.user, "exams.checkin"):
        home = "exams:checkin_home"  # exam-day accounts: today's rooms
    return next_or(request, request.POST.get("next") or request.GET.get("next"), home)


def _code_minutes() -> int:
    return int(settings.PHONE_CODE_TTL.total_seconds() // 60)


def login_view(request):
    with_code = services.UNLOCK_SESSION_KEY in request.session
    form = LoginForm(request.POST if request.method == "POST" else None, with_code=with_code)
    offer_code = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.log_in(request, data["identifier"], data["password"], code=data.get("code", ""))
        except services.LoginRefused as refusal:
            form.add_error(None, str(refusal))
            offer_code = refusal.offer_code
        else:
            response = redirect(_next_url(request))
            devices.remember(request, response, user)
            return response
    identifier = form.data.get("identifier", "") if form.is_bound else ""
    context = {"form": form, "next": request.GET.get("next", ""), "offer_code": offer_code, "identifier": identifier}
    return render(request, "accounts/login.html", context)


@require_POST
def unlock_view(request):
    """Send an unlock code to the phone of the account named on the login form."""
    form = UnlockRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_unlock_code(request, form.cleaned_data["identifier"])
        except codes.CodeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            sent = _(
                "如果该账号绑定了手机，验证码已发送到该手机，%(minutes)d 分钟内有效。请输入账号、密码和验证码登录。"
            )
            messages.info(request, sent % {"minutes": _code_minutes()})
    return redirect("accounts:login")


def register_view(request):
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.start_registration(
                request,
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password1"],
            )
        except codes.CodeRefused as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error("password1" if field == "password" else field, errors)
        else:
            return redirect("accounts:register_verify")
    return render(request, "accounts/register.html", {"form": form})


def register_verify_view(request):
    if services.REGISTER_SESSION_KEY not in request.session:
        return redirect("accounts:register")
    if request.method == "POST" and "resend" in request.POST:
        try:
            services.resend_registration_code(request)
        except codes.CodeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.info(request, _("已重新发送验证码，之前的验证码作废。"))
        return redirect("accounts:register_verify")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.complete_registration(request, form.cleaned_data["code"])
        except codes.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            login(request, user, backend="accounts.backends.IdentifierBackend")
            messages.success(request, _("注册成功，手机号码已验证，已为您登录。"))
            response = redirect("accounts:me")
            devices.remember(request, response, user)
            return response
    sent_to = request.session.get(services.SENT_TO_SESSION_KEY, "")
    context = {"form": form, "sent_to": sent_to, "minutes": _code_minutes()}
    return render(request, "accounts/register_verify.html", context)


def forgot_password_view(request):
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_password_reset(request, form.cleaned_data["phone"])
        except codes.CodeRefused as refusal:
            form.add_error("phone", str(refusal))
        else:
            return redirect("accounts:password_reset")
    return render(request, "accounts/forgot_password.html", {"form": form})


def reset_password_view(request):
    if services.RESET_SESSION_KEY not in request.session:
        return redirect("accounts:forgot_password")
    form = ResetPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_password_reset(request, form.cleaned_data["code"], form.cleaned_data["password1"])
        except codes.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        except ValidationError as error:
            form.add_error("password1", error.message_dict.get("password", error.messages))
        else:
            messages.success(request, _("密码已重设，请用新密码登录。其他设备上的登录已失效。"))
            return redirect("accounts:login")
    sent_to = request.session.get(services.SENT_TO_SESSION_KEY, "")
    context = {"form": form, "sent_to": sent_to, "minutes": _code_minutes()}
    return render(request, "accounts/reset_password.html", context)


@require_POST
def logout_view(request):
    services.log_out(request)
    return redirect("catalog:home")


@require_POST
@login_required
def logout_everywhere_view(request):
    services.log_out_everywhere(request)
    messages.success(request, _("已在所有设备上退出登录。"))
    return redirect("accounts:login")


@login_required
def me_view(request):
    from applications.actions import allowed_actions
    from applications.selectors import applications_of
    from exams.selectors import exam_infos_for

    applications = list(applications_of(request.user))
    exams = exam_infos_for(applications, timezone.localdate())
    for application in applications:  # what the applicant can do next, and where they sit
        application.actions = allowed_actions(request.user, application)
        application.exam = exams.get(application.pk)
    context = {
        "subject": request.user,
        "applications": applications,
        "can_hold_tokens": has_capability(request.user, "api_tokens.own"),
    }
    return render(request, "accounts/me.html", context)


class PasswordChange(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(self.request.user)
        messages.success(self.request, _("密码已修改。其他设备上的登录已失效。"))
        return response


@login_required
def people_view(request):
    """Staff accounts in the viewer's scope, personal data masked."""
    require(request.user, "people.view")
    people = scope_by_city(User.objects.exclude(role="applicant"), request.user).select_related("city")
    people = people.order_by("city__position", "role", "username")
    context = {"people": people, "can_reset": has_capability(request.user, "people.reset_password")}
    return render(request, "accounts/people.html", context)


@require_POST
@login_required
def staff_password_reset_view(request, pk: int):
    """The association sets a one-time password for a staff account; shown once, never stored."""
    require(request.user, "people.reset_password")
    subject = get_object_or_404(User.objects.exclude(role="applicant"), pk=pk)
    password = services.reset_staff_password(request.user, subject)
    response = render(request, "accounts/staff_password_reset.html", {"subject": subject, "password": password})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def reveal_view(request, pk: int, field: str):
    """htmx: swap a masked value for the full one, audited."""
    subject = get_object_or_404(User, pk=pk)
    value = services.reveal_personal_data(request.user, subject, field)
    return render(request, "accounts/revealed.html", {"value": value})


@login_required
def api_tokens_view(request):
    """The staff member's personal API tokens (the association also sees everyone's); a new one
    is shown once, on the page that answers its creation, and never again."""
    require(request.user, "api_tokens.own")
    form = ApiTokenForm(request.POST or None, max_days=api_tokens.max_days())
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = api_tokens.create_token(request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
        else:
            form = ApiTokenForm(max_days=api_tokens.max_days())
    tokens = api_tokens.manageable_tokens(request.user).order_by("-created_at")
    context = {
        "form": form,
        "created": created,
        "own": [token for token in tokens if token.user_id == request.user.pk],
        "others": [token for token in tokens if token.user_id != request.user.pk],
        "sees_all": has_capability(request.user, "api_tokens.manage_all"),
    }
    response = render(request, "accounts/api_tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def api_token_revoke_view(request, pk: int):
    require(request.user, "api_tokens.own")
    token = get_object_or_404(api_tokens.manageable_tokens(request.user), pk=pk)
    api_tokens.revoke_token(request.user, token)
    messages.success(request, _("令牌 %(token)s 已吊销，立即失效。") % {"token": token})
    return redirect("accounts:api_tokens")
