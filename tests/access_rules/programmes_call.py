"""Who may open the call's pages: cadres their own call, the staff the batch's applications.

batch_pk and post_pk come from programmes_scope.py: batch_a (district A, notice out, dispatching
浔阳区委党校, the world's cadre's unit) is inside for every role, batch_b outside; post_a is at
白鹿镇, the host leader's unit. Refusals by a service (nothing to withdraw, notice already out)
answer with a redirect and a message, which the matrix counts as answering.
"""

from tests.test_authorization_matrix import MANAGERS, Rule

CADRES = ("admin", "cadre")
STAFF_READERS = ("admin", "coordinator", "dispatch_admin", "host_leader")
RECOMMENDERS = ("admin", "coordinator", "dispatch_admin")
RANKERS = ("admin", "coordinator", "host_leader")

RULES = {
    "programmes:call_list": Rule(CADRES),
    "programmes:notice_edit": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:notice_publish": Rule(MANAGERS, method="POST", scoped="batch_pk"),
    "programmes:application_form": Rule(CADRES, scoped="batch_pk"),
    "programmes:application_withdraw": Rule(CADRES, method="POST", scoped="batch_pk"),
    "programmes:recommendation_decline": Rule(CADRES, method="POST", scoped="batch_pk"),
    "programmes:application_list": Rule(STAFF_READERS, scoped="batch_pk"),
    "programmes:recommendation_create": Rule(RECOMMENDERS, scoped="batch_pk"),
    "programmes:host_preferences": Rule(RANKERS, scoped="post_pk"),
}

SCOPED: dict = {}
