"""Declarative Excel import and export on openpyxl: a sheet is a list of columns.

A `SheetSpec` names the columns (Chinese header, field, parser, required, example, help).
`sheet_read` reads the first sheet by header names, in any order, and parses every cell;
`sheet_import` has a domain `RowHandler` check every row, and writes only when no row has a
problem, in one transaction; problems come back as (row as Excel numbers it, header, message).
`sheet_sample` builds the blank workbook people fill in and `sheet_export` writes rows out
with the same columns, so an export can be edited and imported again.

Headers and choice values are a data-interchange format and stay Chinese whatever the
interface language; sheet titles, help texts and messages follow the interface language, and
the importer reads the first sheet whatever its title, so a sample downloaded in English
imports like one downloaded in Chinese. Messages about cells are core.i18n Messages: an import
runs as a job, and its problems are shown later in the language of whoever reads them.
"""

import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol
from urllib.parse import quote
from xml.etree.ElementTree import ParseError

from django.db import transaction
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from guazhi.core.errors import GuazhiError, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.text import join_list

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A 5 MB upload that unpacks to gigabytes is an attack (a "zip bomb"), not a roster.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
INSTRUCTIONS_TITLE = gettext_lazy("填写说明")
OPTIONS_TITLE = gettext_lazy("可选值")
HEADER_SEARCH_ROWS = 10
MAX_PROBLEMS_KEPT = 500
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
REQUIRED_FONT = Font(bold=True, color="C0392B")
EXAMPLE_FONT = Font(italic=True, color="808080")


class CellError(Exception):
    """Raised by a parser: the cell's value is not acceptable; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Parsers: raw cell value (never empty) → Python value, or CellError ----------------------


def cell_text(value: Any) -> str:
    """A cell as text. Whole numbers lose the ".0" openpyxl gives them; long numbers are refused
    because Excel keeps only 15 digits, so an ID number typed as a number is already damaged."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return str(value)
        if abs(value) >= 10**15:
            raise CellError(
                Message(
                    gettext_noop(
                        "数字位数过多，已被 Excel 截断；请把该列设为“文本”格式后重新填写。"
                    )
                )
            )
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_text(max_length: int | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = cell_text(value)
        if max_length is not None and len(text) > max_length:
            raise CellError(Message(gettext_noop("不能超过%(n)s个字。"), n=max_length))
        return text

    return parse


DATE_TEXT = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: Any) -> dt.date:
    """An Excel date, or text such as 1985-06-01, 1985.06.01, 1985/6/1, 1985年6月1日, 19850601."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    match = DATE_TEXT.match(text) or DATE_DIGITS.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(Message(gettext_noop("日期不存在：%(text)s。"), text=text)) from None
    raise CellError(Message(gettext_noop("日期格式应如 1985-06-01、1985.06.01 或 1985/6/1。")))


def parse_choice(
    options: Mapping[str, str], shown: Sequence[str] | None = None
) -> Callable[[Any], str]:
    """`options` maps each accepted text (the label, and any alias) to the stored value;
    `shown` are the texts the error message offers (default: every accepted text)."""
    offered = list(shown if shown is not None else dict.fromkeys(options))

    def parse(value: Any) -> str:
        text = cell_text(value)
        if text in options:
            return options[text]
        raise CellError(
            Message(gettext_noop("不在可选范围内，应为：%(options)s。"), options=offered)
        )

    return parse


# The declaration -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[Any], Any] = cell_text
    required: bool = False
    # As typed in the cell (text, number or date); the sample shows it in row 2.
    example: Any = ""
    help: str | Promise = ""
    # Allowed values: listed in the instructions and offered as a drop-down in the sample.
    choices: Sequence[str] = ()
    # False when the drop-down only suggests (e.g. a unit may also be one named earlier).
    strict_choices: bool = True
    # Kept as text in Excel so ID and phone numbers never turn into 3.6E+17.
    is_text: bool = False
    is_date: bool = False
    width: int = 14
    # Value of an empty cell in a present, optional column.
    empty: Any = ""


@dataclass(frozen=True)
class SheetSpec:
    title: str | Promise  # in the reader's language: a title is not read back
    columns: tuple[Column, ...]
    max_rows: int = 10_000
    notes: tuple[str | Promise, ...] = ()

    def header_of(self, field_name: str) -> str:
        for column in self.columns:
            if column.field == field_name:
                return column.header
        return ""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    number: int
    # Parsed values of the cells that parsed; columns absent from the file are absent here.
    values: dict[str, Any]
    # Fields whose cell did not parse: already reported, so checks of the row skip them.
    failed: set[str] = field(default_factory=set)


@dataclass
class Sheet:
    rows: list[Row]
    # Fields whose columns the file has: an update leaves the others as they are.
    present: frozenset[str]
    problems: list[Problem]


class SheetInvalid(ValidationFailed):
    """The file was refused; `detail` lists every problem as {row, column, message}."""

    code = "sheet_invalid"

    def __init__(self, problems: Sequence[Problem], spec: "SheetSpec | None" = None) -> None:
        # By row, then in the order of the spec's columns: the order people read the sheet in.
        position = {c.header: i for i, c in enumerate(spec.columns)} if spec else {}
        ordered = sorted(problems, key=lambda p: (p.row, position.get(p.column, -1)))
        message = Message(
            gettext_noop("共有 %(n)s 处错误，没有导入任何数据；请修改后重新上传。"), n=len(ordered)
        )
        super().__init__(message, detail=[p.as_dict() for p in ordered[:MAX_PROBLEMS_KEPT]])
        self.total = len(ordered)


# Reading ---------------------------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    # People add "*" to mark required columns, or stray spaces; neither changes the column.
    return re.sub(r"[\s*＊]", "", str(value or ""))


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# What a damaged sheet raises while it is read: broken XML, a member missing from the zip or
# failing its checksum, a compressed stream cut short.
_DAMAGED = (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError)


def _readable(lines: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as openpyxl reads them. Read only, it opens the sheet itself only while
    the rows are read: a file whose sheet is cut short or corrupt passes load_workbook and
    breaks here, and only what openpyxl raises here is the file's fault."""
    try:
        yield from lines
    except _DAMAGED as error:
        raise ValidationFailed(
            _("文件已损坏，无法读出工作表的内容，请用 Excel 打开后另存为 .xlsx 再上传。")
        ) from error


