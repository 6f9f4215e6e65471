"""Anonymising a summary for the library: the names come from the record, each name always gets
the same placeholder and different names different ones, longer names first, across title and
sections.

The world: 张三 (浔阳区委党校) serves at 白鹿镇 (under 浔阳区, under 江州市) in batch A, whose
coordinating unit is 浔阳区. Added here: 赵明, host leader over 白鹿镇, and 李华, 张三's group
leader in the same batch.
"""

from typing import Any

from guazhi.programmes.models import Assignment, AssignmentState, Group
from guazhi.summaries.services.anonymise import (
    Names,
    anonymise,
    names_of_record,
    parse_extra_names,
    placeholders,
    replace_names,
)
from tests.factories import CadreFactory, UnitFactory, UserFactory, grant
from tests.programmes.factories import assign
from tests.summaries.library_world import library_world

BASIC = "张三，浔阳区委党校科长，2025年3月至2026年3月在白鹿镇挂职，任党委副书记。"
WORK = (
    "在白鹿镇党委书记赵明同志的带领下，我与李华同志走访白鹿镇人民政府各站所，推动青山村茶叶"
    "合作社成立，带动农户增收。浔阳区委组织部多次来白鹿镇调研指导，江州市领导也给予肯定。"
)


def record(world: Any) -> Assignment:
    """张三's assignment with a host leader named 赵明 and a group led by 李华."""
    found = library_world(world)
    zhang = found.zhang
    grant(UserFactory(username="zhaoming", full_name="赵明"), "host_leader", world.township_a)
    li = assign(
        zhang.post, CadreFactory(name="李华", home_unit=world.school_a), AssignmentState.ACTIVE
    )
    group = Group.objects.create(batch=zhang.batch, name="第一组", leader=li)
    Assignment.objects.filter(pk__in=[zhang.pk, li.pk]).update(group=group)
    return Assignment.objects.select_related(
        "cadre", "host_unit", "home_unit", "batch__coordinating_org"
    ).get(pk=zhang.pk)


def test_the_names_come_from_the_record_and_the_extra_names(world: Any) -> None:
    names = names_of_record(record(world), extra=["青山村", "王大明"])

    assert names.author == "张三"
    assert names.units == {"白鹿镇", "浔阳区", "江州市", "浔阳区委党校", "青山村"}
    # The group's members, the holders of leading roles over the units (the world's accounts
    # carry names such as 白鹿镇赵书记), and the extra person; never the author.
    assert names.people == {
        "李华",
        "赵明",
        "白鹿镇赵书记",
        "组织部王科长",
        "党校李老师",
        "组长钱",
        "王大明",
    }


def test_a_summary_is_anonymised_consistently_across_title_and_sections(world: Any) -> None:
    names = names_of_record(record(world), extra=["青山村"])

    result = anonymise(
        "张三同志挂职锻炼期满总结",
        [{"heading": "一、基本情况", "body": BASIC}, {"heading": "二、主要工作", "body": WORK}],
        names,
    )

    assert result.title == "某同志挂职锻炼期满总结"
    assert result.sections == [
        {
            "heading": "一、基本情况",
            "body": "某同志，某区委党校科长，2025年3月至2026年3月在某镇挂职，任党委副书记。",
        },
        {
            "heading": "二、主要工作",
            "body": "在某镇党委书记甲同志的带领下，我与乙同志走访某镇人民政府各站所，推动某村茶叶"
            "合作社成立，带动农户增收。某区委组织部多次来某镇调研指导，某市领导也给予肯定。",
        },
    ]
    assert result.mapping == {
        "张三": "某同志",
        "赵明": "甲同志",
        "李华": "乙同志",
        "浔阳区": "某区",
        "白鹿镇": "某镇",
        "青山村": "某村",
        "江州市": "某市",
        "浔阳区委党校": "某区委党校",
    }


def test_distinct_names_of_one_kind_get_distinct_letters_in_order_of_appearance() -> None:
    names = Names(author="张三", people={"赵明", "钱红"}, units={"白鹿镇", "莲花镇", "青山村"})
    text = "钱红到莲花镇交流，赵明留在白鹿镇；莲花镇和白鹿镇结对，钱红、赵明都去了青山村。"

    mapping = placeholders(names, text)

    assert mapping == {
        "钱红": "甲同志",
        "赵明": "乙同志",
        "莲花镇": "甲镇",
        "白鹿镇": "乙镇",
        "青山村": "某村",
    }
    assert replace_names(text, mapping) == (
        "甲同志到甲镇交流，乙同志留在乙镇；甲镇和乙镇结对，甲同志、乙同志都去了某村。"
    )


def test_longer_names_win_and_placeholders_are_never_replaced_again() -> None:
    # 张三丰 is not 张三; 白鹿镇人民政府 keeps 白鹿镇's placeholder; a name that reads like a
    # placeholder's word (某镇 contains 镇) is not touched twice.
    names = Names(author="张三", people={"张三丰"}, units={"白鹿镇", "白鹿镇人民政府", "某镇中学"})
    text = "张三和张三丰在白鹿镇人民政府开会，会后回到白鹿镇。"

    mapping = placeholders(names, text)

    assert mapping == {
        "张三": "某同志",
        "张三丰": "甲同志",
        "白鹿镇": "某镇",
        "白鹿镇人民政府": "某镇人民政府",
    }
    assert replace_names(text, mapping) == "某同志和甲同志在某镇人民政府开会，会后回到某镇。"


def test_a_unit_of_no_known_kind_becomes_a_unit() -> None:
    names = Names(units={"新华书店", "江南茶业"})

    assert (
        replace_names("新华书店和江南茶业", placeholders(names, "新华书店和江南茶业"))
        == "甲单位和乙单位"
    )


def test_names_not_in_the_text_take_no_letter() -> None:
    names = Names(author="张三", people={"赵明", "李华"}, units={"白鹿镇", "莲花镇"})

    assert placeholders(names, "李华在莲花镇。") == {"李华": "甲同志", "莲花镇": "某镇"}


def test_a_parent_unit_listed_by_name_is_replaced_too(world: Any) -> None:
    village = UnitFactory(name="青山村", kind="village", level="village", parent=world.township_a)
    found = library_world(world)
    Assignment.objects.filter(pk=found.zhang.pk).update(host_unit=village)
    assignment = Assignment.objects.get(pk=found.zhang.pk)

    names = names_of_record(assignment)

    assert {"青山村", "白鹿镇", "浔阳区", "江州市"} <= names.units
    assert (
        replace_names("浔阳区白鹿镇青山村", placeholders(names, "浔阳区白鹿镇青山村"))
        == "某区某镇某村"
    )


def test_extra_names_are_read_one_a_line_or_separated_by_commas() -> None:
    assert parse_extra_names("青山村\n王大明，江南茶业、 青山村;李 华") == [
        "青山村",
        "王大明",
        "江南茶业",
        "李华",
    ]
