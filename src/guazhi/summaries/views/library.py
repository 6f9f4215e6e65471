"""Experience library pages: the reader's list with search and filters, one document, bookmarks;
the coordinators' management list, edit page and bulk import; the buttons of the library panel
on an archived summary's page (propose, offer, consent, decline, approve, withdraw, publish
again).

Readers are often on a phone: the list is a column of cards, the filters sit in one form that
works without JavaScript (htmx reloads only the results), and the 收藏 button is a small form
that htmx swaps in place and that, without JavaScript, posts and comes back to the page.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from guazhi.core.rendering import render_page
from guazhi.orgs.access import ANY_ROLE, acting_user, roles_required
from guazhi.orgs.models import OrgKind, Role
from guazhi.programmes.views.common import act, submit
from guazhi.summaries import search
from guazhi.summaries.forms.library import (
    DocumentEditForm,
    FilterForm,
    ImportForm,
    OfferForm,
    ProposeForm,
    WithdrawForm,
)
from guazhi.summaries.library_jobs import library_import_start
from guazhi.summaries.models import LibraryDocument, LibraryState
from guazhi.summaries.selectors import library as selectors
from guazhi.summaries.selectors.scope import access_summary
from guazhi.summaries.services import library as services
from guazhi.summaries.services.keywords import document_keywords

REFUSALS = (ValidationFailed, InvalidTransition, Forbidden)
MANAGERS = (Role.COORDINATOR,)


def _back(request: HttpRequest, document: LibraryDocument | None = None) -> HttpResponse:
    """Where a button returns: the page it was pressed on (`next`, same site only), else the
    document's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if document is not None:
        return redirect("summaries:library_detail", document_pk=document.pk)
    return redirect("summaries:library_list")


# --- reading ----------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> selectors.LibraryFilters:
    form = FilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.LibraryFilters(
        query=" ".join((data.get("q") or "").split()),
        year=data.get("year"),
        host_unit_kind=data.get("kind") or "",
        keyword=(data.get("keyword") or "").strip(),
    )


@roles_required(ANY_ROLE)
def library_list(request: HttpRequest) -> HttpResponse:
    """Published documents: search box, filters by year, host-unit kind and keyword, cards with
    highlighted snippets, pages of 20. htmx reloads the results only."""
    actor = acting_user(request)
    filters = _filters(request)
    results = selectors.library_search(
        actor=actor, filters=filters, page_number=request.GET.get("page")
    )
    return render_page(
        request,
        "summaries/library_list.html",
        {
            "filters": filters,
            "params": filters.as_params(),
            "results": results,
            "facets": selectors.library_facets(),
            "kind_labels": dict(OrgKind.choices),
            "can_manage": selectors.can_import(actor=actor),
        },
        partial="results",
    )


def _detail_context(request: HttpRequest, document: LibraryDocument) -> dict[str, Any]:
    actor = acting_user(request)
    query = " ".join(request.GET.get("q", "").split())[:100]
    manager = selectors.can_manage_document(actor=actor, document=document)
    author = selectors.is_author(actor=actor, document=document)
    title: Any
    if query:
        sections = [
            {
                "heading": search.highlight(section.get("heading", ""), query),
                "paragraphs": [
                    search.highlight(line, query)
                    for line in section.get("body", "").splitlines()
                    if line.strip()
                ],
            }
            for section in document.sections
        ]
        title = search.highlight(document.title, query)
    else:
        sections = [
            {
                "heading": section.get("heading", ""),
                "paragraphs": [
                    line for line in section.get("body", "").splitlines() if line.strip()
                ],
            }
            for section in document.sections
        ]
        title = document.title
    state = document.state
    return {
        "document": document,
        "title": title,
        "sections": sections,
        "query": query,
        "keywords": document_keywords(document),
        "bookmarked": selectors.is_bookmarked(actor=actor, document=document),
        "published": state == LibraryState.PUBLISHED,
        "manager": manager,
        "author": author,
        "can_consent": author and state == LibraryState.AWAITING_CONSENT,
        "can_approve": manager and state == LibraryState.AWAITING_APPROVAL,
        "can_republish": manager
        and state == LibraryState.WITHDRAWN
        and not selectors.consent_taken_back(document),
        "can_withdraw": (manager or author)
        and state in (LibraryState.AWAITING_APPROVAL, LibraryState.PUBLISHED),
        "withdraw_form": WithdrawForm(),
        "next": "",
    }


