"""library URLs (see guazhi.summaries.urls)."""

from django.urls import path

from guazhi.summaries.views import library

urlpatterns = [
    path("library/", library.library_list, name="library_list"),
    path("library/bookmarks/", library.bookmark_list, name="bookmark_list"),
    path("library/manage/", library.library_manage, name="library_manage"),
    path("library/import/", library.library_import, name="library_import"),
    path("library/<int:document_pk>/", library.library_detail, name="library_detail"),
    path("library/<int:document_pk>/edit/", library.library_edit, name="library_edit"),
    path("library/<int:document_pk>/bookmark/", library.library_bookmark, name="library_bookmark"),
    path("library/<int:document_pk>/consent/", library.library_consent, name="library_consent"),
    path("library/<int:document_pk>/decline/", library.library_decline, name="library_decline"),
    path("library/<int:document_pk>/approve/", library.library_approve, name="library_approve"),
    path("library/<int:document_pk>/withdraw/", library.library_withdraw, name="library_withdraw"),
    path(
        "library/<int:document_pk>/republish/",
        library.library_republish,
        name="library_republish",
    ),
    path("<int:summary_pk>/library/propose/", library.library_propose, name="library_propose"),
    path("<int:summary_pk>/library/offer/", library.library_offer, name="library_offer"),
]
