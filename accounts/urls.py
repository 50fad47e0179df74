from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/unlock/", views.unlock_view, name="unlock"),
    path("register/", views.register_view, name="register"),
    path("register/verify/", views.register_verify_view, name="register_verify"),
    path("password/forgot/", views.forgot_password_view, name="forgot_password"),
    path("password/reset/", views.reset_password_view, name="password_reset"),
    path("logout/", views.logout_view, name="logout"),
    path("logout-everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("me/", views.me_view, name="me"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("tokens/", views.api_tokens_view, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("people/", views.people_view, name="people"),
    path("people/<int:pk>/reveal/<str:field>/", views.reveal_view, name="reveal"),
    path("people/<int:pk>/reset-password/", views.staff_password_reset_view, name="staff_password_reset"),
]
