"""away URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views import away

urlpatterns = [
    path("assignments/<int:assignment_pk>/away/", away.away_list, name="away_list"),
    path("assignments/<int:assignment_pk>/away/new/", away.away_create, name="away_create"),
    path("away/<int:away_pk>/acknowledge/", away.away_acknowledge, name="away_acknowledge"),
    path("away/<int:away_pk>/withdraw/", away.away_withdraw, name="away_withdraw"),
    path("away/<int:away_pk>/form.docx", away.away_document, name="away_document"),
]
