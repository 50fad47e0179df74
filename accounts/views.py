from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import LoginForm, RegisterForm
from accounts.models import User
from accounts.permissions import has_capability, require, scope_by_city
from audit.services import record
from skillcert.redirects import next_or


def _next_url(request):
    """Where to go after logging in: the page asked for, else the role's home."""
    home = "staff_home" if has_capability(request.user, "staff.dashboard") else "accounts:me"
    return next_or(request, request.POST.get("next") or request.GET.get("next"), home)


def login_view(request):
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_in(request, form.cleaned_data["identifier"], form.cleaned_data["password"])
        except services.LoginRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def register_view(request):
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_applicant(
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password1"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error("password1" if field == "password" else field, errors)
        else:
            login(request, user, backend="accounts.backends.IdentifierBackend")
            messages.success(request, _("注册成功，已为您登录。"))
            return redirect("accounts:me")
    return render(request, "accounts/register.html", {"form": form})


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
    from applications.selectors import applications_of

    return render(request, "accounts/me.html", {"subject": request.user, "applications": applications_of(request.user)})


class PasswordChange(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")

    def form_valid(self, form):
        response = super().form_valid(form)
        record("accounts.password_changed", actor=self.request.user, obj=self.request.user)
        messages.success(self.request, _("密码已修改。其他设备上的登录已失效。"))
        return response


@login_required
def people_view(request):
    """Staff accounts in the viewer's scope, personal data masked."""
    require(request.user, "people.view")
    people = scope_by_city(User.objects.exclude(role="applicant"), request.user).select_related("city")
    people = people.order_by("city__position", "role", "username")
    return render(request, "accounts/people.html", {"people": people})


@require_POST
@login_required
def reveal_view(request, pk: int, field: str):
    """htmx: swap a masked value for the full one, audited."""
    subject = get_object_or_404(User, pk=pk)
    value = services.reveal_personal_data(request.user, subject, field)
    return render(request, "accounts/revealed.html", {"value": value})