@roles_required(ANY_ROLE)
def library_detail(request: HttpRequest, document_pk: int) -> HttpResponse:
    """One document to read; ?q= marks the words searched for."""
    document = selectors.access_library_document(actor=acting_user(request), pk=document_pk)
    return render_page(request, "summaries/library_detail.html", _detail_context(request, document))


@roles_required(ANY_ROLE)
@require_POST
def library_bookmark(request: HttpRequest, document_pk: int) -> HttpResponse:
    """收藏 / 取消收藏: `marked` = 1 or 0. For htmx the button alone comes back; without
    JavaScript, the page the button was on."""
    actor = acting_user(request)
    wanted = request.POST.get("marked") == "1"
    # Dropping needs only the reader's own bookmark (its document may be withdrawn since);
    # adding needs a document they may read.
    document = (
        None if wanted else selectors.bookmarked_document(actor=actor, pk=document_pk)
    ) or selectors.access_library_document(actor=actor, pk=document_pk)
    htmx = bool(getattr(request, "htmx", False))
    try:
        marked = services.library_bookmark_set(actor=actor, document=document, marked=wanted)
    except InvalidTransition as refusal:
        if not htmx:
            messages.error(request, str(refusal.message))
            return _back(request, document)
        # In place, the button stays as it was (a withdrawn document cannot be bookmarked).
        marked = selectors.is_bookmarked(actor=actor, document=document)
    if htmx:
        return render_page(
            request,
            "summaries/library_detail.html",
            {"document": document, "bookmarked": marked, "next": request.POST.get("next", "")},
            partial="bookmark",
        )
    messages.success(request, gettext("已收藏。") if marked else gettext("已取消收藏。"))
    return _back(request, document)


@roles_required(ANY_ROLE)
def bookmark_list(request: HttpRequest) -> HttpResponse:
    """The reader's own 收藏夹, newest first."""
    page, rows = selectors.bookmark_rows(
        actor=acting_user(request), page_number=request.GET.get("page")
    )
    return render_page(
        request,
        "summaries/library_bookmarks.html",
        {"page": page, "rows": rows},
        partial="results",
    )


# --- the panel's buttons ----------------------------------------------------------------------


@roles_required(*MANAGERS)
@require_POST
def library_propose(request: HttpRequest, summary_pk: int) -> HttpResponse:
    actor = acting_user(request)
    summary = access_summary(actor=actor, pk=summary_pk)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("另需替换的名称过长。"))
        return _back(request)
    act(
        request,
        gettext("已推荐入经验库，等待本人同意。"),
        services.library_propose,
        refusals=REFUSALS,
        actor=actor,
        summary=summary,
        anonymised=form.cleaned_data["anonymise"],
        extra_names=form.cleaned_data["extra_names"],
    )
    return _back(request)


@roles_required(Role.CADRE)
@require_POST
def library_offer(request: HttpRequest, summary_pk: int) -> HttpResponse:
    actor = acting_user(request)
    summary = access_summary(actor=actor, pk=summary_pk)
    form = OfferForm(request.POST)
    form.is_valid()
    act(
        request,
        gettext("已提交，等待组织部门审批。"),
        services.library_offer,
        refusals=REFUSALS,
        actor=actor,
        summary=summary,
        anonymised=bool(form.cleaned_data.get("anonymise")),
    )
    return _back(request)


def _document_action(
    request: HttpRequest, document_pk: int, service: Any, done: str, **arguments: Any
) -> HttpResponse:
    actor = acting_user(request)
    document = selectors.access_library_document(actor=actor, pk=document_pk)
    act(request, done, service, refusals=REFUSALS, actor=actor, document=document, **arguments)
    return _back(request, document)


@roles_required(Role.CADRE)
@require_POST
def library_consent(request: HttpRequest, document_pk: int) -> HttpResponse:
    return _document_action(
        request,
        document_pk,
        services.library_consent,
        gettext("您已同意，组织部门审批后即发布。"),
    )


