"""The experience library (经验库): published summaries and imported documents, and bookmarks.

A document's text is kept as sections (a list of {"heading": str, "body": str}) so it reads and
exports like the summary it came from; what readers see is always this stored text, already
anonymised where the publisher chose so, never the live summary. The search index is its own
table, kept in step by the library services (summaries/search/).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.orgs.models import Organisation, OrgKind
from guazhi.summaries.models.summaries import Summary


class LibrarySource(models.TextChoices):
    SUMMARY = "summary", _("挂职总结")
    IMPORT = "import", _("导入文档")


class LibraryState(models.TextChoices):
    # Proposed by the coordinator; the author has not yet said yes.
    AWAITING_CONSENT = "awaiting_consent", _("待本人同意")
    # The author agreed (or offered it); the coordinator approves publication.
    AWAITING_APPROVAL = "awaiting_approval", _("待审批")
    PUBLISHED = "published", _("已发布")
    DECLINED = "declined", _("本人未同意")
    WITHDRAWN = "withdrawn", _("已撤下")


LIBRARY_TRANSITIONS: dict[str, frozenset[str]] = {
    LibraryState.AWAITING_CONSENT: frozenset(
        {LibraryState.AWAITING_APPROVAL, LibraryState.DECLINED}
    ),
    LibraryState.AWAITING_APPROVAL: frozenset({LibraryState.PUBLISHED, LibraryState.WITHDRAWN}),
    LibraryState.PUBLISHED: frozenset({LibraryState.WITHDRAWN}),
    LibraryState.DECLINED: frozenset({LibraryState.AWAITING_CONSENT}),
    # Published again while the author's consent stands (a coordinator withdrew it); once the
    # author took their consent back, only a new yes: asked for again by a coordinator
    # (awaiting consent) or given again by the author's offer (awaiting approval).
    LibraryState.WITHDRAWN: frozenset(
        {LibraryState.PUBLISHED, LibraryState.AWAITING_CONSENT, LibraryState.AWAITING_APPROVAL}
    ),
}


class LibraryDocumentQuerySet(models.QuerySet["LibraryDocument"]):
    def published(self) -> "LibraryDocumentQuerySet":
        """What readers read (and all the search index holds): published documents."""
        return self.filter(state=LibraryState.PUBLISHED)


class LibraryDocument(TimeStampedModel):
    title = models.CharField(_("标题"), max_length=200)
    sections = models.JSONField(_("正文"), default=list)
    source = models.CharField(_("来源"), max_length=8, choices=LibrarySource)
    summary = models.OneToOneField(
        Summary,
        verbose_name=_("来源总结"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="library_document",
    )
    # The organisation department that manages the document: the batch's coordinating unit for
    # a summary, the importer's for an import. Its coordinators approve, edit and withdraw.
    owner_org = models.ForeignKey(
        Organisation,
        verbose_name=_("管理单位"),
        on_delete=models.PROTECT,
        related_name="library_documents",
    )
    year = models.PositiveSmallIntegerField(_("年份"), db_index=True)
    host_unit_kind = models.CharField(
        _("挂职单位类型"), max_length=32, choices=OrgKind, blank=True, db_index=True
    )
    # As shown to readers: the author and post, or a neutral phrase when anonymised.
    author_label = models.CharField(_("作者"), max_length=100, blank=True)
    anonymised = models.BooleanField(_("已匿名化"), default=False)
    state = models.CharField(_("状态"), max_length=20, choices=LibraryState, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consented_at = models.DateTimeField(_("本人同意时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    objects = LibraryDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("经验库文档")
        verbose_name_plural = _("经验库文档")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["state", "-published_at", "-id"])]

    def __str__(self) -> str:
        return self.title

    @property
    def text(self) -> str:
        """Title, headings and bodies as one text: what the index and the keywords read."""
        parts = [self.title]
        for section in self.sections:
            parts.append(section.get("heading", ""))
            parts.append(section.get("body", ""))
        return "\n".join(part for part in parts if part)


class LibraryKeyword(models.Model):
    """A document's keyword (extracted by jieba, editable): a row each, so readers filter by one
    with an index on every database (a JSON list cannot be searched for Chinese on SQLite)."""

    document = models.ForeignKey(LibraryDocument, on_delete=models.CASCADE, related_name="keywords")
    position = models.PositiveSmallIntegerField(_("序号"))
    keyword = models.CharField(_("关键词"), max_length=20, db_index=True)

    class Meta:
        verbose_name = _("关键词")
        verbose_name_plural = _("关键词")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "keyword"], name="library_keyword_once")
        ]

    def __str__(self) -> str:
        return self.keyword


class Bookmark(models.Model):
    """A reader's 收藏: private to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_bookmarks"
    )
    document = models.ForeignKey(
        LibraryDocument, on_delete=models.CASCADE, related_name="bookmarks"
    )
    created_at = models.DateTimeField(_("收藏时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收藏")
        verbose_name_plural = _("收藏")
        ordering = ["user", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="bookmark_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.document_id}"
