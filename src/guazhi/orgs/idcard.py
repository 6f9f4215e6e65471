"""Resident ID numbers (GB 11643-1999): check digit, birth date, masking for display."""

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.i18n import Message

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


ID_NUMBER_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def normalise_id_number(raw: str) -> str:
    """Full-width digits (１１０…) typed on Chinese keyboards become ASCII; x becomes X."""
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def id_number_problem(number: str, birth_date: dt.date | None = None) -> str | None:
    """Why `number` is not a valid ID number for someone born on `birth_date`, or None."""
    # ASCII digits only: str.isdigit() would also accept Arabic-Indic and other digits.
    if not ID_NUMBER_SHAPE.fullmatch(number):
        return _("身份证号应为18位，前17位为数字，末位为数字或X。")
    try:
        encoded_birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("身份证号中的出生日期不存在。")
    if check_character(number[:17]) != number[17]:
        return _("身份证号校验位不正确，请核对。")
    if birth_date is not None and encoded_birth != birth_date:
        # A Message: the importer shows it later, in the language of whoever reads the job.
        return Message(
            gettext_noop("身份证号中的出生日期（%(encoded)s）与填写的出生日期不一致。"),
            encoded=encoded_birth.isoformat(),
        )
    return None


def birth_date_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_of(number: str) -> str:
    """The 17th digit: odd for men, even for women."""
    return "男" if int(number[16]) % 2 else "女"


def mask_id_number(number: str) -> str:
    """110105********123X: region and last four kept, birth date hidden."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]
