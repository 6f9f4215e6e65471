"""Accounts: login (with axes lockout), logout, password change, language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext
from django.views.decorators.http import require_POST

from guazhi.core.audit import audit_record
from guazhi.core.forms import NoLabelSuffix
from guazhi.core.rendering import page_context, render_page
from guazhi.orgs.access import ANY_ROLE, public, roles_required


class GuazhiLoginView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        return page_context(self.request, super().get_context_data(**kwargs))


login_view = public(GuazhiLoginView.as_view())
logout_view = public(LogoutView.as_view())


class PasswordChangeForm(NoLabelSuffix, auth_forms.PasswordChangeForm):
    pass


@roles_required(ANY_ROLE)
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)  # type: ignore[arg-type]  # the guard ensures a login
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit_record(actor=user, action="auth.password_change", obj=user)
        messages.success(request, gettext("密码已修改。"))
        return HttpResponseRedirect("/")
    return render_page(request, "registration/password_change.html", {"form": form})


@public
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Like Django's set_language, but only to same-site pages and remembered for a year."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