@roles_required(Role.CADRE)
@require_POST
def library_decline(request: HttpRequest, document_pk: int) -> HttpResponse:
    return _document_action(
        request, document_pk, services.library_decline, gettext("您已选择不同意，不会发布。")
    )


@roles_required(*MANAGERS)
@require_POST
def library_approve(request: HttpRequest, document_pk: int) -> HttpResponse:
    return _document_action(
        request, document_pk, services.library_approve, gettext("已发布到经验库。")
    )


@roles_required(*MANAGERS)
@require_POST
def library_republish(request: HttpRequest, document_pk: int) -> HttpResponse:
    return _document_action(
        request, document_pk, services.library_republish, gettext("已重新发布到经验库。")
    )


@roles_required(Role.COORDINATOR, Role.CADRE)
@require_POST
def library_withdraw(request: HttpRequest, document_pk: int) -> HttpResponse:
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        # Withdrawn without the reason given, the document would go with nobody told why:
        # nothing happens, and the page says what is wrong with the reason.
        document = selectors.access_library_document(actor=acting_user(request), pk=document_pk)
        for error in form.errors.get("reason", []):
            messages.error(request, str(error))
        return _back(request, document)
    return _document_action(
        request,
        document_pk,
        services.library_withdraw,
        gettext("已从经验库撤下。"),
        reason=form.cleaned_data["reason"],
    )


# --- managing ---------------------------------------------------------------------------------


@roles_required(*MANAGERS)
def library_manage(request: HttpRequest) -> HttpResponse:
    """The coordinator's documents: those not published (waiting for the author or for
    approval, declined, withdrawn) and the published ones to edit or withdraw."""
    actor = acting_user(request)
    return render_page(
        request,
        "summaries/library_manage.html",
        {
            "pending": list(selectors.pending_documents(actor=actor)[:200]),
            "published": list(selectors.managed_published(actor=actor)[:200]),
            "kind_labels": dict(OrgKind.choices),
        },
    )


@roles_required(*MANAGERS)
def library_edit(request: HttpRequest, document_pk: int) -> HttpResponse:
    """Title, text and keywords of a document the coordinator's organisation owns."""
    actor = acting_user(request)
    document = selectors.access_library_document(actor=actor, pk=document_pk)
    if not selectors.can_manage_document(actor=actor, document=document):
        raise NotFound()
    count = len(document.sections)
    if request.method == "POST":
        form = DocumentEditForm(request.POST, section_count=count)
        if form.is_valid():
            done = submit(
                form,
                services.library_update,
                refusals=(InvalidTransition, Forbidden),
                actor=actor,
                document=document,
                title=form.cleaned_data["title"],
                sections=form.sections(),
                keywords=form.keyword_list(),
            )
            if done is not None:
                messages.success(request, gettext("已保存，检索索引已同步更新。"))
                return redirect("summaries:library_detail", document_pk=document.pk)
    else:
        form = DocumentEditForm(
            initial=DocumentEditForm.initial_for(
                document.title, document.sections, document_keywords(document)
            ),
            section_count=count,
        )
    return render_page(
        request,
        "summaries/library_edit.html",
        {"document": document, "form": form},
        status=400 if form.is_bound else 200,
    )


@roles_required(*MANAGERS)
def library_import(request: HttpRequest) -> HttpResponse:
    """Upload several .docx, .txt or .md files for the library; they are read and published by
    a background job whose page shows the progress."""
    actor = acting_user(request)
    owners = selectors.import_owner_choices(actor=actor)
    if not owners:
        raise NotFound()
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None, request.FILES if posted else None, owners=owners
    )
    if posted and form.is_valid():
        job = library_import_start(
            actor=actor,
            files=form.cleaned_data["uploads"],
            year=form.cleaned_data["year"],
            host_unit_kind=form.cleaned_data["host_unit_kind"],
            owner_org_id=form.cleaned_data["owner_org"],
            to_simplified_chinese=form.cleaned_data["to_simplified"],
        )
        return redirect("core:job_detail", job_pk=job.pk)
    return render_page(
        request,
        "summaries/library_import.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
