"""URL patterns of the programmes area 'batches': batches, their states, and their posts."""

from django.urls import URLPattern, path

from guazhi.programmes.views import batches, posts

urlpatterns: list[URLPattern] = [
    path("", batches.batch_list, name="batch_list"),
    path("batches/new/", batches.batch_create, name="batch_create"),
    path("batches/<int:batch_pk>/", batches.batch_detail, name="batch_detail"),
    path("batches/<int:batch_pk>/edit/", batches.batch_edit, name="batch_edit"),
    path("batches/<int:batch_pk>/transition/", batches.batch_transition, name="batch_transition"),
    path("batches/<int:batch_pk>/posts/", posts.post_list, name="post_list"),
    path("batches/<int:batch_pk>/posts/new/", posts.post_create, name="post_create"),
    path("batches/<int:batch_pk>/posts/import/", posts.post_import, name="post_import"),
    path(
        "batches/<int:batch_pk>/posts/import/sample.xlsx",
        posts.post_import_sample,
        name="post_import_sample",
    ),
    path("posts/<int:post_pk>/edit/", posts.post_edit, name="post_edit"),
]
