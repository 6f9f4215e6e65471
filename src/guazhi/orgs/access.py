"""The guard every view wears: who may open it at all. Object scope is the selectors' job."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from guazhi.core.errors import Forbidden
from guazhi.orgs.scopes import scopes_of

if TYPE_CHECKING:
    from guazhi.orgs.models import User

ANY_ROLE = "__any__"


def roles_required(*roles: str) -> Callable:
    """Logged in and holding one of `roles` (admins hold them all); ANY_ROLE for any login."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if ANY_ROLE not in roles and not scopes_of(request.user).has(*roles):
                raise Forbidden()
            return view(request, *args, **kwargs)

        wrapped.guazhi_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Marks a view that anyone may open (login page, health check): a decision, not an omission."""
    view.guazhi_public = True  # type: ignore[attr-defined]
    return view


def acting_user(request: HttpRequest) -> "User":
    """The logged-in account, typed: behind `roles_required` the visitor is never anonymous."""
    return cast("User", request.user)
