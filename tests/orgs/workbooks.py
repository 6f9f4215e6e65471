"""Excel workbooks for the import tests: a sheet from rows, a roster row by header, an upload."""

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from guazhi.orgs import imports
from tests.factories import make_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CADRE_HEADERS = [column.header for column in imports.cadre_spec().columns]
CADRE_BIRTH = dt.date(1988, 3, 15)


def workbook(header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def cadre_row(**values: Any) -> list[Any]:
    """A roster row that imports as it is into 浔阳区委党校, with `values` by header. Unless one
    is given, each row gets an ID number of its own: a woman's, born on the row's 出生日期."""
    birth = values.get("出生日期", CADRE_BIRTH)
    row = {
        "姓名": "赵敏",
        "性别": "女",
        "出生日期": birth,
        "民族": "汉族",
        "政治面貌": "中共党员",
        "学历": "研究生",
        "学位": "硕士",
        "职称": "讲师",
        "人员类别": "事业单位",
        "工作单位": "浔阳区委党校",
        "职务": "教研室主任",
        "职级": "副科级",
        "任现职时间": "2021.07.01",
        "参加工作时间": "2010.08.01",
        "籍贯": "江西九江",
        "籍贯行政区划代码": "360402",
        "专业特长": "乡村振兴、基层党建",
        "手机号码": "13907921234",
        "身份证号": make_id_number(
            birth if isinstance(birth, dt.date) else CADRE_BIRTH, female=True
        ),
        "回避关系": "配偶:王强:白鹿镇；父亲:赵大山:江州市财政局",
    } | values
    return [row[header] for header in CADRE_HEADERS]
