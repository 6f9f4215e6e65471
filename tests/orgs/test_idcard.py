"""Resident ID numbers (GB 11643): what is accepted, what is caught, and what a viewer sees."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from guazhi.orgs.idcard import (
    birth_date_of,
    check_character,
    gender_of,
    id_number_problem,
    mask_id_number,
    mask_phone,
    normalise_id_number,
)

# No example database: the run must not leave files in the checkout. No deadline: the first
# call loads translations, which would trip hypothesis's timer for no fault of the code.
quick = settings(database=None, deadline=None, max_examples=200)

regions = st.from_regex(r"\A[1-8][0-9]{5}\Z")
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    first17 = f"{draw(regions)}{draw(births):%Y%m%d}{draw(sequences):03d}"
    return first17 + check_character(first17)


# Known cases -------------------------------------------------------------------------------


def test_the_standards_own_examples_are_valid() -> None:
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem("440524188001010014") is None


def test_birth_date_and_gender_are_read_from_the_number() -> None:
    assert birth_date_of("11010519491231002X") == dt.date(1949, 12, 31)
    assert gender_of("11010519491231002X") == "女"  # 17th digit 2: even
    assert gender_of("440524188001010014") == "男"  # 17th digit 1: odd


def test_a_wrong_check_character_is_refused() -> None:
    assert id_number_problem("110105194912310021") == "身份证号校验位不正确，请核对。"


def test_a_birth_date_that_does_not_exist_is_refused() -> None:
    first17 = "11010519990230001"  # 30 February
    assert id_number_problem(first17 + check_character(first17)) == "身份证号中的出生日期不存在。"


def test_length_and_characters_are_checked_before_anything_else() -> None:
    message = "身份证号应为18位，前17位为数字，末位为数字或X。"
    assert id_number_problem("11010519491231002") == message
    assert id_number_problem("11010519491231002XX") == message
    assert id_number_problem("1101051949123100AX") == message
    assert id_number_problem("") == message


def test_a_birth_date_that_disagrees_with_the_form_is_named() -> None:
    assert id_number_problem("11010519491231002X", dt.date(1949, 12, 30)) == (
        "身份证号中的出生日期（1949-12-31）与填写的出生日期不一致。"
    )
    assert id_number_problem("11010519491231002X", dt.date(1949, 12, 31)) is None


def test_spaces_and_a_lower_case_x_are_normalised() -> None:
    assert normalise_id_number(" 110105 19491231 002x ") == "11010519491231002X"


def test_masks_of_known_numbers() -> None:
    assert mask_id_number("11010519491231123X") == "110105********123X"
    assert mask_phone("13811111111") == "138****1111"
    assert mask_phone("") == ""
    assert mask_id_number("") == ""


# Properties --------------------------------------------------------------------------------


@quick
@given(valid_numbers())
def test_any_valid_number_passes(number: str) -> None:
    assert id_number_problem(number) is None
    assert id_number_problem(number, birth_date_of(number)) is None


@quick
@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.data())
def test_changing_any_single_character_is_detected(
    number: str, position: int, data: st.DataObject
) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    assert id_number_problem(changed) is not None


@quick
@given(valid_numbers())
def test_the_seventeenth_digit_decides_gender(number: str) -> None:
    assert gender_of(number) == ("男" if int(number[16]) % 2 == 1 else "女")


@quick
@given(valid_numbers())
def test_a_masked_number_keeps_the_first_six_and_last_four_only(number: str) -> None:
    masked = mask_id_number(number)
    assert masked == number[:6] + "********" + number[-4:]


@quick
@given(st.text(alphabet="0123456789X", min_size=10, max_size=30))
def test_masking_any_long_text_hides_all_but_the_ends(text: str) -> None:
    masked = mask_id_number(text)
    assert len(masked) == len(text)
    assert masked[:6] == text[:6]
    assert masked[-4:] == text[-4:]
    assert set(masked[6:-4]) <= {"*"}


@quick
@given(st.text(alphabet="0123456789", max_size=9))
def test_masking_short_text_hides_everything(text: str) -> None:
    assert mask_id_number(text) == "*" * len(text)
