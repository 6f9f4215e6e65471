"""Publishing to the experience library (经验库): propose, consent, approve, withdraw, edit, bookmark.

An archived summary reaches readers with two yeses: the author's consent and the approval of a
coordinator over the batch. A coordinator proposes it (awaiting the author's consent); the author
consents or declines; the coordinator approves and it is published. An author may also offer
their own archived summary, which is consent given at once (awaiting approval). What is
published is a copy of the summary's text made when it was proposed, anonymised when the
proposer chose so (services.anonymise), with keywords extracted (services.keywords): later
edits by the owner organisation's coordinators change the copy, never the summary.

Every move follows LIBRARY_TRANSITIONS, is audited, keeps the search index in step
(search.index_document, inside the transaction) and tells the other side after commit. Withdrawn
by its author, a document has its consent taken back (consented_at cleared): nobody publishes it
again as it was; a coordinator may propose it again (asking anew) or the author offer it again,
as the first time. Withdrawn by a coordinator, the consent stands and the coordinator publishes
it again. Imported documents (services.library_import) are published by their importer
directly.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.notifications import notify
from guazhi.orgs.models import OrgKind, Role, RoleAssignment
from guazhi.summaries import (
    library_jobs,  # noqa: F401  (registers the import job kind)
    search,
)
from guazhi.summaries.models import (
    LIBRARY_TRANSITIONS,
    Bookmark,
    LibraryDocument,
    LibrarySource,
    LibraryState,
    Summary,
    SummaryState,
)
from guazhi.summaries.selectors.library import (
    can_manage_document,
    consent_taken_back,
    is_author,
    library_facets_changed,
)
from guazhi.summaries.selectors.scope import can_archive_summary, can_write_summary
from guazhi.summaries.services.anonymise import anonymise, names_of_record
from guazhi.summaries.services.keywords import (
    KEYWORD_MAX_LENGTH,
    MAX_KEYWORDS,
    document_keywords,
    extract_keywords,
    keywords_replace,
)

TITLE_MAX_LENGTH = 200
HEADING_MAX_LENGTH = 50
BODY_MAX_LENGTH = 50_000
AUTHOR_LABEL_MAX_LENGTH = 100
REASON_MAX_LENGTH = 500
# Shared with forms.library.WithdrawForm, whose length check Django words with limit_value.
REASON_TOO_LONG = gettext_noop("撤下原因不能超过 %(limit_value)s 字。")


# --- helpers ----------------------------------------------------------------------------------


def _check_move(document: LibraryDocument, target: str) -> None:
    if target not in LIBRARY_TRANSITIONS[document.state]:
        raise InvalidTransition(
            _("该经验库文档当前为“%(state)s”，不能执行此操作。")
            % {"state": document.get_state_display()}
        )


def _check_asking_again(document: LibraryDocument, target: str) -> None:
    """A withdrawn document goes back to asking only when its author took their consent back;
    while the consent stands, publishing it again is the coordinator's to do."""
    _check_move(document, target)
    if document.state == LibraryState.WITHDRAWN and not consent_taken_back(document):
        raise InvalidTransition(_("作者本人的同意仍然有效，可以直接重新发布。"))


def _lock(document: LibraryDocument) -> LibraryDocument:
    """The document's row, locked for this transaction, with the relations the caller loaded."""
    locked = LibraryDocument.objects.select_for_update().get(pk=document.pk)
    locked.owner_org = document.owner_org
    if document.summary_id is not None:
        locked.summary = document.summary
    return locked


def _check_manager(actor: Any, document: LibraryDocument) -> None:
    if not can_manage_document(actor=actor, document=document):
        raise Forbidden(_("只有该文档所属组织部门的工作人员可以执行此操作。"))


def _check_author(actor: Any, document: LibraryDocument) -> None:
    if not is_author(actor=actor, document=document):
        raise Forbidden(_("只有总结作者本人可以作出同意或不同意的决定。"))


def _summary_sections(summary: Summary) -> list[dict[str, str]]:
    return [
        {"heading": section.heading, "body": section.body}
        for section in summary.sections.order_by("position")
    ]


