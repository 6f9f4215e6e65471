"""Who may open the notification pages: everyone signed in, each only their own notifications
(an administrator included: someone else's notification looks missing)."""

import uuid

from tests.test_authorization_matrix import EVERY_ROLE, Rule

RULES = {
    "core:notification_list": Rule(EVERY_ROLE),
    "core:notification_open": Rule(
        EVERY_ROLE, method="POST", scoped="notification_pk", unscoped_roles=()
    ),
    "core:notification_read_all": Rule(EVERY_ROLE, method="POST"),
}


def _notifications(world, role):  # type: ignore[no-untyped-def]
    from guazhi.core.i18n import Message
    from guazhi.core.notifications import notify
    from tests.factories import UserFactory

    key = uuid.uuid4().hex
    message = Message("通知")
    mine = notify(recipient=world.users[role], kind="test", key=key, message=message, url="/")
    other = UserFactory(username=f"other-{key[:6]}")
    theirs = notify(recipient=other, kind="test", key=key, message=message, url="/")
    return mine, theirs


SCOPED = {"notification_pk": _notifications}
