"""The declarative Excel importer and exporter: reading by header, row-and-column problems,
all-or-nothing writes, the sample workbook and the upload check."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from guazhi.core.errors import ValidationFailed
from guazhi.core.models import WorkdayOverride
from guazhi.core.spreadsheets import (
    INSTRUCTIONS_TITLE,
    Column,
    Row,
    SheetInvalid,
    SheetSpec,
    attachment_header,
    parse_choice,
    parse_date,
    parse_text,
    sheet_export,
    sheet_import,
    sheet_read,
    sheet_sample,
    xlsx_upload_problem,
)

SPEC = SheetSpec(
    title="日历",
    columns=(
        Column(
            "日期",
            "date",
            parse_date,
            required=True,
            example=dt.date(2027, 1, 1),
            is_date=True,
            help="日期",
            empty=None,
        ),
        Column(
            "类型",
            "kind",
            parse_choice({"上班": "work", "休息": "rest"}),
            required=True,
            example="休息",
            help="从下拉列表中选择。",
            choices=("上班", "休息"),
        ),
        Column("说明", "note", parse_text(10), example="元旦", help="选填，不超过10字。"),
        Column("编号", "code", parse_text(18), example="110101", is_text=True, help="文本"),
    ),
)


def xlsx(rows: list[list[object]], title: str = "Sheet") -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def problems_of(error: pytest.ExceptionInfo) -> list[tuple[int, str, str]]:  # type: ignore[type-arg]
    return [(p["row"], p["column"], p["message"]) for p in error.value.detail]


class Overrides:
    """A tiny handler that writes work-calendar overrides, and can be told to fail."""

    def __init__(self, bad_note: str = "", fail_on_write: int = 0) -> None:
        self.bad_note = bad_note
        self.fail_on_write = fail_on_write

    def prepare(self, rows: list[Row], present: frozenset[str]) -> None:
        self.present = present

    def check(self, row: Row) -> list[tuple[str, str]]:
        if self.bad_note and row.values.get("note") == self.bad_note:
            return [("note", "说明不对。")]
        return []

    def write(self, row: Row) -> str:
        if row.number == self.fail_on_write:
            raise ValidationFailed("冲突。", detail={"date": "该日期已被他人设置。"})
        WorkdayOverride.objects.create(
            date=row.values["date"],
            is_workday=row.values["kind"] == "work",
            note=row.values.get("note", ""),
        )
        return "created"


# Reading ---------------------------------------------------------------------------------


def test_columns_are_found_by_header_in_any_order_with_stray_marks() -> None:
    source = xlsx([[" 说明 ", "类型*", "日期"], ["春节", "休息", dt.datetime(2027, 2, 6)]])
    sheet = sheet_read(source, SPEC)
    assert (sheet.present, sheet.problems) == (frozenset({"note", "kind", "date"}), [])
    assert [(row.number, row.values) for row in sheet.rows] == [
        (2, {"note": "春节", "kind": "rest", "date": dt.date(2027, 2, 6)})
    ]


def test_a_title_row_above_the_header_keeps_excel_row_numbers() -> None:
    source = xlsx(
        [
            ["2027年日历调整"],
            [],
            ["日期", "类型"],
            ["2027-01-01", "休息"],
            [],
            ["2027-01-02", "上班"],
        ]
    )
    assert [row.number for row in sheet_read(source, SPEC).rows] == [4, 6]


def test_a_missing_required_column_is_reported_by_its_header() -> None:
    with pytest.raises(SheetInvalid) as error:
        sheet_read(xlsx([["日期", "说明"], ["2027-01-01", "元旦"]]), SPEC)
    assert problems_of(error) == [(1, "类型", "缺少必填列“类型”。")]


def test_a_sheet_without_any_known_header_is_refused_in_chinese() -> None:
    with pytest.raises(SheetInvalid) as error:
        sheet_read(xlsx([["a", "b"], [1, 2]]), SPEC)
    assert problems_of(error) == [(1, "", "没有找到表头，第一行应为列名，必须包括：日期、类型。")]


@pytest.mark.django_db
def test_every_bad_cell_is_reported_with_row_column_and_chinese_message() -> None:
    source = xlsx(
        [
            ["说明", "日期", "类型"],
            ["元旦", "2027-01-01", "休息"],
            ["说明文字超过了十个字的限制", "2027-02-30", "放假"],
            ["", None, "上班"],
        ]
    )
    with pytest.raises(SheetInvalid) as error:
        sheet_import(source=source, spec=SPEC, handler=Overrides())
    assert problems_of(error) == [
        (3, "日期", "日期不存在：2027-02-30。"),
        (3, "类型", "不在可选范围内，应为：上班、休息。"),
        (3, "说明", "不能超过10个字。"),
        (4, "日期", "必填，不能为空。"),
    ]
    assert error.value.message == "共有 4 处错误，没有导入任何数据；请修改后重新上传。"


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(1985, 6, 1),
        dt.date(1985, 6, 1),
        "1985-06-01",
        "1985.06.01",
        "1985/6/1",
        "1985年6月1日",
        "19850601",
        19850601,
    ],
)
def test_dates_are_read_from_excel_dates_and_common_text_forms(value: object) -> None:
    assert parse_date(value) == dt.date(1985, 6, 1)


def test_an_unreadable_date_says_which_forms_are_accepted() -> None:
    with pytest.raises(Exception) as error:
        parse_date("六月一日")
    assert error.value.message == "日期格式应如 1985-06-01、1985.06.01 或 1985/6/1。"


def test_a_long_number_that_excel_already_truncated_is_refused() -> None:
    source = xlsx([["日期", "类型", "编号"], ["2027-01-01", "休息", 360403198506010011]])
    sheet = sheet_read(source, SPEC)
    assert [(p.row, p.column, p.message) for p in sheet.problems] == [
        (2, "编号", "数字位数过多，已被 Excel 截断；请把该列设为“文本”格式后重新填写。")
    ]
    assert (sheet.rows[0].failed, "code" in sheet.rows[0].values) == ({"code"}, False)


def test_whole_numbers_read_as_text_lose_the_decimal_point() -> None:
    sheet = sheet_read(xlsx([["日期", "类型", "编号"], ["2027-01-01", "休息", 360403]]), SPEC)
    assert sheet.rows[0].values["code"] == "360403"


def damaged(source: io.BytesIO, member: str, cut: int) -> io.BytesIO:
    """The workbook with `member` cut short after `cut` bytes, the zip itself sound."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            copy.writestr(item, data[:cut] if item.filename == member else data)
    out.seek(0)
    return out


