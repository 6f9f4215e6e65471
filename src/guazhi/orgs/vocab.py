"""Controlled vocabularies of personnel records, as organisation departments write them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# GB/T 3304: the 56 ethnic groups, in the standard's order. Stored and written in import files
# in Chinese (the standard's names); shown through gettext, so an English page reads "Han".
ETHNICITIES: tuple[str, ...] = (
    gettext_noop("汉族"), gettext_noop("蒙古族"), gettext_noop("回族"), gettext_noop("藏族"),
    gettext_noop("维吾尔族"), gettext_noop("苗族"), gettext_noop("彝族"), gettext_noop("壮族"),
    gettext_noop("布依族"), gettext_noop("朝鲜族"), gettext_noop("满族"), gettext_noop("侗族"),
    gettext_noop("瑶族"), gettext_noop("白族"), gettext_noop("土家族"), gettext_noop("哈尼族"),
    gettext_noop("哈萨克族"), gettext_noop("傣族"), gettext_noop("黎族"), gettext_noop("傈僳族"),
    gettext_noop("佤族"), gettext_noop("畲族"), gettext_noop("高山族"), gettext_noop("拉祜族"),
    gettext_noop("水族"), gettext_noop("东乡族"), gettext_noop("纳西族"), gettext_noop("景颇族"),
    gettext_noop("柯尔克孜族"), gettext_noop("土族"), gettext_noop("达斡尔族"), gettext_noop("仫佬族"),
    gettext_noop("羌族"), gettext_noop("布朗族"), gettext_noop("撒拉族"), gettext_noop("毛南族"),
    gettext_noop("仡佬族"), gettext_noop("锡伯族"), gettext_noop("阿昌族"), gettext_noop("普米族"),
    gettext_noop("塔吉克族"), gettext_noop("怒族"), gettext_noop("乌孜别克族"), gettext_noop("俄罗斯族"),
    gettext_noop("鄂温克族"), gettext_noop("德昂族"), gettext_noop("保安族"), gettext_noop("裕固族"),
    gettext_noop("京族"), gettext_noop("塔塔尔族"), gettext_noop("独龙族"), gettext_noop("鄂伦春族"),
    gettext_noop("赫哲族"), gettext_noop("门巴族"), gettext_noop("珞巴族"), gettext_noop("基诺族"),
)  # fmt: skip


class Gender(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "中共党员", _("中共党员")
    CPC_PROBATIONARY = "中共预备党员", _("中共预备党员")
    YOUTH_LEAGUE = "共青团员", _("共青团员")
    DEMOCRATIC_PARTY = "民主党派", _("民主党派")
    NON_PARTISAN = "无党派人士", _("无党派人士")
    MASSES = "群众", _("群众")

    @classmethod
    def party_members(cls) -> set[str]:
        return {cls.CPC_MEMBER, cls.CPC_PROBATIONARY}


class Education(models.TextChoices):
    POSTGRADUATE = "研究生", _("研究生")
    BACHELOR = "大学本科", _("大学本科")
    COLLEGE = "大学专科", _("大学专科")
    SECONDARY = "中专", _("中专")
    HIGH_SCHOOL = "高中及以下", _("高中及以下")


class Degree(models.TextChoices):
    DOCTOR = "博士", _("博士")
    MASTER = "硕士", _("硕士")
    BACHELOR = "学士", _("学士")
    NONE = "无", _("无")


class StaffType(models.TextChoices):
    """Decides the grade scheme in evaluation (civil servant or public institution)."""

    CIVIL_SERVANT = "公务员", _("公务员")
    CIVIL_SERVANT_LIKE = "参公", _("参照公务员法管理")
    PUBLIC_INSTITUTION = "事业单位", _("事业单位")
    STATE_ENTERPRISE = "国企", _("国有企业")
    UNIVERSITY = "高校", _("高校")


class Rank(models.TextChoices):
    """职级 as a ladder: matching compares levels (不高挂), so order matters, see RANK_ORDER."""

    STAFF = "科员级", _("科员级及以下")
    SECTION_DEPUTY = "副科级", _("乡科级副职（副科级）")
    SECTION_CHIEF = "正科级", _("乡科级正职（正科级）")
    DIVISION_DEPUTY = "副处级", _("县处级副职（副处级）")
    DIVISION_CHIEF = "正处级", _("县处级正职（正处级）")
    BUREAU_DEPUTY = "副厅级", _("厅局级副职（副厅级）")
    BUREAU_CHIEF = "正厅级", _("厅局级正职（正厅级）")


RANK_ORDER: dict[str, int] = {value: index for index, value in enumerate(Rank.values)}
