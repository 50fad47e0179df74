from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("register/", views.register_view, name="register"),
    path("logout/", views.logout_view, name="logout"),
    path("logout-everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("me/", views.me_view, name="me"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("people/", views.people_view, name="people"),
    path("people/<int:pk>/reveal/<str:field>/", views.reveal_view, name="reveal"),
]
