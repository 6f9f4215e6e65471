"""URL patterns of the programmes area 'runs' (included by programmes/urls/__init__.py)."""

from django.urls import URLPattern, path

from guazhi.programmes.views import runs as views

urlpatterns: list[URLPattern] = [
    path("batches/<int:batch_pk>/runs/", views.run_list, name="run_list"),
    path("batches/<int:batch_pk>/runs/new/", views.run_create, name="run_create"),
    path("batches/<int:batch_pk>/runs/compare/", views.run_compare, name="run_compare"),
    path("batches/<int:batch_pk>/runs/pairs/", views.run_pairs, name="run_pairs"),
    path("runs/<int:run_pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_pk>/adopt/", views.run_adopt, name="run_adopt"),
    path("runs/<int:run_pk>/export/", views.run_export, name="run_export"),
]
