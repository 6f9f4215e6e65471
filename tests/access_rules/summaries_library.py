"""Who may open the experience library pages: every signed-in user reads published documents and
keeps their own bookmarks; coordinators manage, edit, import, propose and approve (the documents
of their own organisation); the author (a cadre) consents, declines, offers and withdraws.

Inside objects are 张三's (the world's cadre, batch A in 浔阳区); outside ones are 周亮's in batch
B. An outside document is one the role cannot open at all (not published, not theirs to manage),
so every allowed role gets 404 for it; a published outside one is readable by all, so the pages
that manage documents use a published one to show 浔阳区's coordinator does not manage it.
"""

from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

AUTHOR = ("admin", "cadre")

RULES = {
    "summaries:library_list": Rule(EVERY_ROLE),
    "summaries:bookmark_list": Rule(EVERY_ROLE),
    "summaries:library_manage": Rule(MANAGERS),
    "summaries:library_import": Rule(MANAGERS),
    "summaries:library_detail": Rule(EVERY_ROLE, scoped="document_pk", objects="library_readable"),
    "summaries:library_bookmark": Rule(
        EVERY_ROLE,
        method="POST",
        scoped="document_pk",
        objects="library_readable",
        data={"marked": "1"},
    ),
    "summaries:library_edit": Rule(MANAGERS, scoped="document_pk", objects="library_published"),
    # The one-button actions answer with a redirect; one refused (an admin is nobody's author,
    # the state moved on) says why on the next page.
    "summaries:library_consent": Rule(
        AUTHOR, method="POST", scoped="document_pk", objects="library_consent"
    ),
    "summaries:library_decline": Rule(
        AUTHOR, method="POST", scoped="document_pk", objects="library_consent"
    ),
    "summaries:library_approve": Rule(
        MANAGERS, method="POST", scoped="document_pk", objects="library_approval"
    ),
    "summaries:library_withdraw": Rule(
        ("admin", "coordinator", "cadre"),
        method="POST",
        scoped="document_pk",
        objects="library_approval",
    ),
    "summaries:library_republish": Rule(
        MANAGERS, method="POST", scoped="document_pk", objects="library_withdrawn"
    ),
    "summaries:library_propose": Rule(
        MANAGERS, method="POST", scoped="summary_pk", objects="library_summary"
    ),
    "summaries:library_offer": Rule(
        AUTHOR, method="POST", scoped="summary_pk", objects="library_summary"
    ),
}


def _documents(inside_state: str, outside_state: str):  # type: ignore[no-untyped-def]
    def make(world, role):  # type: ignore[no-untyped-def]
        from tests.summaries.library_world import library_world

        found = library_world(world)
        return (
            found.document(found.zhang, state=inside_state),
            found.document(found.zhou, state=outside_state),
        )

    return make


def _summaries(world, role):  # type: ignore[no-untyped-def]
    from tests.summaries.library_world import library_world

    found = library_world(world)
    return found.archived(found.zhang), found.archived(found.zhou)


SCOPED = {
    "library_readable": _documents("published", "awaiting_approval"),
    "library_published": _documents("published", "published"),
    "library_consent": _documents("awaiting_consent", "awaiting_consent"),
    # The admin acts first, on the outside document too: one it cannot move keeps it unseen.
    "library_approval": _documents("awaiting_approval", "awaiting_consent"),
    "library_withdrawn": _documents("withdrawn", "awaiting_consent"),
    "library_summary": _summaries,
}