def sheet_read(source: str | IO[bytes], spec: SheetSpec) -> Sheet:
    """Every non-empty data row of the first sheet, parsed, with the problems of its cells
    (unreadable, empty but required, too many rows) for the caller to report with its own.

    Raises SheetInvalid at once when the header is unusable (no header, a required column
    missing, a column twice): no row can be read right then.
    """
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise ValidationFailed(
            _("无法读取该文件，请上传 Excel 2007 及以上版本保存的 .xlsx 文件。")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        lines = _readable(sheet.iter_rows(values_only=True))
        known = {column.header: column for column in spec.columns}
        header_number, positions = 0, {}
        for number, values in enumerate(lines, start=1):
            found = {
                i: known[_normalise_header(v)]
                for i, v in enumerate(values)
                if _normalise_header(v) in known
            }
            if found:
                header_number, positions = number, found
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        problems = _header_problems(spec, header_number, positions)
        if problems:
            raise SheetInvalid(problems, spec)
        rows = _rows(spec, lines, header_number, positions, problems)
    finally:
        workbook.close()
    return Sheet(rows, frozenset(column.field for column in positions.values()), problems)


def _header_problems(
    spec: SheetSpec, header_number: int, positions: dict[int, Column]
) -> list[Problem]:
    if not positions:
        headers = [c.header for c in spec.columns if c.required]
        return [
            Problem(
                1,
                "",
                Message(
                    gettext_noop("没有找到表头，第一行应为列名，必须包括：%(headers)s。"),
                    headers=headers,
                ),
            )
        ]
    problems = []
    seen: dict[str, int] = {}
    for index, column in positions.items():
        if column.header in seen:
            problems.append(
                Problem(header_number, column.header, Message(gettext_noop("该列出现了两次。")))
            )
        seen[column.header] = index
    for column in spec.columns:
        if column.required and column.header not in seen:
            problems.append(
                Problem(
                    header_number,
                    column.header,
                    Message(gettext_noop("缺少必填列“%(header)s”。"), header=column.header),
                )
            )
    return problems


def _rows(
    spec: SheetSpec,
    lines: Iterable[tuple[Any, ...]],
    header_number: int,
    positions: dict[int, Column],
    problems: list[Problem],
) -> list[Row]:
    rows: list[Row] = []
    # Only a sheet with every column of the sample can hold the sample's example row.
    from_sample = {c.header for c in positions.values()} == {c.header for c in spec.columns}
    for number, values in enumerate(lines, start=header_number + 1):
        cells = [
            (column, values[i] if i < len(values) else None) for i, column in positions.items()
        ]
        if all(_is_empty(value) for _, value in cells):
            continue
        if from_sample and not rows and not problems and _is_example(cells):
            continue
        if len(rows) >= spec.max_rows:
            problems.append(
                Problem(
                    number,
                    "",
                    Message(gettext_noop("一次最多导入 %(n)s 行，请分批导入。"), n=spec.max_rows),
                )
            )
            break
        row = Row(number=number, values={})
        for column, value in cells:
            if _is_empty(value):
                if column.required:
                    problems.append(
                        Problem(number, column.header, Message(gettext_noop("必填，不能为空。")))
                    )
                    row.failed.add(column.field)
                else:
                    row.values[column.field] = column.empty
                continue
            try:
                row.values[column.field] = column.parse(value)
            except CellError as error:
                problems.append(Problem(number, column.header, error.message))
                row.failed.add(column.field)
        rows.append(row)
    return rows


def _as_text(value: Any) -> str:
    if _is_empty(value):
        return ""
    try:
        return cell_text(value)
    except CellError:
        return repr(value)


def _is_example(cells: list[tuple[Column, Any]]) -> bool:
    """The sample's example row, left in as the first row: skipped rather than imported, so a
    filled-in sample whose example was not deleted does not add a fictitious 王小明."""
    return all(_as_text(value) == _as_text(column.example) for column, value in cells)


# Importing -------------------------------------------------------------------------------


class RowHandler(Protocol):
    """The domain half of an import. `check` sees every row before anything is written."""

    def prepare(self, rows: list[Row], present: frozenset[str]) -> None: ...

    def check(self, row: Row) -> list[tuple[str, str]]:
        """Problems of this row as (field, Chinese message); may remember the row for later ones."""
        ...

    def write(self, row: Row) -> str:
        """Write the row; return "created", "updated" or "unchanged"."""
        ...


Report = Callable[[int, int], None]


def sheet_import(
    *, source: str | IO[bytes], spec: SheetSpec, handler: RowHandler, progress: Report | None = None
) -> dict[str, int]:
    """All or nothing: the counts of created, updated and unchanged rows, or SheetInvalid."""
    report = progress or (lambda done, total: None)
    sheet = sheet_read(source, spec)
    rows, problems = sheet.rows, list(sheet.problems)
    total = len(rows) * 2
    report(0, total)
    handler.prepare(rows, sheet.present)
    for done, row in enumerate(rows, start=1):
        for field_name, message in handler.check(row):
            problems.append(Problem(row.number, spec.header_of(field_name), message))
        report(done, total)
    if problems:
        raise SheetInvalid(problems, spec)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for done, row in enumerate(rows, start=len(rows) + 1):
            try:
                outcome = handler.write(row)
            except GuazhiError as error:
                # Something changed between check and write (another user's edit): the whole
                # file is refused, the transaction rolls back, and the row is named.
                raise SheetInvalid(_problems_of(error, row, spec), spec) from error
            counts[outcome] += 1
            report(done, total)
    return counts


def _problems_of(error: GuazhiError, row: Row, spec: SheetSpec) -> list[Problem]:
    # Messages stay what they are (a core.i18n Message keeps its source for the job's page).
    if isinstance(error.detail, dict) and error.detail:
        return [
            Problem(row.number, spec.header_of(str(k)), v if isinstance(v, str) else str(v))
            for k, v in error.detail.items()
        ]
    message = error.message
    return [Problem(row.number, "", message if isinstance(message, str) else str(message))]


# Writing: the sample and the export --------------------------------------------------------


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        # Cell data, read back by the importer: the Chinese separator whatever the language.
        return "、".join(str(item) for item in value)
    return value


def _style_header(cell: Any, column: Column) -> None:
    cell.font = REQUIRED_FONT if column.required else HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")


def _style_value(cell: Any, column: Column) -> None:
    if column.is_text:
        cell.number_format = TEXT_FORMAT
    elif column.is_date:
        cell.number_format = DATE_FORMAT


def sheet_sample(spec: SheetSpec) -> bytes:
    """The workbook people fill in: headers, one example row, drop-downs, and the rules."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(spec.title)
    options = None
    option_column = 0
    last_row = spec.max_rows + 1
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        _style_header(header, column)
        if column.help:
            header.comment = Comment(str(column.help), _("挂职"))
        example = sheet.cell(row=2, column=index, value=column.example)
        example.font = EXAMPLE_FONT
        _style_value(example, column)
        sheet.column_dimensions[letter].width = column.width
        if column.is_text:
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        if column.choices:
            # Lists live on a hidden sheet: an inline list is capped at 255 characters, which
            # the 56 ethnic groups or a county's units exceed.
            if options is None:
                options = workbook.create_sheet(str(OPTIONS_TITLE))
                options.sheet_state = "hidden"
            option_column += 1
            option_letter = get_column_letter(option_column)
            options.cell(row=1, column=option_column, value=column.header)
            for offset, choice in enumerate(column.choices, start=2):
                options.cell(row=offset, column=option_column, value=choice)
            end = len(column.choices) + 1
            validation = DataValidation(
                type="list",
                formula1=f"{quote_sheetname(str(OPTIONS_TITLE))}!${option_letter}$2:${option_letter}${end}",
                allow_blank=not column.required,
                showErrorMessage=column.strict_choices,
                errorTitle=_("填写有误"),
                error=_("请从下拉列表中选择。"),
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    # Second, after the data: the importer reads the first sheet, whatever it is called.
    _instructions(workbook.create_sheet(str(INSTRUCTIONS_TITLE), 1), spec)
    return workbook_bytes(workbook)


def _instructions(sheet: Any, spec: SheetSpec) -> None:
    headers = [_("列名"), _("是否必填"), _("填写要求"), _("可选值"), _("示例")]
    for index, title in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for number, column in enumerate(spec.columns, start=2):
        values = [
            column.header,
            _("必填") if column.required else _("选填"),
            str(column.help),
            join_list(column.choices) if column.strict_choices else "",
            column.example,
        ]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=index, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index == 5:
                _style_value(cell, column)
    notes = [
        _("第一行为列名，请勿修改；列的顺序可以调整，选填列可以删除。"),
        _("第2行为示例，导入时自动跳过，可以删除。"),
        _("每次最多导入 %(n)s 行。") % {"n": spec.max_rows},
        _("任何一行有错误时不会导入任何数据；请按错误提示（第几行、哪一列）修改后重新上传。"),
        *(str(note) for note in spec.notes),
    ]
    start = len(spec.columns) + 3
    sheet.cell(row=start, column=1, value=_("注意事项")).font = HEADER_FONT
    for offset, note in enumerate(notes, start=1):
        sheet.cell(row=start + offset, column=1, value=f"{offset}. {note}")
    for letter, width in zip("ABCDE", (16, 10, 48, 40, 24), strict=True):
        sheet.column_dimensions[letter].width = width


def sheet_export(
    spec: SheetSpec,
    rows: Iterable[Mapping[str, Any]],
    *,
    total: int = 0,
    progress: Report | None = None,
) -> bytes:
    """Rows (field → value) written under the spec's headers: what `sheet_read` reads back.

    Write-only mode keeps memory flat for a province-sized roster.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(spec.title))
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        _style_header(cell, column)
        header.append(cell)
    sheet.append(header)
    for done, values in enumerate(rows, start=1):
        line = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=_cell_value(values.get(column.field)))
            _style_value(cell, column)
            line.append(cell)
        sheet.append(line)
        if progress is not None:
            progress(done, max(total, done))
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Reports: write-only sheets with a title and a few lines over a table ------------------------


