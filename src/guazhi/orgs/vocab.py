"""Controlled vocabularies of personnel records, as organisation departments write them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# GB/T 3304: the 56 ethnic groups, in the standard's order.
ETHNICITIES = (  # noqa: SIM905 (the standard as one string reads better than 56 quoted items)
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 "
    "哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 "
    "达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 "
    "俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()


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
