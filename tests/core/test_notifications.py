"""Notifications: sent once per key, emailed once (retried when the server fails), read by their
recipient only, in the reader's language, with an unread count beside the menu entry."""

import logging
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from guazhi.core.errors import NotFound
from guazhi.core.i18n import Message
from guazhi.core.models import AuditEvent, Notification
from guazhi.core.notifications import (
    notification_list,
    notification_mark_read,
    notification_unread_count,
    notifications_email_pending,
    notifications_mark_all_read,
    notify,
)
from tests.pages import as_user, page

LEAVE_URL = "/duty/approvals/"


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down: every send fails."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("SMTP server down")


class UnreachableBackend(BaseEmailBackend):
    """An SMTP server that cannot be reached at all: connecting fails."""

    def open(self) -> bool:
        raise TimeoutError("SMTP server does not answer")

    def send_messages(self, email_messages: Any) -> int:
        raise AssertionError("never reached: the connection failed first")


def hello(name: str = "张三") -> Message:
    return Message(gettext_noop("%(name)s申请年休假2天，等待您审批。"), name=name)


def send(world: Any, role: str = "host_leader", key: str = "leave-step:1:0", **kwargs: Any) -> Any:
    return notify(
        recipient=world.users[role],
        kind="leave_pending",
        key=key,
        message=kwargs.pop("message", hello()),
        url=kwargs.pop("url", LEAVE_URL),
    )


@pytest.fixture
def host(world: Any) -> Any:
    user = world.users["host_leader"]
    user.email = "zhao@bailu.gov.cn"
    user.save(update_fields=["email"])
    return user


# --- once per key ---------------------------------------------------------------------------


def test_the_same_key_makes_one_notification_per_recipient(world) -> None:  # type: ignore[no-untyped-def]
    first = send(world)
    again = send(world, message=hello("李四"))
    other = send(world, role="coordinator")
    assert again.pk == first.pk
    assert again.text == "张三申请年休假2天，等待您审批。"  # the first one stands
    assert other.pk != first.pk
    assert Notification.objects.count() == 2


def test_a_notification_keeps_its_chinese_text_and_its_source(world) -> None:  # type: ignore[no-untyped-def]
    notification = send(world)
    assert (notification.kind, notification.key, notification.url) == (
        "leave_pending",
        "leave-step:1:0",
        LEAVE_URL,
    )
    assert notification.text == "张三申请年休假2天，等待您审批。"
    assert notification.source == {
        "msgid": "%(name)s申请年休假2天，等待您审批。",
        "params": {"name": "张三"},
    }
    assert notification.read_at is None