def report_cell(sheet: Any, value: object, **style: object) -> WriteOnlyCell:
    """A write-only cell with its style set (font=…, fill=…, number_format=…)."""
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def report_header_line(sheet: Any, headers: Sequence[str]) -> list[WriteOnlyCell]:
    """A table's header row: bold, shaded, centred, wrapped."""
    alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return [
        report_cell(sheet, header, font=HEADER_FONT, fill=HEADER_FILL, alignment=alignment)
        for header in headers
    ]


def set_column_widths(sheet: Any, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


# Uploads and downloads -------------------------------------------------------------------


def xlsx_upload_problem(upload: IO[bytes], size: int) -> str | None:
    """Why this upload is not an .xlsx workbook we will read, judged by content, not by name."""
    if size > MAX_UPLOAD_BYTES:
        return _("文件不能超过 5 MB。")
    not_xlsx = _(
        "文件不是 Excel 工作簿（.xlsx）。较早的 .xls 文件请先在 Excel 或 WPS 中另存为 .xlsx。"
    )
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return not_xlsx
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return _("文件内容过大，无法导入。")
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, ValueError):
        return not_xlsx
    finally:
        upload.seek(0)
    if b"spreadsheetml.sheet.main+xml" not in types:
        return not_xlsx
    return None


def attachment_header(filename: str) -> str:
    """Content-Disposition with an ASCII fallback and the real (Chinese) name in RFC 5987 form."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = extension, ""
    # Old clients read only `filename`: keep its ASCII part (名册_20261123.xlsx → 20261123.xlsx,
    # Cadre roster 20261123.xlsx → Cadre_roster_20261123.xlsx).
    ascii_stem = re.sub(r"\s+", "_", stem.strip())
    ascii_stem = re.sub(r"[^A-Za-z0-9_-]+", "", ascii_stem).strip("_-") or "download"
    ascii_extension = re.sub(r"[^A-Za-z0-9]+", "", extension)
    fallback = f"{ascii_stem}.{ascii_extension}" if ascii_extension else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    response["Cache-Control"] = "private, no-store"
    return response