def _author_label(summary: Summary, *, anonymised: bool) -> str:
    """Who wrote it, as readers see it. Stored data shown to every reader, so in Chinese (the
    source language), like the text itself."""
    assignment = summary.assignment
    if anonymised:
        kind = OrgKind(assignment.host_unit.kind).label if assignment.host_unit.kind else ""
        with_kind = str(kind) if assignment.host_unit.kind != OrgKind.OTHER else "单位"
        return f"某{with_kind}挂职干部"[:AUTHOR_LABEL_MAX_LENGTH]
    label = (
        f"{assignment.cadre.name}（{assignment.home_unit.name}，"
        f"挂任{assignment.host_unit.name}{assignment.post.title}）"
    )
    return label[:AUTHOR_LABEL_MAX_LENGTH]


def _copy_text(
    summary: Summary, *, anonymised: bool, extra_names: list[str]
) -> tuple[str, list[dict[str, str]]]:
    """The summary's title and sections as the library will show them."""
    title, sections = summary.title, _summary_sections(summary)
    if not anonymised:
        return title[:TITLE_MAX_LENGTH], sections
    names = names_of_record(summary.assignment, extra=extra_names)
    result = anonymise(title, sections, names)
    return result.title[:TITLE_MAX_LENGTH], result.sections


def _year_of(summary: Summary) -> int:
    assignment = summary.assignment
    return (assignment.start_date or assignment.batch.term_start).year


def _load_summary(summary: Summary) -> Summary:
    """The summary with what copying and deciding on it reads, loaded once."""
    return Summary.objects.select_related(
        "assignment__batch__coordinating_org",
        "assignment__cadre__user",
        "assignment__post",
        "assignment__host_unit",
        "assignment__home_unit",
        "assignment__group",
    ).get(pk=summary.pk)


def _fill_from_summary(
    document: LibraryDocument,
    summary: Summary,
    *,
    anonymised: bool,
    extra_names: list[str],
) -> None:
    title, sections = _copy_text(summary, anonymised=anonymised, extra_names=extra_names)
    document.title = title
    document.sections = sections
    document.anonymised = anonymised
    document.author_label = _author_label(summary, anonymised=anonymised)
    document.year = _year_of(summary)
    document.host_unit_kind = summary.assignment.host_unit.kind


def _refresh_keywords(document: LibraryDocument) -> list[str]:
    """Keywords made from the document's text as stored. Not from the anonymisation's mapping:
    an edit later extracts them again from the text alone, and both must agree
    (services.keywords keeps placeholders out by their form)."""
    keywords = extract_keywords(document.text)
    keywords_replace(document, keywords)
    return keywords


# --- proposing and offering -------------------------------------------------------------------


def library_propose(
    *,
    actor: Any,
    summary: Summary,
    anonymised: bool = True,
    extra_names: list[str] | None = None,
) -> LibraryDocument:
    """A coordinator over the batch proposes an archived summary for the library: its text is
    copied (anonymised when asked) and the author is asked to consent. Again after the author
    declined or withdrew it, with the text copied anew."""
    summary = _load_summary(summary)
    assignment = summary.assignment
    if not can_archive_summary(actor=actor, assignment=assignment):
        raise Forbidden(_("只有该批次的组织部门可以推荐总结入经验库；本人不能推荐自己的总结。"))
    if summary.state != SummaryState.ARCHIVED:
        raise InvalidTransition(_("总结归档后才能推荐入经验库。"))
    extra = [name for name in (extra_names or []) if name.strip()]
    with transaction.atomic():
        Summary.objects.select_for_update().filter(pk=summary.pk).first()
        document = LibraryDocument.objects.select_for_update().filter(summary=summary).first()
        if document is None:
            document = LibraryDocument(
                summary=summary,
                source=LibrarySource.SUMMARY,
                owner_org=assignment.batch.coordinating_org,
                state=LibraryState.AWAITING_CONSENT,
                created_by=actor,
            )
            again = False
        else:
            _check_asking_again(document, LibraryState.AWAITING_CONSENT)
            document.state = LibraryState.AWAITING_CONSENT
            document.created_by = actor
            document.consented_at = None
            again = True
        _fill_from_summary(document, summary, anonymised=anonymised, extra_names=extra)
        document.save()
        keywords = _refresh_keywords(document)
        search.index_document(document)
        event = audit_record(
            actor=actor,
            action="library.propose",
            obj=document,
            detail={
                "summary": summary.pk,
                "anonymised": anonymised,
                "extra_names": extra,
                "again": again,
                "keywords": keywords,
            },
        )
        _tell_author(document, summary, "propose", event.pk)
        return document


