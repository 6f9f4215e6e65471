"""Pinyin keys: names sort and are found the way Chinese users expect, surnames included."""

from guazhi.core.text import ascii_number, initials, name_syllables, pinyin_key, text_syllables


def key(name: str) -> str:
    return pinyin_key(name_syllables(name))


def test_initials_find_a_name_by_its_first_letters() -> None:
    assert initials(name_syllables("张三")) == "zs"
    assert key("张三") == "zhang san"


def test_shan_is_the_surname_reading_of_dan() -> None:
    assert name_syllables("单雄信") == ["shan", "xiong", "xin"]
    assert initials(name_syllables("单雄信")) == "sxx"


def test_shan_xiongxin_sorts_under_s_not_under_d() -> None:
    names = ["孙权", "丁奉", "单雄信", "沙僧", "邓艾"]
    assert sorted(names, key=key) == ["邓艾", "丁奉", "沙僧", "单雄信", "孙权"]


def test_zeng_is_the_surname_reading_of_ceng() -> None:
    assert name_syllables("曾国藩") == ["zeng", "guo", "fan"]
    assert initials(name_syllables("曾小贤")) == "zxx"


def test_other_surname_readings() -> None:
    assert name_syllables("解缙")[0] == "xie"
    assert name_syllables("区健")[0] == "ou"
    assert name_syllables("仇英")[0] == "qiu"
    assert name_syllables("长孙无忌") == ["zhang", "sun", "wu", "ji"]


def test_surname_readings_apply_only_at_the_start() -> None:
    # In a unit name 单 is the ordinary word (单位 dān wèi), and mid-name it is not a surname.
    assert text_syllables("单位")[0] == "dan"
    assert name_syllables("王单")[1] == "dan"


def test_a_shorter_name_sorts_before_a_longer_one_with_the_same_start() -> None:
    assert sorted(["张珊珊", "张三"], key=key) == ["张三", "张珊珊"]


def test_minority_names_with_a_middle_dot_keep_only_syllables() -> None:
    assert name_syllables("买买提·艾力") == ["mai", "mai", "ti", "ai", "li"]
    assert initials(name_syllables("买买提·艾力")) == "mmtal"


def test_latin_letters_and_digits_pass_through_lower_cased() -> None:
    assert text_syllables("ABC公司 2号") == ["abc", "gong", "si", "2", "hao"]


def test_surrounding_spaces_are_ignored() -> None:
    assert name_syllables("  张三 ") == ["zhang", "san"]


def test_a_number_from_a_request_is_ascii_digits_or_nothing() -> None:
    assert ascii_number("12") == 12
    assert ascii_number("007") == 7
    # str.isdigit() says yes to each of these; int() refuses the first and reads the second.
    assert ascii_number("²") is None
    assert ascii_number("١٢") is None
    assert [ascii_number(text) for text in ("", "-1", "1.5", " 1", "x")] == [None] * 5
    # More digits than int() reads (a crafted page number), rather than a ValueError.
    assert ascii_number("1" * 5000) is None
