"""Root URL configuration. Every view wears `roles_required` or `public` (see tests/test_authorization_matrix.py)."""

from django.urls import include, path

from guazhi.core.views import health as core_views
from guazhi.dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("guazhi.orgs.urls_accounts")),
    path("orgs/", include("guazhi.orgs.urls")),
    path("programmes/", include("guazhi.programmes.urls")),
    path("duty/", include("guazhi.duty.urls")),
    path("summaries/", include("guazhi.summaries.urls")),
    path("evaluation/", include("guazhi.evaluation.urls")),
    path("core/", include("guazhi.core.urls")),
]
