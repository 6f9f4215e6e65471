"""Publicity running again: withdrawing a publicity (by hand, or when the batch goes back to
matching), starting anew, the withdrawn one kept with its objections; the objection channel."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.programmes.models import (
    Assignment,
    AssignmentState,
    BatchState,
    Objection,
    Publicity,
)
from guazhi.programmes.models.assignments import ObjectionChannel
from guazhi.programmes.selectors.selection import batch_publicity, past_publicities
from guazhi.programmes.services.batches import batch_transition
from guazhi.programmes.services.selection import (
    objection_record,
    objection_resolve,
    publicity_approve,
    publicity_start,
    publicity_withdraw,
)
from tests.factories import UserFactory, grant
from tests.programmes.test_selection_services import (
    SelectionWorld,
    counts,
    make_selection_world,
    past_publicity,
    publicised,
    to_state,
)


@pytest.fixture
def sw(world) -> SelectionWorld:  # type: ignore[no-untyped-def]
    return make_selection_world(world)


def with_objection(sw: SelectionWorld) -> tuple[Publicity, Objection]:
    """A publicity from 2026-09-29 (to 2026-10-10) with one open objection about 林芳."""
    publicity = publicised(sw, dt.date(2026, 9, 29))
    objection = objection_record(
        actor=sw.coordinator,
        publicity=publicity,
        received_on=dt.date(2026, 9, 30),
        channel=ObjectionChannel.LETTER,
        raised_by="王某",
        content="反映其违规兼职",
        assignment=sw.lin,
    )
    return publicity, objection


def withdrawal(publicity: Publicity) -> tuple:
    publicity.refresh_from_db()
    return (publicity.withdrawn_at is not None, publicity.withdrawn_by, publicity.withdrawn_reason)


# Withdrawing by hand ---------------------------------------------------------------------------


def test_a_withdrawn_publicity_is_kept_with_its_objections_and_a_new_one_starts(sw) -> None:  # type: ignore[no-untyped-def]
    first, objection = with_objection(sw)
    withdrawn = publicity_withdraw(actor=sw.coordinator, batch=sw.batch, reason=" 名单有误 ")
    assert withdrawal(withdrawn) == (True, sw.coordinator, "名单有误")
    assert AuditEvent.objects.get(action="publicity.withdraw").detail == {
        "starts_on": "2026-09-29",
        "ends_on": "2026-10-10",
        "reason": "名单有误",
        "open_objections": 1,
    }
    # The proposed list is untouched; the batch has no current publicity.
    assert set(Assignment.objects.filter(batch=sw.batch).values_list("state", flat=True)) == {
        AssignmentState.PROPOSED
    }
    assert batch_publicity(batch=sw.batch) is None

    second = publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=dt.date(2026, 10, 12))
    assert (second.starts_on, second.ends_on) == (dt.date(2026, 10, 12), dt.date(2026, 10, 16))
    assert batch_publicity(batch=sw.batch) == second
    [past] = past_publicities(batch=sw.batch)
    assert past == first
    assert past.objection_list == [objection]  # type: ignore[attr-defined]


def test_a_withdrawn_publicity_takes_no_more_objections(sw) -> None:  # type: ignore[no-untyped-def]
    first, objection = with_objection(sw)
    publicity_withdraw(actor=sw.coordinator, batch=sw.batch, reason="名单有误")
    before = counts()
    with pytest.raises(InvalidTransition) as refused:
        objection_record(
            actor=sw.coordinator,
            publicity=first,
            received_on=dt.date(2026, 10, 9),
            content="再次反映",
        )
    assert "这次公示已于" in str(refused.value.message)
    assert "撤回，不能再登记或处理异议。" in str(refused.value.message)
    with pytest.raises(InvalidTransition):
        objection_resolve(
            actor=sw.coordinator, objection=objection, resolution="经核查属实。", upheld=True
        )
    assert counts() == before
    objection.refresh_from_db()
    assert (objection.resolved_at, objection.resolution) == (None, "")


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("no reason", ValidationFailed, "请填写撤回公示的原因。"),
        ("too long", ValidationFailed, "撤回原因不能超过2000个字。"),
        ("not the manager", Forbidden, "只有负责本批次的组织部门可以办理考察、公示和审批。"),
        ("approved", InvalidTransition, "公示结果已于"),
        ("none running", InvalidTransition, "本批次没有进行中的公示。"),
    ],
)
def test_a_refused_withdrawal_changes_nothing(sw, world, case, error, message) -> None:  # type: ignore[no-untyped-def]
    actor, reason = sw.coordinator, "名单有误"
    if case == "approved":
        past_publicity(sw)
        publicity_approve(actor=sw.coordinator, batch=sw.batch)
    elif case != "none running":
        publicised(sw, dt.date(2026, 9, 29))
    if case == "no reason":
        reason = "  "
    elif case == "too long":
        reason = "因" * 2001
    elif case == "not the manager":
        actor = grant(UserFactory(username="lianxi"), "coordinator", world.district_b)
    before = (counts(), list(Publicity.objects.values_list("withdrawn_at", "withdrawn_reason")))
    with pytest.raises(error) as refused:
        publicity_withdraw(actor=actor, batch=sw.batch, reason=reason)
    assert message in str(refused.value.message)
    after = (counts(), list(Publicity.objects.values_list("withdrawn_at", "withdrawn_reason")))
    assert after == before


def test_two_publicities_cannot_run_at_once(sw) -> None:  # type: ignore[no-untyped-def]
    publicised(sw, dt.date(2026, 9, 29))
    with pytest.raises(IntegrityError), transaction.atomic():
        Publicity.objects.create(
            batch=sw.batch,
            starts_on=dt.date(2026, 10, 12),
            working_days=5,
            ends_on=dt.date(2026, 10, 16),
        )
    # And a second start is refused with the reason before it reaches the database.
    with pytest.raises(InvalidTransition) as refused:
        publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=dt.date(2026, 10, 12))
    assert str(refused.value.message) == "本批次已于2026年9月29日开始公示。"
    assert Publicity.objects.count() == 1


# Going back to matching ------------------------------------------------------------------------


def test_moving_back_to_matching_withdraws_the_running_publicity_with_the_moves_reason(sw) -> None:  # type: ignore[no-untyped-def]
    first, _objection = with_objection(sw)
    batch_transition(
        actor=sw.coordinator,
        batch=sw.batch,
        to_state=BatchState.MATCHING,
        reason="异议属实，重新匹配",
    )
    assert withdrawal(first) == (True, sw.coordinator, "异议属实，重新匹配")
    assert AuditEvent.objects.get(action="publicity.withdraw").detail["reason"] == (
        "异议属实，重新匹配"
    )
    # Back in publicity (steps and list still there), the publicity starts again.
    batch_transition(
        actor=sw.coordinator, batch=sw.batch, to_state=BatchState.PUBLICITY, reason="重新公示"
    )
    second = publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=dt.date(2026, 10, 19))
    assert list(Publicity.objects.order_by("pk").values_list("pk", "withdrawn_reason")) == [
        (first.pk, "异议属实，重新匹配"),
        (second.pk, ""),
    ]


def test_an_approved_publicity_keeps_the_batch_from_moving_back(sw) -> None:  # type: ignore[no-untyped-def]
    publicity = past_publicity(sw)
    publicity_approve(actor=sw.coordinator, batch=sw.batch)
    publicity.refresh_from_db()
    before = counts()
    with pytest.raises(InvalidTransition) as refused:
        batch_transition(
            actor=sw.coordinator, batch=sw.batch, to_state=BatchState.MATCHING, reason="补充岗位"
        )
    approved_on = timezone.localtime(publicity.approved_at).date()
    assert refused.value.message == (
        f"批次暂不能转为“匹配中”：公示结果已于{approved_on.year}年{approved_on.month}月"
        f"{approved_on.day}日审批，名单已生效，不能退回匹配；"
        "如有人员不能赴任，请在考察与公示页取消其人选。"
    )
    sw.batch.refresh_from_db()
    assert sw.batch.state == BatchState.PUBLICITY
    assert withdrawal(publicity) == (False, None, "")
    assert counts() == before


def test_a_refused_move_back_leaves_the_publicity_running(sw) -> None:  # type: ignore[no-untyped-def]
    publicity = publicised(sw, dt.date(2026, 9, 29))
    with pytest.raises(ValidationFailed):
        batch_transition(
            actor=sw.coordinator, batch=sw.batch, to_state=BatchState.MATCHING, reason=""
        )
    sw.batch.refresh_from_db()
    assert sw.batch.state == BatchState.PUBLICITY
    assert withdrawal(publicity) == (False, None, "")


# The objection channel -------------------------------------------------------------------------


def test_the_channel_is_one_of_the_choices_and_reads_as_words(sw) -> None:  # type: ignore[no-untyped-def]
    publicity = publicised(sw, dt.date(2026, 9, 29))
    assert Objection._meta.get_field("channel").choices == ObjectionChannel.choices
    objection = objection_record(
        actor=sw.coordinator,
        publicity=publicity,
        received_on=dt.date(2026, 9, 30),
        channel="网络",
        content="反映其违规兼职",
    )
    assert objection.get_channel_display() == "网络（电子邮件、举报网站）"
    with pytest.raises(ValidationFailed) as refused:
        objection_record(
            actor=sw.coordinator,
            publicity=publicity,
            received_on=dt.date(2026, 9, 30),
            channel="微信",
            content="反映其违规兼职",
        )
    assert refused.value.detail == {"channel": "反映方式不在可选范围内。"}
    assert Objection.objects.count() == 1


# The pages -------------------------------------------------------------------------------------


def page(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinator_withdraws_from_the_publicity_page_and_sees_it_kept(client, sw) -> None:  # type: ignore[no-untyped-def]
    with_objection(sw)
    client.force_login(sw.coordinator)
    url = reverse("programmes:publicity", kwargs={"batch_pk": sw.batch.pk})
    withdraw = reverse("programmes:publicity_withdraw", kwargs={"batch_pk": sw.batch.pk})
    assert f'action="{withdraw}"' in page(client.get(url))
    html = page(client.post(withdraw, {"reason": "名单有误，重新公示"}, follow=True))
    assert "公示已撤回，可在“考察与公示”页面重新开始公示。" in html
    assert "本批次目前没有进行中的公示。" in html
    assert "已撤回的公示（1 次）" in html
    assert "2026年9月29日至2026年10月10日（5个工作日）" in html
    assert "<dt>撤回原因</dt><dd>名单有误，重新公示</dd>" in html
    assert '<td data-label="反映方式">来信</td>' in html
    assert '<td data-label="反映人">王某</td>' in html
    assert f'action="{withdraw}"' not in html
    # The selection page offers the start again and points to the record.
    selection = page(client.get(reverse("programmes:selection", kwargs={"batch_pk": sw.batch.pk})))
    assert "本批次此前有 1 次公示已撤回。" in selection
    assert reverse("programmes:publicity_start", kwargs={"batch_pk": sw.batch.pk}) in selection
    # The withdrawn publicity's objection can no longer be resolved.
    objection = Objection.objects.get()
    resolve = page(
        client.get(reverse("programmes:objection_resolve", kwargs={"objection_pk": objection.pk}))
    )
    assert "这次公示已撤回，处理意见不能再修改。" in resolve
    assert "<form" not in resolve.split("核查处理异议</h1>")[1]


def test_a_withdrawal_without_a_reason_comes_back_on_the_form(client, sw) -> None:  # type: ignore[no-untyped-def]
    publicity = publicised(sw, dt.date(2026, 9, 29))
    client.force_login(sw.coordinator)
    html = page(
        client.post(
            reverse("programmes:publicity_withdraw", kwargs={"batch_pk": sw.batch.pk}),
            {"reason": ""},
        )
    )
    assert "请填写撤回公示的原因。" in html
    assert withdrawal(publicity) == (False, None, "")


def test_no_withdrawal_is_offered_once_approved(client, sw) -> None:  # type: ignore[no-untyped-def]
    past_publicity(sw)
    publicity_approve(actor=sw.coordinator, batch=sw.batch)
    client.force_login(sw.coordinator)
    html = page(client.get(reverse("programmes:publicity", kwargs={"batch_pk": sw.batch.pk})))
    assert "撤回公示" not in html
    # Posting anyway is refused with the reason, nothing withdrawn.
    html = page(
        client.post(
            reverse("programmes:publicity_withdraw", kwargs={"batch_pk": sw.batch.pk}),
            {"reason": "名单有误"},
            follow=True,
        )
    )
    assert "审批，不能撤回。" in html
    assert Publicity.objects.filter(withdrawn_at__isnull=False).count() == 0


def test_the_batch_page_move_back_withdraws_too(client, sw) -> None:  # type: ignore[no-untyped-def]
    publicity = publicised(sw, dt.date(2026, 9, 29))
    to_state(sw.batch, BatchState.PUBLICITY)
    client.force_login(sw.coordinator)
    client.post(
        reverse("programmes:batch_transition", kwargs={"batch_pk": sw.batch.pk}),
        {"to_state": BatchState.MATCHING, "reason": "异议属实，重新匹配"},
    )
    sw.batch.refresh_from_db()
    assert sw.batch.state == BatchState.MATCHING
    assert withdrawal(publicity) == (True, sw.coordinator, "异议属实，重新匹配")
    assert publicity.withdrawn_at <= timezone.now()
