"""Login, logout, password change and the language switch."""

from django.urls import path

from guazhi.orgs.views import accounts as views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("language/", views.language_switch, name="language_switch"),
]