def test_a_workbook_whose_sheet_is_cut_short_is_refused_in_chinese() -> None:
    source = xlsx([["日期", "类型"], *[["2027-01-01", "休息"]] * 50])
    with pytest.raises(ValidationFailed) as error:
        sheet_read(damaged(source, "xl/worksheets/sheet1.xml", 900), SPEC)
    assert error.value.message == (
        "文件已损坏，无法读出工作表的内容，请用 Excel 打开后另存为 .xlsx 再上传。"
    )


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese() -> None:
    with pytest.raises(ValidationFailed) as error:
        sheet_read(io.BytesIO(b"name,date\n"), SPEC)
    assert error.value.message == "无法读取该文件，请上传 Excel 2007 及以上版本保存的 .xlsx 文件。"


# Importing: all or nothing ------------------------------------------------------------------


def calendar_rows(count: int) -> list[list[object]]:
    return [
        ["日期", "类型", "说明"],
        *[[dt.date(2027, 3, day), "休息", f"第{day}天"] for day in range(1, count + 1)],
    ]


@pytest.mark.django_db
def test_a_clean_sheet_is_written_and_counted() -> None:
    counts = sheet_import(source=xlsx(calendar_rows(3)), spec=SPEC, handler=Overrides())
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert list(WorkdayOverride.objects.values_list("note", flat=True)) == [
        "第1天",
        "第2天",
        "第3天",
    ]


@pytest.mark.django_db
def test_one_bad_row_among_many_imports_nothing() -> None:
    with pytest.raises(SheetInvalid) as error:
        sheet_import(source=xlsx(calendar_rows(20)), spec=SPEC, handler=Overrides(bad_note="第7天"))
    assert problems_of(error) == [(8, "说明", "说明不对。")]
    assert WorkdayOverride.objects.count() == 0


@pytest.mark.django_db
def test_a_refusal_during_the_write_rolls_back_the_rows_written_before_it() -> None:
    with pytest.raises(SheetInvalid) as error:
        sheet_import(source=xlsx(calendar_rows(5)), spec=SPEC, handler=Overrides(fail_on_write=5))
    assert problems_of(error) == [(5, "日期", "该日期已被他人设置。")]
    assert WorkdayOverride.objects.count() == 0


@pytest.mark.django_db
def test_progress_is_reported_through_checking_and_writing() -> None:
    reports: list[tuple[int, int]] = []
    sheet_import(
        source=xlsx(calendar_rows(2)),
        spec=SPEC,
        handler=Overrides(),
        progress=lambda d, t: reports.append((d, t)),
    )
    assert reports == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


# The sample workbook and the export ---------------------------------------------------------


