"""Units, cadres, roles, and their Excel imports and exports."""

from django.urls import path

from guazhi.orgs.views import cadres, roles, roster, transfers, units

app_name = "orgs"

urlpatterns = [
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<int:unit_pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:unit_pk>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<int:unit_pk>/move/", units.unit_move, name="unit_move"),
    path("units/import/", transfers.unit_import, name="unit_import"),
    path("units/import/sample.xlsx", transfers.unit_import_sample, name="unit_import_sample"),
    path("cadres/", roster.cadre_list, name="cadre_list"),
    path("cadres/new/", cadres.cadre_create, name="cadre_create"),
    path("cadres/<int:cadre_pk>/", cadres.cadre_detail, name="cadre_detail"),
    path("cadres/<int:cadre_pk>/edit/", cadres.cadre_edit, name="cadre_edit"),
    path(
        "cadres/<int:cadre_pk>/account/", cadres.cadre_account_create, name="cadre_account_create"
    ),
    path("cadres/import/", transfers.cadre_import, name="cadre_import"),
    path("cadres/import/sample.xlsx", transfers.cadre_import_sample, name="cadre_import_sample"),
    path("cadres/export/", transfers.cadre_export, name="cadre_export"),
    path("me/", cadres.my_profile, name="my_profile"),
    path("roles/", roles.role_list, name="role_list"),
    path("roles/grant/", roles.role_grant, name="role_grant"),
    path("roles/<int:role_pk>/revoke/", roles.role_revoke, name="role_revoke"),
]
