"""ratings URLs (see guazhi.evaluation.urls): rating by named raters, the democratic evaluation's
codes and paper ballots, and the public code form."""

from django.urls import path

from guazhi.evaluation.views import codes, ratings

urlpatterns = [
    path("ratings/", ratings.rating_inbox, name="rating_inbox"),
    path("evaluees/<int:evaluee_pk>/rate/", ratings.rating_form, name="rating_form"),
    path("evaluees/<int:evaluee_pk>/paper-ballot/", ratings.paper_ballot, name="paper_ballot"),
    path("rounds/<int:round_pk>/democratic/", codes.democratic_round, name="democratic_round"),
    path(
        "rounds/<int:round_pk>/democratic/export/",
        ratings.democratic_export,
        name="democratic_export",
    ),
    path("rounds/<int:round_pk>/codes/issue/", codes.code_issue, name="code_issue"),
    path("rounds/<int:round_pk>/codes/void/", codes.code_void, name="code_void"),
    path("rounds/<int:round_pk>/codes/sheet/", codes.code_sheet, name="code_sheet"),
    # The code never travels in an address: it is posted (see views.codes).
    path("code/", codes.code_entry, name="code_entry"),
]