def test_the_sample_has_styled_headers_an_example_row_and_instructions() -> None:
    workbook = load_workbook(io.BytesIO(sheet_sample(SPEC)))
    assert workbook.sheetnames[:2] == ["日历", INSTRUCTIONS_TITLE]
    sheet = workbook["日历"]
    assert [cell.value for cell in sheet[1]] == ["日期", "类型", "说明", "编号"]
    assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb.endswith("F2DCDB")
    assert sheet["A1"].font.color.rgb.endswith("C0392B")  # required
    assert sheet["C1"].font.color is None  # optional
    assert sheet["A1"].comment.text == "日期"
    assert [cell.value for cell in sheet[2]] == [dt.datetime(2027, 1, 1), "休息", "元旦", "110101"]
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].number_format == "@"
    assert sheet.freeze_panes == "A2"
    instructions = workbook[INSTRUCTIONS_TITLE]
    assert [cell.value for cell in instructions[1]] == [
        "列名",
        "是否必填",
        "填写要求",
        "可选值",
        "示例",
    ]
    assert [cell.value for cell in instructions[3]] == [
        "类型",
        "必填",
        "从下拉列表中选择。",
        "上班、休息",
        "休息",
    ]
    assert [cell.value for cell in instructions[4]][:2] == ["说明", "选填"]
    notes = [row[0].value for row in instructions.iter_rows(min_row=7) if row[0].value]
    assert notes[0] == "注意事项"
    assert "2. 第2行为示例，导入时自动跳过，可以删除。" in notes


def test_the_sample_offers_a_drop_down_for_each_choice_column() -> None:
    workbook = load_workbook(io.BytesIO(sheet_sample(SPEC)))
    validations = workbook["日历"].data_validations.dataValidation
    assert [(v.type, str(v.sqref), v.formula1, v.showErrorMessage) for v in validations] == [
        ("list", "B2:B10001", "'可选值'!$A$2:$A$3", True)
    ]
    options = workbook["可选值"]
    assert options.sheet_state == "hidden"
    assert [row[0].value for row in options.iter_rows()] == ["类型", "上班", "休息"]


@pytest.mark.django_db
def test_a_sample_sent_back_unchanged_imports_nothing() -> None:
    counts = sheet_import(source=io.BytesIO(sheet_sample(SPEC)), spec=SPEC, handler=Overrides())
    assert counts == {"created": 0, "updated": 0, "unchanged": 0}


def test_an_export_reads_back_to_the_same_values() -> None:
    rows = [
        {"date": dt.date(2027, 1, 1), "kind": "休息", "note": "元旦", "code": "360403198506010011"},
        {"date": dt.date(2027, 2, 4), "kind": "上班", "note": None, "code": "0123"},
    ]
    reports: list[tuple[int, int]] = []
    content = sheet_export(SPEC, rows, total=2, progress=lambda d, t: reports.append((d, t)))
    sheet = load_workbook(io.BytesIO(content))["日历"]
    assert [cell.value for cell in sheet[1]] == ["日期", "类型", "说明", "编号"]
    assert sheet["D2"].number_format == "@" and sheet["A2"].number_format == "yyyy-mm-dd"
    read = sheet_read(io.BytesIO(content), SPEC).rows
    assert [row.values for row in read] == [
        {"date": dt.date(2027, 1, 1), "kind": "rest", "note": "元旦", "code": "360403198506010011"},
        {"date": dt.date(2027, 2, 4), "kind": "work", "note": "", "code": "0123"},
    ]
    assert reports == [(1, 2), (2, 2)]


# Uploads and downloads ---------------------------------------------------------------------


def zipped(files: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def test_a_real_workbook_passes_the_upload_check() -> None:
    content = sheet_sample(SPEC)
    assert xlsx_upload_problem(io.BytesIO(content), len(content)) is None


@pytest.mark.parametrize(
    "upload",
    [
        io.BytesIO(b"\xd0\xcf\x11\xe0 an old .xls renamed"),
        io.BytesIO("姓名,性别\n".encode()),
        zipped({"word/document.xml": b"<w/>", "[Content_Types].xml": b"wordprocessingml"}),
        zipped({"xl/workbook.xml": b"<w/>", "[Content_Types].xml": b"application/xml"}),
    ],
    ids=["xls", "csv", "docx", "zip-without-sheet-type"],
)
def test_files_that_are_not_xlsx_by_content_are_refused(upload: io.BytesIO) -> None:
    problem = xlsx_upload_problem(upload, len(upload.getvalue()))
    assert (
        problem
        == "文件不是 Excel 工作簿（.xlsx）。较早的 .xls 文件请先在 Excel 或 WPS 中另存为 .xlsx。"
    )


def test_an_upload_over_five_megabytes_is_refused() -> None:
    content = sheet_sample(SPEC)
    assert xlsx_upload_problem(io.BytesIO(content), 5 * 1024 * 1024 + 1) == "文件不能超过 5 MB。"


def test_the_download_header_carries_the_chinese_name_in_utf8_and_an_ascii_fallback() -> None:
    assert attachment_header("干部名册.xlsx") == (
        'attachment; filename="download.xlsx"; '
        "filename*=UTF-8''%E5%B9%B2%E9%83%A8%E5%90%8D%E5%86%8C.xlsx"
    )
    assert attachment_header("干部名册_20261123_0930.xlsx").startswith(
        "attachment; filename=\"20261123_0930.xlsx\"; filename*=UTF-8''%E5%B9%B2"
    )