def library_offer(*, actor: Any, summary: Summary, anonymised: bool = True) -> LibraryDocument:
    """The author offers their own archived summary: consent given, awaiting a coordinator's
    approval. Again after withdrawing it themself, with the text copied anew."""
    summary = _load_summary(summary)
    if not can_write_summary(actor=actor, assignment=summary.assignment):
        raise Forbidden(_("只有总结作者本人可以申请将总结收入经验库。"))
    if summary.state != SummaryState.ARCHIVED:
        raise InvalidTransition(_("总结归档后才能申请收入经验库。"))
    with transaction.atomic():
        Summary.objects.select_for_update().filter(pk=summary.pk).first()
        document = LibraryDocument.objects.select_for_update().filter(summary=summary).first()
        again = document is not None
        if document is None:
            document = LibraryDocument(
                summary=summary,
                source=LibrarySource.SUMMARY,
                owner_org=summary.assignment.batch.coordinating_org,
            )
        elif not consent_taken_back(document):
            raise InvalidTransition(
                _("这篇总结已在经验库流程中（%(state)s）。")
                % {"state": document.get_state_display()}
            )
        else:
            _check_move(document, LibraryState.AWAITING_APPROVAL)
        document.state = LibraryState.AWAITING_APPROVAL
        document.created_by = actor
        document.consented_at = timezone.now()
        _fill_from_summary(document, summary, anonymised=anonymised, extra_names=[])
        document.save()
        keywords = _refresh_keywords(document)
        search.index_document(document)
        event = audit_record(
            actor=actor,
            action="library.offer",
            obj=document,
            detail={
                "summary": summary.pk,
                "anonymised": anonymised,
                "again": again,
                "keywords": keywords,
            },
        )
        _tell_managers(document, summary, "offer", event.pk)
        return document


# --- the author's answer ----------------------------------------------------------------------


def library_consent(*, actor: Any, document: LibraryDocument) -> LibraryDocument:
    """The author agrees: awaiting consent → awaiting approval."""
    _check_author(actor, document)
    with transaction.atomic():
        document = _lock(document)
        _check_move(document, LibraryState.AWAITING_APPROVAL)
        document.state = LibraryState.AWAITING_APPROVAL
        document.consented_at = timezone.now()
        document.save(update_fields=["state", "consented_at", "updated_at"])
        search.index_document(document)
        event = audit_record(actor=actor, action="library.consent", obj=document)
        _tell_proposer(document, "consent", event.pk)
        return document


def library_decline(*, actor: Any, document: LibraryDocument) -> LibraryDocument:
    """The author does not agree: awaiting consent → declined (nothing is published)."""
    _check_author(actor, document)
    with transaction.atomic():
        document = _lock(document)
        _check_move(document, LibraryState.DECLINED)
        document.state = LibraryState.DECLINED
        document.consented_at = None
        document.save(update_fields=["state", "consented_at", "updated_at"])
        search.index_document(document)
        event = audit_record(actor=actor, action="library.decline", obj=document)
        _tell_proposer(document, "decline", event.pk)
        return document


# --- the coordinator's decisions --------------------------------------------------------------


def _check_consent(document: LibraryDocument) -> None:
    if document.source == LibrarySource.SUMMARY and document.consented_at is None:
        raise InvalidTransition(_("作者本人尚未同意，不能发布。"))


def library_approve(*, actor: Any, document: LibraryDocument) -> LibraryDocument:
    """Awaiting approval → published, by a coordinator of the owner organisation."""
    _check_manager(actor, document)
    with transaction.atomic():
        document = _lock(document)
        _check_move(document, LibraryState.PUBLISHED)
        _check_consent(document)
        document.state = LibraryState.PUBLISHED
        document.published_at = timezone.now()
        document.published_by = actor
        document.save(update_fields=["state", "published_at", "published_by", "updated_at"])
        search.index_document(document)
        library_facets_changed()
        event = audit_record(actor=actor, action="library.approve", obj=document)
        _tell_author_of(document, "approve", event.pk)
        return document


def library_republish(*, actor: Any, document: LibraryDocument) -> LibraryDocument:
    """Withdrawn → published again (never one its author took back)."""
    _check_manager(actor, document)
    with transaction.atomic():
        document = _lock(document)
        _check_move(document, LibraryState.PUBLISHED)
        if consent_taken_back(document):
            raise InvalidTransition(_("作者本人已撤回同意，不能重新发布。"))
        document.state = LibraryState.PUBLISHED
        document.published_at = timezone.now()
        document.published_by = actor
        document.save(update_fields=["state", "published_at", "published_by", "updated_at"])
        search.index_document(document)
        library_facets_changed()
        event = audit_record(actor=actor, action="library.republish", obj=document)
        _tell_author_of(document, "republish", event.pk)
        return document


