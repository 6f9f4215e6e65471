"""A batch's summary template (总结模板): the sections every summary of the batch starts with.

Until the coordinator first changes it, a batch's template is DEFAULT_SECTIONS, unsaved: reading
it (the template page, drafting) writes nothing, and the row is made, audited, with the first
change. The coordinator over
the batch renames, reorders, adds and removes sections; 基本情况 (basic) and 主要工作 (work) may be
renamed and moved but never removed, because drafting fills them (from the assignment and from
the work log). A section keeps its key when renamed, so its meaning stays; a new section gets a
fresh key ("custom_<n>", never reused). A change applies to summaries drafted afterwards:
a summary copies its sections when drafted and keeps them.
"""

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.programmes.models import Batch
from guazhi.programmes.selectors.scope import can_manage_batch
from guazhi.summaries.models import BASIC_SECTION, DEFAULT_SECTIONS, WORK_SECTION, SummaryTemplate

FIXED_SECTIONS = (BASIC_SECTION, WORK_SECTION)
MAX_SECTIONS = 12
HEADING_MAX_LENGTH = 50  # SummarySection.heading
CUSTOM_PREFIX = "custom_"


def default_sections() -> list[dict[str, str]]:
    return [{"key": key, "heading": heading} for key, heading in DEFAULT_SECTIONS]


def summary_template_of(batch: Batch) -> SummaryTemplate:
    """The batch's template; while it was never changed, an unsaved one with the defaults."""
    found = SummaryTemplate.objects.filter(batch=batch).first()
    return found or SummaryTemplate(batch=batch, sections=default_sections())


def _locked_template(batch: Batch) -> SummaryTemplate:
    """The batch's template row locked for this transaction, or the unsaved defaults."""
    found = SummaryTemplate.objects.select_for_update().filter(batch=batch).first()
    return found or SummaryTemplate(batch=batch, sections=default_sections())


def _used_keys(template: SummaryTemplate) -> set[str]:
    """Keys the template has ever had: a removed section's key is not given to a new one, so
    an older summary's section is never mistaken for the new one."""
    used = {row["key"] for row in template.sections}
    if template.pk is not None:
        for past in template.history.values_list("sections", flat=True):
            used |= {row["key"] for row in past or ()}
    return used


def _save(template: SummaryTemplate) -> None:
    if template.pk is not None:
        template.save(update_fields=["sections", "updated_at"])
        return
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:  # another coordinator's first change got there first
        raise _invalid(_("模板已在别处修改，请刷新页面后重试。")) from error


def _next_key(used: set[str]) -> str:
    numbers = [
        int(key[len(CUSTOM_PREFIX) :])
        for key in used
        if key.startswith(CUSTOM_PREFIX) and key[len(CUSTOM_PREFIX) :].isdigit()
    ]
    return f"{CUSTOM_PREFIX}{max(numbers, default=0) + 1}"


def _invalid(message: str, field: str = "sections") -> ValidationFailed:
    return ValidationFailed(message, detail={field: message})


def summary_template_update(
    *, actor: Any, batch: Batch, sections: Sequence[tuple[str, str]]
) -> SummaryTemplate:
    """Set the batch's sections to `sections`, in order: (key, heading) pairs, key "" for a new
    section. A key of the template left out removes that section (never basic or work)."""
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(_("只有本批次的组织部门可以修改总结模板。"))
    with transaction.atomic():
        template = _locked_template(batch)
        current = {row["key"]: row["heading"] for row in template.sections}
        used = _used_keys(template)
        cleaned: list[dict[str, str]] = []
        seen_headings: set[str] = set()
        seen_keys: set[str] = set()
        for key, heading in sections:
            heading = heading.strip()
            if not heading:
                raise _invalid(_("栏目名称不能为空。"))
            if len(heading) > HEADING_MAX_LENGTH:
                raise _invalid(
                    _("栏目“%(heading)s”的名称不能超过 %(n)s 字。")
                    % {"heading": heading[:10], "n": HEADING_MAX_LENGTH}
                )
            if heading in seen_headings:
                raise _invalid(_("栏目“%(heading)s”重复了。") % {"heading": heading})
            if key and (key not in current or key in seen_keys):
                raise _invalid(_("模板已在别处修改，请刷新页面后重试。"))
            if not key:
                key = _next_key(used | seen_keys)
            seen_headings.add(heading)
            seen_keys.add(key)
            cleaned.append({"key": key, "heading": heading})
        for fixed in FIXED_SECTIONS:
            if fixed not in seen_keys:
                raise _invalid(
                    _("“%(heading)s”由系统自动填写，不能删除。")
                    % {"heading": current.get(fixed, dict(DEFAULT_SECTIONS)[fixed])}
                )
        if len(cleaned) > MAX_SECTIONS:
            raise _invalid(_("总结最多 %(n)s 个栏目。") % {"n": MAX_SECTIONS})
        if cleaned == template.sections:
            return template
        template.sections = cleaned
        _save(template)
        audit_record(
            actor=actor,
            action="summary_template.update",
            obj=template,
            detail={"sections": [row["heading"] for row in cleaned]},
        )
        return template
