"""Notifications: a message for one user, shown in the app and emailed once, each kept by key.

`notify` is what every app calls. The (recipient, key) pair is unique, so whoever sends the same
reminder again (the daily job run twice, two workers at once) finds the row made the first time
and sends nothing. The message is stored in Chinese (`text`, also the email) with its source
(core.i18n), so the in-app list reads in each reader's language.

Email goes out after the transaction commits, at most once: a sender first claims the row by
setting `emailed_at` in a transaction of its own and sends inside that transaction, so two
senders never both send it, and a failure (the SMTP server down) rolls the claim back: the row
stays unsent and the next reminder run sends it (`notifications_email_pending`). Notifications
the reader has already opened, and those older than EMAIL_RETRY_WINDOW, are not emailed late.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from guazhi.core.audit import audit_record
from guazhi.core.errors import NotFound
from guazhi.core.i18n import Message, message_source, stored_text
from guazhi.core.models import Notification

logger = logging.getLogger(__name__)

# How long an unsent email is still worth sending: a notice about today's leave is stale in a
# week, and a person given an address later should not receive the backlog of a year.
EMAIL_RETRY_WINDOW = dt.timedelta(days=7)
# An SMTP server that does not answer must not hold the sender (and, on SQLite, the database's
# write lock it holds while sending) for ever.
EMAIL_TIMEOUT_SECONDS = 30
# After this many failures in a row the server is taken to be down: the rest wait for next run.
EMAIL_FAILURES_BEFORE_GIVING_UP = 3
SUBJECT_LENGTH = 60


def notification_create(
    *,
    recipient: Any,
    kind: str,
    key: str,
    message: Message,
    url: str = "",
    email: bool = True,
) -> tuple[Notification | None, bool]:
    """The notification for (recipient, key) and whether this call made it.

    None for a recipient who cannot read it (no account, or a disabled one). With `email`, a
    new notification is emailed once the transaction commits; a caller sending many (the
    reminder run) passes False and sends them together with `notifications_email_pending`.
    """
    if recipient is None or not getattr(recipient, "is_active", False):
        return None, False
    # The Chinese text whatever the language of the request or worker that sends it.
    with translation.override(settings.LANGUAGE_CODE):
        text = str(Message(message.msgid, **message.params))
    values = {"kind": kind, "text": text, "source": message_source(message), "url": url}
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                recipient=recipient, key=key, defaults=values
            )
    except IntegrityError:  # made meanwhile by a concurrent sender: theirs is the one
        found = Notification.objects.filter(recipient=recipient, key=key).first()
        if found is None:
            raise
        return found, False
    if created and email and recipient.email:
        transaction.on_commit(partial(_email_now, notification.pk))
    return notification, created


def notify(
    *, recipient: Any, kind: str, key: str, message: Message, url: str = ""
) -> Notification | None:
    """Notify `recipient` once per `key`: the existing notification when it was sent before."""
    notification, _created = notification_create(
        recipient=recipient, kind=kind, key=key, message=message, url=url
    )
    return notification


def _email_now(pk: int) -> None:
    _email_over_one_connection([pk])


def notifications_email_pending() -> int:
    """Email the notifications that are due an email and have none yet (the SMTP server was
    down, or the sender stopped): newest first, one connection. Returns how many were sent."""
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=timezone.now() - EMAIL_RETRY_WINDOW,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    return _email_over_one_connection(pending) if pending else 0


def _email_over_one_connection(pks: list[int]) -> int:
    # Connect before any row is claimed: a server slow to answer then holds no lock (on SQLite,
    # the claim holds the database's write lock until the send is done).
    try:
        connection = get_connection(timeout=EMAIL_TIMEOUT_SECONDS)
        connection.open()
    except Exception:
        logger.exception(
            "email server unavailable: %s notifications wait for the next run", len(pks)
        )
        return 0
    try:
        return _email_each(pks, connection)
    finally:
        connection.close()


def _email_each(pks: Iterable[int], connection: BaseEmailBackend) -> int:
    sent = failures = 0
    for pk in pks:
        try:
            if _email_one(pk, connection):
                sent += 1
            failures = 0
        except Exception:
            logger.exception("notification %s: email not sent, retried by the next run", pk)
            failures += 1
            if failures >= EMAIL_FAILURES_BEFORE_GIVING_UP:
                break
    return sent


def _email_one(pk: int, connection: BaseEmailBackend) -> bool:
    """Claim and send in one transaction: a concurrent sender's claim waits for ours and then
    finds the row taken; a failed send rolls the claim back."""
    with transaction.atomic():
        notification = Notification.objects.select_related("recipient").filter(pk=pk).first()
        if notification is None or not notification.recipient.email:
            return False
        claimed = Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        email_message(notification, connection).send()
    return True


def email_message(notification: Notification, connection: BaseEmailBackend) -> EmailMessage:
    """The email of a notification: the Chinese text, and the page's address when the
    deployment says where it is served (SITE_URL)."""
    with translation.override(settings.LANGUAGE_CODE):
        first_line = notification.text.splitlines()[0] if notification.text else ""
        if len(first_line) > SUBJECT_LENGTH:
            first_line = first_line[: SUBJECT_LENGTH - 1] + "…"
        subject = gettext("【挂职】%(text)s") % {"text": first_line}
        body = notification.text
        site = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
        if notification.url and site:
            body += "\n\n" + gettext("查看：%(url)s") % {"url": site + notification.url}
        else:
            body += "\n\n" + gettext("请登录挂职干部管理系统查看。")
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        connection=connection,
    )


# Reading ---------------------------------------------------------------------------------


def notification_list(*, actor: Any) -> QuerySet[Notification]:
    """The actor's own notifications, newest first; nobody reads anyone else's."""
    return Notification.objects.filter(recipient_id=actor.pk).order_by("-created_at", "-id")


def notification_unread_count(*, actor: Any) -> int:
    """How many of the actor's notifications are unread: one indexed count (the menu badge)."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).count()


def notification_text(notification: Notification) -> str:
    """The notification in the active language (its source), else as it was written."""
    return stored_text(notification.text, notification.source)


def access_notification(*, actor: Any, pk: int) -> Notification:
    """The actor's own notification; anyone else's looks missing, like a missing one."""
    notification = Notification.objects.filter(pk=pk, recipient_id=actor.pk).first()
    if notification is None:
        raise NotFound()
    return notification


# Writing ---------------------------------------------------------------------------------


def notification_mark_read(*, actor: Any, pk: int) -> Notification:
    """Mark one of the actor's notifications read (reading it again changes nothing)."""
    with transaction.atomic():
        notification = access_notification(actor=actor, pk=pk)
        if notification.read_at is None:
            # Conditional, so a second tab opening it at the same moment records one read.
            now = timezone.now()
            if Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=now):
                notification.read_at = now
                audit_record(
                    actor=actor,
                    action="notification.read",
                    obj=notification,
                    detail={"kind": notification.kind},
                )
    return notification


def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    with transaction.atomic():
        count = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if count:
            audit_record(actor=actor, action="notification.read_all", detail={"count": count})
    return count
