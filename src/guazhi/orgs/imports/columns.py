"""Cell parsers and column shapes shared by the unit and roster sheets, and the upload reader."""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guazhi.core.i18n import msgid_of
from guazhi.core.jobs import Progress
from guazhi.core.models import Job
from guazhi.core.spreadsheets import (
    CellError,
    Column,
    RowHandler,
    SheetSpec,
    cell_text,
    parse_choice,
    parse_date,
    parse_text,
    sheet_import,
)
from guazhi.orgs import services
from guazhi.orgs.models import CadreRelative

# Cell parsers of this domain -------------------------------------------------------------


def _choice(choices: type[TextChoices]) -> Any:
    """Accept the stored value or the full label (e.g. "参公" or "参照公务员法管理")."""
    options = {str(value): str(value) for value in choices.values}
    options |= {msgid_of(label): str(value) for value, label in choices.choices}
    return parse_choice(options, shown=[str(value) for value in choices.values])


def _labels(choices: type[TextChoices]) -> list[str]:
    return [msgid_of(label) for label in choices.labels]


def _label_choice(choices: type[TextChoices]) -> Any:
    """Accept the label (what people write, e.g. "乡镇") or the stored code ("township")."""
    options = {msgid_of(label): str(value) for value, label in choices.choices}
    options |= {str(value): str(value) for value in choices.values}
    return parse_choice(options, shown=_labels(choices))


def parse_code(max_length: int) -> Any:
    """Numbers typed as text (ID, phone, region code): full-width digits as Chinese input
    methods type them (１３９…) become ASCII, as the services do before they validate."""
    parse = parse_text(max_length)
    return lambda value: parse(unicodedata.normalize("NFKC", cell_text(value)))


def parse_tags(value: Any) -> list[str]:
    return services.parse_tags(cell_text(value))


def parse_relatives(value: Any) -> list[tuple[str, str, str]]:
    """ "配偶:王芳:白鹿镇人民政府；父亲:王大山:江州市财政局" → [(relation, name, unit name), …]."""
    relatives = []
    for item in re.split(r"[；;\n]+", cell_text(value)):
        if not item.strip():
            continue
        parts = tuple(part.strip() for part in re.split(r"[:：]", item))
        if len(parts) != 3 or not all(parts):
            raise CellError(
                _(
                    "回避关系应写成“关系:姓名:工作单位”，多人之间用“；”分隔，如“配偶:王芳:白鹿镇人民政府”。"
                )
            )
        relation, name, unit_name = parts
        if len(relation) > 20 or len(name) > 50 or len(unit_name) > 100:
            raise CellError(_("回避关系中关系不超过20字、姓名不超过50字、工作单位不超过100字。"))
        relatives.append((relation, name, unit_name))
    return relatives


def relatives_text(relatives: Iterable[CadreRelative]) -> str:
    return "；".join(f"{r.relation}:{r.name}:{r.unit_name}" for r in relatives)


# Column shapes that recur ----------------------------------------------------------------

CHOOSE = gettext_lazy("从下拉列表中选择。")
DATE_HELP = gettext_lazy("Excel日期，或写成 1985-06-01、1985.06.01、1985/6/1。")


def _vocabulary_column(
    header: str, field: str, choices: type[TextChoices], **options: Any
) -> Column:
    """A vocabulary whose stored values are what people write ("中共党员"), as a drop-down."""
    options.setdefault("help", CHOOSE)
    return Column(header, field, _choice(choices), choices=choices.values, **options)


def _coded_column(header: str, field: str, choices: type[TextChoices], **options: Any) -> Column:
    """A vocabulary stored as codes ("township"): the drop-down offers the labels ("乡级")."""
    options.setdefault("help", CHOOSE)
    return Column(header, field, _label_choice(choices), choices=_labels(choices), **options)


def _date_column(header: str, field: str, **options: Any) -> Column:
    return Column(header, field, parse_date, help=DATE_HELP, is_date=True, empty=None, **options)


def _digits_column(header: str, field: str, length: int, **options: Any) -> Column:
    """Digits kept as text in Excel, so leading zeros stay and long numbers are not rounded."""
    return Column(header, field, parse_code(length), is_text=True, **options)


def _import_upload(
    job: Job, spec: SheetSpec, handler: RowHandler, progress: Progress
) -> dict[str, Any]:
    with default_storage.open(job.params["upload"], "rb") as source:
        return sheet_import(source=source, spec=spec, handler=handler, progress=progress)
