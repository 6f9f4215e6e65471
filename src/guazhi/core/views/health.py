"""Views of the shared building blocks that are not a domain of their own."""

from typing import Any

from django.http import HttpRequest, HttpResponse

from guazhi.core.rendering import render_page
from guazhi.orgs.access import public


@public
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring; also the baseline view of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this after too many failed logins for one account."""
    from django.conf import settings
    from django.utils.translation import gettext

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = gettext("登录失败次数过多，账号已锁定 %(minutes)s 分钟，请稍后再试或联系管理员。") % {
        "minutes": minutes
    }
    return render_page(request, "registration/locked.html", {"message": message}, status=429)
