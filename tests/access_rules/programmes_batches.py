"""Who may open the batch and post pages: every reader role reads the batches it sees, only
coordinators (and admins) write. batch_pk and post_pk come from programmes_scope."""

from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

RULES = {
    "programmes:batch_list": Rule(EVERY_ROLE),
    "programmes:batch_create": Rule(MANAGERS),
    "programmes:batch_detail": Rule(EVERY_ROLE, scoped="batch_pk"),
    "programmes:batch_edit": Rule(MANAGERS, scoped="batch_pk"),
    # No reason given: the page again with the message, nothing moves.
    "programmes:batch_transition": Rule(MANAGERS, method="POST", scoped="batch_pk"),
    "programmes:post_list": Rule(EVERY_ROLE, scoped="batch_pk"),
    "programmes:post_create": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:post_edit": Rule(MANAGERS, scoped="post_pk"),
    "programmes:post_import": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:post_import_sample": Rule(MANAGERS, scoped="batch_pk"),
}

SCOPED: dict = {}