def library_withdraw(*, actor: Any, document: LibraryDocument, reason: str = "") -> LibraryDocument:
    """Awaiting approval or published → withdrawn, by a coordinator of the owner organisation
    or by the author (who thereby takes their consent back)."""
    by_author = is_author(actor=actor, document=document)
    if not by_author:
        _check_manager(actor, document)
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        message = _(REASON_TOO_LONG) % {"limit_value": REASON_MAX_LENGTH}
        raise ValidationFailed(message, detail={"reason": message})
    with transaction.atomic():
        document = _lock(document)
        _check_move(document, LibraryState.WITHDRAWN)
        document.state = LibraryState.WITHDRAWN
        fields = ["state", "updated_at"]
        if by_author:
            document.consented_at = None
            fields.append("consented_at")
        document.save(update_fields=fields)
        search.index_document(document)
        library_facets_changed()
        event = audit_record(
            actor=actor,
            action="library.withdraw",
            obj=document,
            detail={"by_author": by_author, "reason": reason},
        )
        if by_author:
            _tell_proposer(document, "withdraw_by_author", event.pk)
        else:
            _tell_author_of(document, "withdraw", event.pk)
        return document


# --- editing ----------------------------------------------------------------------------------


def _clean_sections(sections: list[dict[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    for number, section in enumerate(sections, 1):
        heading = str(section.get("heading", "")).strip()
        body = str(section.get("body", "")).strip()
        if not heading and not body:
            continue
        if len(heading) > HEADING_MAX_LENGTH:
            message = _("第%(n)s部分的标题不能超过 %(max)s 字。") % {
                "n": number,
                "max": HEADING_MAX_LENGTH,
            }
            raise ValidationFailed(message, detail={f"heading_{number - 1}": message})
        if len(body) > BODY_MAX_LENGTH:
            message = _("第%(n)s部分的正文不能超过 %(max)s 字。") % {
                "n": number,
                "max": BODY_MAX_LENGTH,
            }
            raise ValidationFailed(message, detail={f"body_{number - 1}": message})
        cleaned.append({"heading": heading, "body": body})
    if not cleaned:
        message = _("正文不能为空。")
        raise ValidationFailed(message, detail={"body_0": message})
    return cleaned


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        message = _("请填写标题。")
        raise ValidationFailed(message, detail={"title": message})
    if len(title) > TITLE_MAX_LENGTH:
        message = _("标题不能超过 %(max)s 字。") % {"max": TITLE_MAX_LENGTH}
        raise ValidationFailed(message, detail={"title": message})
    return title


def _clean_keyword_list(keywords: list[str]) -> list[str]:
    found: list[str] = []
    for keyword in keywords:
        word = keyword.strip()
        if not word or word in found:
            continue
        if len(word) > KEYWORD_MAX_LENGTH:
            message = _("关键词“%(word)s”超过 %(max)s 字。") % {
                "word": word,
                "max": KEYWORD_MAX_LENGTH,
            }
            raise ValidationFailed(message, detail={"keywords": message})
        found.append(word)
    if len(found) > MAX_KEYWORDS:
        message = _("关键词最多 %(max)s 个。") % {"max": MAX_KEYWORDS}
        raise ValidationFailed(message, detail={"keywords": message})
    return found


def library_update(
    *,
    actor: Any,
    document: LibraryDocument,
    title: str,
    sections: list[dict[str, Any]],
    keywords: list[str] | None,
) -> LibraryDocument:
    """A coordinator of the owner organisation edits the title, text and keywords (None: made
    again from the edited text). Re-indexed at once, whatever the state."""
    _check_manager(actor, document)
    title = _clean_title(title)
    cleaned = _clean_sections(sections)
    wanted = None if keywords is None else _clean_keyword_list(keywords)
    with transaction.atomic():
        document = _lock(document)
        before_keywords = document_keywords(document)
        changed = []
        if document.title != title:
            changed.append("title")
        if document.sections != cleaned:
            changed.append("sections")
        document.title = title
        document.sections = cleaned
        if changed:
            document.save(update_fields=[*changed, "updated_at"])
        if wanted is None:
            wanted = extract_keywords(document.text)
        if wanted != before_keywords:
            keywords_replace(document, wanted)
            changed.append("keywords")
        search.index_document(document)
        library_facets_changed()
        audit_record(
            actor=actor,
            action="library.update",
            obj=document,
            detail={
                "changed": changed,
                "keywords": wanted,
                "length": len(document.text),
            },
        )
        return document


# --- bookmarks --------------------------------------------------------------------------------


def library_bookmark_set(*, actor: Any, document: LibraryDocument, marked: bool) -> bool:
    """Bookmark (收藏) a published document, or drop the bookmark; returns whether it is now
    bookmarked. Dropping works whatever the state (a withdrawn one leaves the list)."""
    with transaction.atomic():
        existing = Bookmark.objects.filter(user=actor, document=document).first()
        if marked:
            if document.state != LibraryState.PUBLISHED:
                raise InvalidTransition(_("该文档未发布，不能收藏。"))
            if existing is not None:
                return True
            try:
                with transaction.atomic():
                    Bookmark.objects.create(user=actor, document=document)
            except IntegrityError:  # a second click, or a second tab, got there first
                return True
            audit_record(actor=actor, action="library.bookmark", obj=document)
            return True
        if existing is None:
            return False
        existing.delete()
        audit_record(actor=actor, action="library.unbookmark", obj=document)
        return False


# --- telling people ---------------------------------------------------------------------------

_NOTICES = {
    "propose": gettext_noop("组织部门推荐将您的总结“%(title)s”收入经验库，请确认是否同意。"),
    "offer": gettext_noop("%(name)s申请将总结“%(title)s”收入经验库，请审批。"),
    "consent": gettext_noop("%(name)s同意将总结“%(title)s”收入经验库，请审批发布。"),
    "decline": gettext_noop("%(name)s不同意将总结“%(title)s”收入经验库。"),
    "approve": gettext_noop("您的总结“%(title)s”已发布到经验库。"),
    "republish": gettext_noop("您的总结“%(title)s”已重新发布到经验库。"),
    "withdraw": gettext_noop("您的总结“%(title)s”已从经验库撤下。"),
    "withdraw_by_author": gettext_noop("%(name)s撤回了对总结“%(title)s”收入经验库的同意，已撤下。"),
}


def _send(document: LibraryDocument, what: str, event_id: int, recipients: list[Any]) -> None:
    summary = document.summary
    assert summary is not None
    message = Message(_NOTICES[what], name=summary.assignment.cadre.name, title=summary.title)
    url = reverse("summaries:library_detail", kwargs={"document_pk": document.pk})
    for recipient in recipients:
        notify(
            recipient=recipient,
            kind=f"library.{what}",
            key=f"library:{document.pk}:{what}:{event_id}",
            message=message,
            url=url,
        )


def _later(document: LibraryDocument, what: str, event_id: int, recipients: list[Any]) -> None:
    recipients = [user for user in recipients if user is not None]
    if recipients:
        transaction.on_commit(lambda: _send(document, what, event_id, recipients))


def _tell_author(document: LibraryDocument, summary: Summary, what: str, event_id: int) -> None:
    _later(document, what, event_id, [summary.assignment.cadre.user])


def _tell_author_of(document: LibraryDocument, what: str, event_id: int) -> None:
    if document.summary_id is not None:
        _tell_author(document, document.summary, what, event_id)  # type: ignore[arg-type]


def _tell_proposer(document: LibraryDocument, what: str, event_id: int) -> None:
    """The coordinator who proposed it, or, when the author offered it or the proposer is gone,
    the coordinators over the batch."""
    summary = document.summary
    if summary is None:
        return
    proposer = document.created_by
    if (
        proposer is not None
        and proposer.is_active
        and proposer.pk != summary.assignment.cadre.user_id
    ):
        _later(document, what, event_id, [proposer])
    else:
        _tell_managers(document, summary, what, event_id)


def _tell_managers(document: LibraryDocument, summary: Summary, what: str, event_id: int) -> None:
    """The coordinators over the summary's batch (holding the role at its coordinating unit or
    above, for every batch or this one); never the author."""
    from guazhi.orgs.models import Organisation

    batch = summary.assignment.batch
    grants = (
        RoleAssignment.objects.filter(
            role=Role.COORDINATOR,
            organisation_id__in=Organisation.ids_on(batch.coordinating_org.path),
            user__is_active=True,
        )
        .filter(Q(batch__isnull=True) | Q(batch_id=batch.pk))
        .select_related("user")
        .order_by("user_id")
    )
    author = summary.assignment.cadre.user_id
    users = list({g.user_id: g.user for g in grants if g.user_id != author}.values())
    _later(document, what, event_id, users)