def test_a_disabled_account_is_told_nothing(world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["host_leader"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert send(world) is None
    assert Notification.objects.count() == 0


# --- email ----------------------------------------------------------------------------------


def test_a_recipient_with_an_address_is_emailed_once_after_commit(  # type: ignore[no-untyped-def]
    world, host, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(world)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        send(world)  # the same key again
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["zhao@bailu.gov.cn"]
    assert email.subject == "【挂职】张三申请年休假2天，等待您审批。"
    assert email.body == "张三申请年休假2天，等待您审批。\n\n请登录挂职干部管理系统查看。"
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notifications_email_pending() == 0
    assert len(mail.outbox) == 1


def test_the_email_links_to_the_page_when_the_site_address_is_set(  # type: ignore[no-untyped-def]
    world, host, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "https://guazhi.jiangzhou.gov.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        send(world)
    assert mail.outbox[0].body == (
        "张三申请年休假2天，等待您审批。\n\n查看：https://guazhi.jiangzhou.gov.cn/duty/approvals/"
    )


def test_no_address_no_email(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(world)
    assert mail.outbox == []
    assert notifications_email_pending() == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_a_failing_server_is_logged_and_the_next_run_sends_it_once(  # type: ignore[no-untyped-def]
    world, host, settings, caplog, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "tests.core.test_notifications.FailingBackend"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        notification = send(world)
    assert "email not sent, retried by the next run" in caplog.text
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notifications_email_pending() == 0  # still down: still waiting

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_email_pending() == 1
    assert notifications_email_pending() == 0
    assert [email.to for email in mail.outbox] == [["zhao@bailu.gov.cn"]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_an_unreachable_server_leaves_every_email_waiting(  # type: ignore[no-untyped-def]
    world, host, settings, caplog, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "tests.core.test_notifications.UnreachableBackend"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        send(world, key="a")
        send(world, key="b")
    assert notifications_email_pending() == 0
    assert "email server unavailable: 2 notifications wait for the next run" in caplog.text
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_email_pending() == 2
    assert len(mail.outbox) == 2


def test_notifications_already_read_or_a_week_old_are_not_emailed_late(  # type: ignore[no-untyped-def]
    world, host
) -> None:
    read = send(world, key="a")
    old = send(world, key="b")
    fresh = send(world, key="c")  # made outside on_commit capture: its email never went out
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=8)
    )
    assert notifications_email_pending() == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=fresh.pk).emailed_at is not None
    assert Notification.objects.get(pk=old.pk).emailed_at is None


# --- reading --------------------------------------------------------------------------------


def test_each_reader_lists_only_their_own(world) -> None:  # type: ignore[no-untyped-def]
    mine = send(world, role="cadre", key="x", message=hello("本人"))
    send(world, role="host_leader", key="x")
    assert list(notification_list(actor=world.users["cadre"])) == [mine]
    assert notification_unread_count(actor=world.users["cadre"]) == 1
    assert notification_unread_count(actor=world.users["coordinator"]) == 0


def test_the_page_shows_the_readers_notifications_newest_first(world, client) -> None:  # type: ignore[no-untyped-def]
    send(world, role="cadre", key="1", message=hello("第一条"))
    send(world, role="cadre", key="2", message=hello("第二条"))
    send(world, role="host_leader", key="3", message=hello("别人的"))
    text = page(as_user(client, world, "cadre").get(reverse("core:notification_list")))
    assert "共 2 条，未读 2 条" in text
    assert text.index("第二条申请") < text.index("第一条申请")
    assert "别人的" not in text


def test_opening_one_marks_it_read_and_goes_to_its_page(world, client) -> None:  # type: ignore[no-untyped-def]
    notification = send(world, role="cadre")
    response = as_user(client, world, "cadre").post(
        reverse("core:notification_open", kwargs={"notification_pk": notification.pk})
    )
    assert (response.status_code, response["Location"]) == (302, LEAVE_URL)
    notification.refresh_from_db()
    assert notification.read_at is not None
    event = AuditEvent.objects.get(action="notification.read")
    assert (event.actor_id, event.object_id) == (world.users["cadre"].pk, str(notification.pk))


def test_opening_one_without_a_page_returns_to_the_list(world, client) -> None:  # type: ignore[no-untyped-def]
    notification = send(world, role="cadre", url="")
    response = as_user(client, world, "cadre").post(
        reverse("core:notification_open", kwargs={"notification_pk": notification.pk})
    )
    assert response["Location"] == reverse("core:notification_list")


def test_someone_elses_notification_cannot_be_opened_and_stays_unread(world, client) -> None:  # type: ignore[no-untyped-def]
    theirs = send(world, role="host_leader")
    response = as_user(client, world, "cadre").post(
        reverse("core:notification_open", kwargs={"notification_pk": theirs.pk})
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    with pytest.raises(NotFound):
        notification_mark_read(actor=world.users["cadre"], pk=theirs.pk)
    assert not AuditEvent.objects.filter(action="notification.read").exists()


def test_reading_twice_records_one_read(world) -> None:  # type: ignore[no-untyped-def]
    notification = send(world, role="cadre")
    first = notification_mark_read(actor=world.users["cadre"], pk=notification.pk).read_at
    again = notification_mark_read(actor=world.users["cadre"], pk=notification.pk).read_at
    assert first == again
    assert AuditEvent.objects.filter(action="notification.read").count() == 1


def test_mark_all_read_reads_only_the_readers_own(world, client) -> None:  # type: ignore[no-untyped-def]
    send(world, role="cadre", key="1")
    send(world, role="cadre", key="2")
    theirs = send(world, role="host_leader", key="1")
    response = as_user(client, world, "cadre").post(reverse("core:notification_read_all"))
    assert response["Location"] == reverse("core:notification_list")
    assert notification_unread_count(actor=world.users["cadre"]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert AuditEvent.objects.get(action="notification.read_all").detail == {"count": 2}
    assert notifications_mark_all_read(actor=world.users["cadre"]) == 0


def test_the_menu_shows_how_many_are_unread(world, client) -> None:  # type: ignore[no-untyped-def]
    client = as_user(client, world, "cadre")
    assert 'class="badge bad"' not in page(client.get(reverse("home")))
    send(world, role="cadre", key="1")
    send(world, role="cadre", key="2")
    send(world, role="host_leader", key="3")
    text = page(client.get(reverse("home")))
    assert '<span class="badge bad" aria-label="2 条未读">2</span>' in text
    client.post(reverse("core:notification_read_all"))
    assert 'class="badge bad"' not in page(client.get(reverse("home")))


def test_the_badge_costs_one_query(world, client) -> None:  # type: ignore[no-untyped-def]
    client = as_user(client, world, "cadre")
    assert _queries(client) == 1
    send(world, role="cadre")
    assert _queries(client) == 1


def _queries(client: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("home"))
    return sum('"core_notification"' in query["sql"] for query in captured.captured_queries)


def test_an_english_reader_reads_it_in_english(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    message = Message(gettext_noop("%(year)s年共有 %(n)s 个工作日。"), year=2027, n=249)
    notification = notify(
        recipient=world.users["cadre"], kind="test", key="calendar", message=message
    )
    assert notification is not None
    assert notification.text == "2027年共有 249 个工作日。"
    client = as_user(client, world, "cadre")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = page(client.get(reverse("core:notification_list")))
    assert "2027 has 249 workdays." in text
    assert "2027年共有" not in text
