"""Deterministic demo data (江州市) and bulk seeding at scale, for demos, tests and benchmarks.

Everything comes from a seeded `random.Random`: the same call gives the same people, ID numbers
and phones on every machine, with no clock and no network. The demo set is written through the
services (audit events, history); `seed` bulk-inserts for speed but fills paths and pinyin with
the services' own helpers, so the rows are indistinguishable from service-made ones.
"""

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from guazhi.core.audit import audit_record
from guazhi.core.statistics import refresh_planner_statistics
from guazhi.orgs import services
from guazhi.orgs.idcard import check_character
from guazhi.orgs.models import CadreProfile, Organisation, OrgKind, OrgLevel, Role, User

DEMO_PASSWORD = "Guazhi-Demo-2026"
DEMO_SEED = 2026
# Ages are counted from a fixed year, never from today, so the data does not drift.
REFERENCE_YEAR = 2026

# People --------------------------------------------------------------------------------------


def _weights(text: str) -> tuple[tuple[str, int], ...]:
    """ "王72 李71" → (("王", 72), ("李", 71)): long weighted lists stay readable."""
    pairs = []
    for item in text.split():
        word = item.rstrip("0123456789")
        pairs.append((word, int(item[len(word) :])))
    return tuple(pairs)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The common surnames, roughly by frequency (weights are relative counts, not percentages).
SURNAMES = _weights(
    "王72 李71 张68 刘54 陈46 杨32 黄24 赵21 吴20 周19 徐14 "
    "孙13 马12 朱12 胡11 郭11 何10 林9 罗9 高9 郑8 梁8 谢7 宋6 "
    "唐6 许6 韩6 邓5 冯5 曹5 彭5 曾5 肖5 田4 董4 潘4 袁4 蔡4 蒋4 "
    "余4 于4 杜4 叶4 程3 魏3 苏3 吕3 丁3 任3 卢3 姚3 沈3 钟3 姜3 "
    "崔3 谭3 陆3 范2 汪2 廖2 石2 金2 韦2 贾2 夏2 付2 方2 邹2 熊2 "
    "白2 孟2 秦2 邱2 侯2 江2 尹2 薛2 段2 雷2 龙2 黎2 史2 陶2 贺2 "
    "毛2 万1 龚1 邵1 覃1 钱1 戴1 严1 欧阳1 单1 解1 查1 仇1 缪1 翟1"
)
# Surnames read differently from the character in ordinary words: the demo always has some.
POLYPHONIC_SURNAMES = ("单", "曾", "解", "查", "仇", "覃", "缪")

GIVEN_MALE = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳晨振国建志文海峰亮东斌立新春松"
)
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪琳慧颖倩洁晶欣悦佳蕾薇丹萍红梅莉兰琴云琪怡璐瑶"
GIVEN_ANY = "文子思雨嘉梓晓一家德安永金海天佳明晓春秋兴宏"

ETHNICITIES = _weights("汉族880 回族20 畲族20 苗族15 土家族15 满族12 壮族10 蒙古族8 侗族8 瑶族6")

# 籍贯 and the region code an ID number begins with (county level).
NATIVE_PLACES: tuple[tuple[str, str, int], ...] = (
    ("江西浔阳", "360403", 10),
    ("江西濂溪", "360402", 10),
    ("江西柴桑", "360421", 9),
    ("江西湖口", "360429", 8),
    ("江西南昌", "360121", 5),
    ("江西丰城", "360981", 4),
    ("江西鄱阳", "361128", 4),
    ("江西都昌", "360428", 4),
    ("湖北黄梅", "421127", 3),
    ("湖北蕲春", "421126", 2),
    ("安徽宿松", "340826", 2),
    ("湖南浏阳", "430181", 2),
    ("浙江开化", "330824", 1),
    ("福建建瓯", "350783", 1),
    ("河南固始", "411525", 1),
    ("山东曲阜", "370881", 1),
)

PHONE_PREFIXES = _words(
    "133 135 136 137 138 139 150 151 152 155 157 158 159 177 180 181 182 183 186 187 188 "
    "189 191 199"
)

EXPERTISE_TAGS = _words(
    "招商引资 乡村振兴 基层党建 财务审计 城乡规划 农业技术 教育管理 医疗卫生 法律事务 "
    "信息化建设 生态环保 文化旅游 项目管理 产业规划 政策研究 公文写作 理论宣讲 党史研究 "
    "电子商务 科技创新 统计分析 畜牧兽医 农田水利 公共卫生 疾病防控 应急管理 中医药 "
    "工程管理 投融资 资产管理 社会治理 安全生产"
)


@dataclass(frozen=True)
class Post:
    """A position in a unit, with the rank and titles that go with it."""

    position: str
    rank: str
    titles: tuple[str, ...] = ("",)
    staff_type: str = ""  # overrides the profile's when the post is of another kind


@dataclass(frozen=True)
class UnitProfile:
    """What the staff of one kind of dispatching unit look like."""

    staff_type: str
    posts: tuple[Post, ...]
    expertise: tuple[str, ...]
    postgraduate_share: float
    doctor_share: float = 0.0


PROFILES: dict[str, UnitProfile] = {
    "party_school": UnitProfile(
        "参公",
        (
            Post("党史党建教研部副主任", "正科级", ("副教授", "讲师")),
            Post("经济学教研部讲师", "科员级", ("讲师",)),
            Post("公共管理教研部副教授", "副科级", ("副教授",)),
            Post("哲学教研部教师", "科员级", ("讲师", "助教")),
            Post("科研处科长", "正科级", ("副教授", "讲师")),
            Post("办公室副主任", "副科级"),
            Post("教务处副处长", "副处级", ("教授", "副教授")),
        ),
        ("基层党建", "理论宣讲", "党史研究", "教育管理", "公文写作", "乡村振兴", "政策研究"),
        0.75,
        0.15,
    ),
    "university": UnitProfile(
        "高校",
        (
            Post("农学院副院长", "副处级", ("教授", "副教授")),
            Post("农学院教师", "科员级", ("讲师", "副教授")),
            Post("信息工程学院教师", "科员级", ("讲师", "副教授", "高级工程师")),
            Post("经济管理学院教师", "科员级", ("讲师", "副教授")),
            Post("土木与建筑学院教师", "科员级", ("讲师", "副教授", "高级工程师")),
            Post("医学院教师", "科员级", ("讲师", "主治医师", "副主任医师")),
            Post("学生工作处副处长", "副处级", ("讲师", "副教授")),
            Post("科技处科长", "正科级", ("副研究员",)),
            Post("校团委书记", "正科级", ("讲师",)),
        ),
        (
            "农业技术",
            "信息化建设",
            "城乡规划",
            "医疗卫生",
            "教育管理",
            "电子商务",
            "科技创新",
            "生态环保",
            "法律事务",
            "统计分析",
        ),
        0.9,
        0.45,
    ),
    "development": UnitProfile(
        "公务员",
        (
            Post("副主任", "副处级"),
            Post("综合科科长", "正科级"),
            Post("投资科副科长", "副科级", ("", "经济师")),
            Post("重点项目办公室主任", "正科级", ("", "高级经济师")),
            Post("价格科副科长", "副科级"),
            Post("一级主任科员", "正科级", ("", "经济师")),
            Post("四级主任科员", "科员级"),
            Post("一级科员", "科员级"),
        ),
        ("招商引资", "项目管理", "产业规划", "政策研究", "财务审计", "公文写作", "统计分析"),
        0.35,
    ),
    "agriculture": UnitProfile(
        "公务员",
        (
            Post("乡村产业发展科科长", "正科级"),
            Post("农田建设管理科副科长", "副科级"),
            Post("二级主任科员", "正科级"),
            Post("一级科员", "科员级"),
            Post("农业技术推广站农艺师", "科员级", ("农艺师", "高级农艺师"), "事业单位"),
            Post("畜牧兽医站兽医师", "科员级", ("兽医师", "高级兽医师"), "事业单位"),
        ),
        ("农业技术", "乡村振兴", "畜牧兽医", "农田水利", "电子商务", "项目管理"),
        0.3,
    ),
    "health": UnitProfile(
        "公务员",
        (
            Post("医政医管科科长", "正科级", ("", "主治医师")),
            Post("疾病预防控制科副科长", "副科级", ("", "主管医师")),
            Post("基层卫生健康科一级科员", "科员级"),
            Post("卫生应急办公室主任", "正科级"),
            Post("四级主任科员", "科员级", ("", "主管护师")),
        ),
        ("医疗卫生", "公共卫生", "疾病防控", "应急管理", "中医药", "政策研究"),
        0.4,
        0.05,
    ),
    "enterprise": UnitProfile(
        "国企",
        (
            Post("副总经理", "副处级", ("高级经济师", "高级工程师")),
            Post("投资发展部经理", "正科级", ("经济师", "高级经济师")),
            Post("财务部副经理", "副科级", ("会计师", "高级会计师")),
            Post("工程管理部工程师", "科员级", ("工程师", "高级工程师")),
            Post("法务审计部主管", "科员级", ("", "审计师")),
            Post("资产运营部副经理", "副科级", ("经济师",)),
        ),
        ("财务审计", "工程管理", "城乡规划", "投融资", "法律事务", "资产管理", "招商引资"),
        0.3,
    ),
    "agency": UnitProfile(
        "公务员",
        (
            Post("办公室主任", "正科级"),
            Post("综合科副科长", "副科级"),
            Post("一级主任科员", "正科级"),
            Post("三级主任科员", "副科级"),
            Post("四级主任科员", "科员级"),
            Post("一级科员", "科员级"),
        ),
        ("公文写作", "政策研究", "社会治理", "基层党建", "信息化建设", "安全生产", "统计分析"),
        0.3,
    ),
}

# Typical ages (from, to) at each rank in REFERENCE_YEAR.
AGES = {"科员级": (25, 36), "副科级": (29, 42), "正科级": (32, 48), "副处级": (37, 52)}
LEADING_WORDS = ("长", "主任", "书记", "经理", "院长")


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def person_name(rng: random.Random, female: bool, surname: str | None = None) -> str:
    surname = surname or _weighted(rng, SURNAMES)
    own = GIVEN_FEMALE if female else GIVEN_MALE
    first = rng.choice(own)
    if rng.random() < 0.3:
        return surname + first
    second = rng.choice(own + GIVEN_ANY)
    if second == first and rng.random() < 0.7:
        second = rng.choice(own)
    # Three-character names usually put the generational or shared character first.
    return surname + (rng.choice(GIVEN_ANY) + first if rng.random() < 0.4 else first + second)


def id_number(rng: random.Random, region: str, birth: dt.date, female: bool, used: set[str]) -> str:
    """A valid GB 11643 number: region, birth date, sequence (odd for men), check character."""
    while True:
        sequence = rng.randrange(500) * 2 + (0 if female else 1)
        first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + check_character(first17)
        if number not in used:
            used.add(number)
            return number


def person(
    rng: random.Random, profile: UnitProfile, used_ids: set[str], surname: str | None = None
) -> dict[str, Any]:
    """The fields of one cadre profile, consistent with each other and with the unit."""
    post = rng.choice(profile.posts)
    female = rng.random() < 0.38
    low, high = AGES[post.rank]
    age = rng.randint(low, high)
    birth = dt.date(REFERENCE_YEAR - age, rng.randint(1, 12), rng.randint(1, 28))
    native_place, region, _weight = rng.choices(
        NATIVE_PLACES, weights=[p[2] for p in NATIVE_PLACES]
    )[0]
    leading = any(word in post.position for word in LEADING_WORDS)
    roll = rng.random()
    if profile.staff_type == "高校" and roll < 0.1 and not leading:
        political_status = rng.choice(("民主党派", "无党派人士"))
    elif age < 28 and roll < 0.25:
        political_status = "共青团员"
    elif leading or roll < 0.82:
        political_status = "中共党员"
    elif roll < 0.86:
        political_status = "中共预备党员"
    elif roll < 0.9:
        political_status = "民主党派"
    else:
        political_status = "群众"
    roll = rng.random()
    if roll < profile.doctor_share:
        education, degree = "研究生", "博士"
    elif roll < profile.postgraduate_share:
        education, degree = "研究生", "硕士"
    elif roll < 0.96 or profile.postgraduate_share > 0.5:
        education, degree = "大学本科", "学士"
    else:
        education, degree = "大学专科", "无"
    title = rng.choice(post.titles)
    if title in ("教授", "副主任医师") and degree != "博士" and rng.random() < 0.5:
        education, degree = "研究生", "博士"
    elif title == "助教" and degree == "博士":
        degree = "硕士"
    since = dt.date(rng.randint(min(max(birth.year + 23, 2014), 2024), 2024), rng.randint(1, 12), 1)
    tags = rng.sample(profile.expertise, rng.randint(1, 3))
    if rng.random() < 0.15:
        extra = rng.choice(EXPERTISE_TAGS)
        if extra not in tags:
            tags.append(extra)
    return {
        "name": person_name(rng, female, surname),
        "gender": "女" if female else "男",
        "birth_date": birth,
        "ethnicity": _weighted(rng, ETHNICITIES),
        "political_status": political_status,
        "education": education,
        "degree": degree,
        "professional_title": title,
        "staff_type": post.staff_type or profile.staff_type,
        "position": post.position,
        "rank": post.rank,
        "current_post_since": since,
        "native_place": native_place,
        "native_region_code": region,
        "expertise": tags,
        "phone": rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}",
        "id_number": id_number(rng, region, birth, female, used_ids),
    }


# The demo city ------------------------------------------------------------------------------

CITY: tuple[str, str, str, str, str] = (
    "江州市",
    OrgKind.PARTY_GOVERNMENT,
    OrgLevel.CITY,
    "江州市",
    "360400",
)
ORG_DEPARTMENT: tuple[str, str, str, str, str] = (
    "中共江州市委组织部",
    OrgKind.ORGANISATION_DEPARTMENT,
    OrgLevel.CITY,
    "江州市",
    "360400",
)
# (name, kind, profile, number of demo cadres)
DISPATCHING_UNITS: tuple[tuple[str, str, str, int], ...] = (
    ("中共江州市委党校", OrgKind.PARTY_SCHOOL, "party_school", 12),
    ("江州学院", OrgKind.UNIVERSITY, "university", 16),
    ("江州市发展和改革委员会", OrgKind.PARTY_GOVERNMENT, "development", 12),
    ("江州市农业农村局", OrgKind.PARTY_GOVERNMENT, "agriculture", 12),
    ("江州市卫生健康委员会", OrgKind.PARTY_GOVERNMENT, "health", 10),
    ("江州城市发展投资集团有限公司", OrgKind.STATE_ENTERPRISE, "enterprise", 10),
)
# County → (region code, host units as (name, kind, level, children names as communities)).
COUNTIES: tuple[tuple[str, str, tuple[tuple[str, str, str, tuple[str, ...]], ...]], ...] = (
    (
        "浔阳区",
        "360403",
        (
            ("湓浦街道", OrgKind.SUBDISTRICT, OrgLevel.TOWNSHIP, ("甘棠社区", "白水湖社区")),
            ("白鹿镇", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ()),
            ("浔阳区农业农村局", OrgKind.PARTY_GOVERNMENT, OrgLevel.COUNTY, ()),
        ),
    ),
    (
        "濂溪区",
        "360402",
        (
            ("十里街道", OrgKind.SUBDISTRICT, OrgLevel.TOWNSHIP, ("莲花池社区",)),
            ("莲花镇", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ()),
            ("姑塘镇", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ()),
            ("濂溪区教育体育局", OrgKind.PARTY_GOVERNMENT, OrgLevel.COUNTY, ()),
        ),
    ),
    (
        "柴桑县",
        "360421",
        (
            ("沙河镇", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ()),
            ("岷山乡", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ()),
            ("港口镇", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ()),
            ("柴桑县农业农村局", OrgKind.PARTY_GOVERNMENT, OrgLevel.COUNTY, ()),
            ("柴桑县卫生健康委员会", OrgKind.PARTY_GOVERNMENT, OrgLevel.COUNTY, ()),
        ),
    ),
    (
        "湖口县",
        "360429",
        (
            ("双钟镇", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ("石钟山社区",)),
            ("流泗镇", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ()),
            ("武山镇", OrgKind.TOWNSHIP, OrgLevel.TOWNSHIP, ()),
            ("湖口县文化广电旅游局", OrgKind.PARTY_GOVERNMENT, OrgLevel.COUNTY, ()),
        ),
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    full_name: str
    scope: str  # the unit the role is held over
    profile_index: int | None = None  # index into the demo people when linked to a cadre


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(Role.ADMIN, "admin", "系统管理员", "江州市"),
    DemoAccount(Role.COORDINATOR, "coordinator", "孙立新", "江州市"),
    DemoAccount(Role.DISPATCH_ADMIN, "dispatch.dangxiao", "周文静", "中共江州市委党校"),
    DemoAccount(Role.DISPATCH_ADMIN, "dispatch.xueyuan", "钱海峰", "江州学院"),
    DemoAccount(Role.DISPATCH_ADMIN, "dispatch.fagaiwei", "郑国栋", "江州市发展和改革委员会"),
    DemoAccount(Role.HOST_LEADER, "host.bailu", "赵建华", "白鹿镇"),
    # The group leader's role comes from leading a group of the demo batch on duty
    # (guazhi.programmes.demo): a grant over the batch's coordinating unit, for that batch.
    DemoAccount(Role.GROUP_LEADER, "groupleader", "", "中共江州市委组织部", profile_index=30),
    DemoAccount(Role.CADRE, "cadre", "", "中共江州市委党校", profile_index=0),
    # One of the people the demo batch on duty placed (at 白鹿镇, under host.bailu, in the group
    # leader's group): the cadre's side of leave and the work log (guazhi.duty.demo).
    DemoAccount(Role.CADRE, "cadre.duty", "", "江州市农业农村局", profile_index=45),
)
RELATIONS = ("配偶", "父亲", "母亲", "兄弟", "姐妹", "子女")


def demo_people(seed: int = DEMO_SEED) -> list[tuple[str, dict[str, Any]]]:
    """(dispatching unit name, profile fields) for every demo cadre: the same on every call."""
    rng = random.Random(seed)
    used_ids: set[str] = set()
    names: set[str] = set()
    people: list[tuple[str, dict[str, Any]]] = []
    polyphonic = iter(POLYPHONIC_SURNAMES)
    for unit_name, _kind, profile_key, count in DISPATCHING_UNITS:
        for _ in range(count):
            # Every seventh person carries a surname that pinyin gets wrong without help.
            surname = next(polyphonic, None) if len(people) % 7 == 3 else None
            fields = person(rng, PROFILES[profile_key], used_ids, surname)
            while fields["name"] in names:
                fields["name"] = person_name(rng, fields["gender"] == "女", surname)
            names.add(fields["name"])
            people.append((unit_name, fields))
    return people


def demo_relatives(
    rng: random.Random, people: list[dict[str, Any]], host_units: list[str]
) -> dict[int, list[dict[str, str]]]:
    """A few avoidance relatives working in host units, by index into `people`."""
    relatives: dict[int, list[dict[str, str]]] = {}
    for index in rng.sample(range(len(people)), 6):
        old_enough = people[index]["birth_date"].year < 1978
        relation = rng.choice(RELATIONS if old_enough else RELATIONS[:-1])
        surname = None if relation in ("配偶", "母亲") else people[index]["name"][0]
        female = relation in ("母亲", "姐妹") or (
            relation == "配偶" and people[index]["gender"] == "男"
        )
        relatives[index] = [
            {
                "name": person_name(rng, female, surname),
                "relation": relation,
                "unit_name": rng.choice(host_units),
            }
        ]
    return relatives


@dataclass
class DemoResult:
    units: dict[str, Organisation] = field(default_factory=dict)
    dispatching_units: list[Organisation] = field(default_factory=list)
    host_units: list[Organisation] = field(default_factory=list)
    cadres: list[CadreProfile] = field(default_factory=list)
    accounts: list[tuple[DemoAccount, User]] = field(default_factory=list)


@transaction.atomic
def demo_load(seed: int = DEMO_SEED) -> DemoResult:
    """Write the demo city through the services, as its people would: every step audited."""
    result = DemoResult()
    by_name = {account.username: account for account in DEMO_ACCOUNTS}
    admin = services.account_create(
        actor=None, username="admin", full_name=by_name["admin"].full_name, password=DEMO_PASSWORD
    )
    # Bootstrap: the first administrator cannot be granted by anyone, so it is made superuser.
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    audit_record(
        actor=admin, action="account.bootstrap_admin", obj=admin, detail={"source": "demo_data"}
    )

    def unit(
        actor: User,
        parent: Organisation | None,
        name: str,
        kind: str,
        level: str,
        region_name: str = "",
        region_code: str = "",
    ) -> Organisation:
        created = services.unit_create(
            actor=actor,
            parent=parent,
            name=name,
            kind=kind,
            level=level,
            region_name=region_name,
            region_code=region_code,
        )
        result.units[name] = created
        return created

    name, kind, level, region_name, region_code = CITY
    city = unit(admin, None, name, kind, level, region_name, region_code)
    services.role_grant(actor=admin, user=admin, role=Role.ADMIN, organisation=city)
    coordinator = _demo_account(by_name["coordinator"])
    services.role_grant(actor=admin, user=coordinator, role=Role.COORDINATOR, organisation=city)
    result.accounts += [(by_name["admin"], admin), (by_name["coordinator"], coordinator)]

    name, kind, level, region_name, region_code = ORG_DEPARTMENT
    unit(coordinator, city, name, kind, level, region_name, region_code)
    for name, kind, _profile, _count in DISPATCHING_UNITS:
        result.dispatching_units.append(
            unit(coordinator, city, name, kind, OrgLevel.CITY, "江州市", "360400")
        )
    for county_name, code, hosts in COUNTIES:
        county = unit(
            coordinator, city, county_name, OrgKind.COUNTY, OrgLevel.COUNTY, county_name, code
        )
        for host_name, host_kind, host_level, communities in hosts:
            host = unit(coordinator, county, host_name, host_kind, host_level, county_name, code)
            result.host_units.append(host)
            for community in communities:
                result.host_units.append(
                    unit(
                        coordinator,
                        host,
                        community,
                        OrgKind.COMMUNITY,
                        OrgLevel.VILLAGE,
                        county_name,
                        code,
                    )
                )

    # Unit accounts: each dispatch admin then enters the roster of their own unit.
    creators: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:
        if account.role in (Role.DISPATCH_ADMIN, Role.HOST_LEADER):
            user = _demo_account(account)
            services.role_grant(
                actor=coordinator,
                user=user,
                role=account.role,
                organisation=result.units[account.scope],
            )
            result.accounts.append((account, user))
            if account.role == Role.DISPATCH_ADMIN:
                creators[account.scope] = user

    people = demo_people(seed)
    rng = random.Random(seed + 1)
    relatives = demo_relatives(
        rng, [fields for _unit, fields in people], [host.name for host in result.host_units]
    )
    for index, (unit_name, fields) in enumerate(people):
        home = result.units[unit_name]
        kin = [
            relative | {"unit": result.units[relative["unit_name"]]}  # type: ignore[dict-item]
            for relative in relatives.get(index, [])
        ]
        result.cadres.append(
            services.cadre_create(
                actor=creators.get(unit_name, coordinator), relatives=kin, home_unit=home, **fields
            )
        )

    # Accounts of cadres: the future group leader and a plain cadre. Both hold the cadre role
    # only; leading a group (programme demo data) grants the group-leader role, for its batch.
    for account in DEMO_ACCOUNTS:
        if account.profile_index is None:
            continue
        profile = result.cadres[account.profile_index]
        user = services.account_create(
            actor=coordinator,
            username=account.username,
            full_name=profile.name,
            password=DEMO_PASSWORD,
            profile=profile,
        )
        services.role_grant(
            actor=coordinator, user=user, role=Role.CADRE, organisation=profile.home_unit
        )
        result.accounts.append((account, user))
    order = {account.username: index for index, account in enumerate(DEMO_ACCOUNTS)}
    result.accounts.sort(key=lambda pair: order[pair[0].username])
    return result


def _demo_account(account: DemoAccount) -> User:
    return services.account_create(
        actor=None, username=account.username, full_name=account.full_name, password=DEMO_PASSWORD
    )


def demo_accounts_table(
    result: DemoResult, notes: Mapping[str, str] | None = None
) -> list[tuple[str, str, str, str]]:
    """(role, username, password, who and where) rows, as the README and `make demo` show them.

    `notes` replaces the unit after the name, by username, where other demo data says more
    (the group a group leader leads: guazhi.programmes.demo's account_notes)."""
    notes = notes or {}
    return [
        (
            str(Role(account.role).label),
            account.username,
            DEMO_PASSWORD,
            f"{user.full_name} · {notes.get(account.username, account.scope)}",
        )
        for account, user in result.accounts
    ]


# Seeding at scale ---------------------------------------------------------------------------

PLACE_CHARACTERS = (
    "石桥河口山湖溪塘坪田林水岭新安平丰和兴富龙凤白沙黄青"
    "金马桃李东西南北上高长永清泉港洲源乐华云松柏梅"
)
COUNTY_SUFFIXES = ("县", "县", "区")
HOST_KINDS = (
    (OrgKind.TOWNSHIP, 45),
    (OrgKind.SUBDISTRICT, 20),
    (OrgKind.COMMUNITY, 20),
    (OrgKind.PARTY_GOVERNMENT, 15),
)
COUNTY_BUREAUS = _words(
    "农业农村局 教育体育局 卫生健康委员会 文化广电旅游局 自然资源局 生态环境分局 "
    "住房和城乡建设局 交通运输局 水利局 商务局 民政局 司法局 应急管理局 市场监督管理局 "
    "林业局 人力资源和社会保障局"
)
# City agencies that send cadres, with the staff profile that fits them.
CITY_AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("中共江州市委党校", OrgKind.PARTY_SCHOOL, "party_school"),
    ("江州学院", OrgKind.UNIVERSITY, "university"),
    ("江州职业技术学院", OrgKind.UNIVERSITY, "university"),
    ("江州市发展和改革委员会", OrgKind.PARTY_GOVERNMENT, "development"),
    ("江州市农业农村局", OrgKind.PARTY_GOVERNMENT, "agriculture"),
    ("江州市卫生健康委员会", OrgKind.PARTY_GOVERNMENT, "health"),
    ("江州城市发展投资集团有限公司", OrgKind.STATE_ENTERPRISE, "enterprise"),
    ("江州交通投资集团有限公司", OrgKind.STATE_ENTERPRISE, "enterprise"),
    ("江州市教育局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市科学技术局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市工业和信息化局", OrgKind.PARTY_GOVERNMENT, "development"),
    ("江州市财政局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市人力资源和社会保障局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市自然资源和规划局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市生态环境局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市住房和城乡建设局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市商务局", OrgKind.PARTY_GOVERNMENT, "development"),
    ("江州市文化广电新闻出版旅游局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市审计局", OrgKind.PARTY_GOVERNMENT, "agency"),
    ("江州市市场监督管理局", OrgKind.PARTY_GOVERNMENT, "agency"),
)
COUNTY_AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("委党校", OrgKind.PARTY_SCHOOL, "party_school"),
    ("发展和改革委员会", OrgKind.PARTY_GOVERNMENT, "development"),
    ("农业农村局", OrgKind.PARTY_GOVERNMENT, "agriculture"),
    ("卫生健康委员会", OrgKind.PARTY_GOVERNMENT, "health"),
    ("城市建设投资有限公司", OrgKind.STATE_ENTERPRISE, "enterprise"),
    ("财政局", OrgKind.PARTY_GOVERNMENT, "agency"),
)


@dataclass
class SeedResult:
    counties: int = 0
    host_units: int = 0
    dispatching_units: int = 0
    cadres: int = 0


def _place_names(rng: random.Random, suffixes: tuple[str, ...], taken: set[str]) -> Iterator[str]:
    """Endless two-character place names with a suffix, none already in `taken`."""
    while True:
        name = rng.choice(PLACE_CHARACTERS) + rng.choice(PLACE_CHARACTERS) + rng.choice(suffixes)
        if name[0] != name[1] and name not in taken:
            taken.add(name)
            yield name


def _bulk_units(rows: list[Organisation]) -> list[Organisation]:
    """Insert units (parents already saved), then give each its path as unit_create does."""
    for row in rows:
        services.fill_unit_pinyin(row)
    created = Organisation.objects.bulk_create(rows, batch_size=500)
    for row in created:
        row.path = Organisation.path_for(row.parent, row.pk)
    Organisation.objects.bulk_update(created, ["path"], batch_size=500)
    return created


@transaction.atomic
def seed(scale: int, *, progress: Callable[[str], None] | None = None) -> SeedResult:
    """`scale` cadres with units in proportion: a host unit per 20 cadres, a sender per 200.

    Goes under the first top-level unit (the demo city) or makes 江州市; the same `scale` on the
    same starting database gives the same rows.
    """
    rng = random.Random(f"guazhi-seed-{scale}")
    result = SeedResult()
    root = Organisation.objects.filter(parent=None).order_by("pk").first()
    if root is None:
        name, kind, level, region_name, region_code = CITY
        root = _bulk_units(
            [
                Organisation(
                    name=name,
                    kind=kind,
                    level=level,
                    region_name=region_name,
                    region_code=region_code,
                )
            ]
        )[0]
    host_total = max(1, round(scale / 20))
    sender_total = max(1, round(scale / 200))
    county_total = max(1, math.ceil(host_total / 25))
    names_under: dict[int, set[str]] = {}
    for parent_id, name in Organisation.objects.values_list("parent_id", "name"):
        names_under.setdefault(parent_id or 0, set()).add(name)

    def taken(parent: Organisation) -> set[str]:
        return names_under.setdefault(parent.pk, set())

    county_names = _place_names(rng, COUNTY_SUFFIXES, taken(root))
    counties = _bulk_units(
        [
            Organisation(
                parent=root,
                name=next(county_names),
                kind=OrgKind.COUNTY,
                level=OrgLevel.COUNTY,
                region_code=f"36{5 + index // 70:02d}{21 + index % 70:02d}",
            )
            for index in range(county_total)
        ]
    )
    for county in counties:
        county.region_name = county.name
    Organisation.objects.bulk_update(counties, ["region_name"], batch_size=500)
    result.counties = len(counties)

    # Host units: townships, subdistricts and bureaus in each county, communities under streets.
    first_level: list[Organisation] = []
    communities_wanted: list[int] = []
    for index in range(host_total):
        county = counties[index % county_total]
        kind = _weighted(rng, HOST_KINDS)
        common = {"parent": county, "region_name": county.name, "region_code": county.region_code}
        if kind == OrgKind.PARTY_GOVERNMENT:
            bureau = county.name + rng.choice(COUNTY_BUREAUS)
            if bureau not in taken(county):
                taken(county).add(bureau)
                first_level.append(
                    Organisation(name=bureau, kind=kind, level=OrgLevel.COUNTY, **common)
                )
                continue
            kind = OrgKind.TOWNSHIP
        if kind == OrgKind.COMMUNITY:
            communities_wanted.append(index % county_total)
            continue
        suffixes = ("镇", "镇", "乡") if kind == OrgKind.TOWNSHIP else ("街道",)
        name = next(_place_names(rng, suffixes, taken(county)))
        first_level.append(Organisation(name=name, kind=kind, level=OrgLevel.TOWNSHIP, **common))
    streets = _bulk_units(first_level)
    subdistricts: dict[int, list[Organisation]] = {}
    for unit in streets:
        if unit.kind == OrgKind.SUBDISTRICT:
            subdistricts.setdefault(unit.parent_id, []).append(unit)  # type: ignore[arg-type]
    community_rows = []
    for county_index in communities_wanted:
        county = counties[county_index]
        parent = rng.choice(subdistricts.get(county.pk, [county]))
        name = next(_place_names(rng, ("社区",), taken(parent)))
        community_rows.append(
            Organisation(
                parent=parent,
                name=name,
                kind=OrgKind.COMMUNITY,
                level=OrgLevel.VILLAGE,
                region_name=county.name,
                region_code=county.region_code,
            )
        )
    result.host_units = len(streets) + len(_bulk_units(community_rows))

    # Dispatching units: city agencies first, then each county's own.
    sender_rows: list[Organisation] = []
    sender_profiles: list[str] = []
    candidates = [(root, name, kind, key) for name, kind, key in CITY_AGENCIES]
    for round_ in range(math.ceil(sender_total / max(1, county_total)) + 1):
        for county_index, county in enumerate(counties):
            # Interleaved so that a few senders are not all party schools.
            name, kind, key = COUNTY_AGENCIES[(round_ + county_index) % len(COUNTY_AGENCIES)]
            suffix = (
                "" if round_ < len(COUNTY_AGENCIES) else str(round_ // len(COUNTY_AGENCIES) + 1)
            )
            candidates.append((county, county.name + name + suffix, kind, key))
    for parent, name, kind, key in candidates:
        if len(sender_rows) == sender_total:
            break
        if name in taken(parent):
            continue
        taken(parent).add(name)
        level = OrgLevel.CITY if parent.pk == root.pk else OrgLevel.COUNTY
        sender_rows.append(
            Organisation(
                parent=parent,
                name=name,
                kind=kind,
                level=level,
                region_name=parent.region_name,
                region_code=parent.region_code,
            )
        )
        sender_profiles.append(key)
    senders = _bulk_units(sender_rows)
    result.dispatching_units = len(senders)
    if progress:
        progress(
            f"units: {result.counties} counties, {result.host_units} host, "
            f"{len(senders)} dispatching"
        )

    used_ids = set(CadreProfile.objects.values_list("id_number", flat=True))
    pinyin: dict[str, tuple[str, str]] = {}
    batch: list[CadreProfile] = []
    for index in range(scale):
        home_index = rng.randrange(len(senders))
        fields = person(rng, PROFILES[sender_profiles[home_index]], used_ids)
        profile = CadreProfile(home_unit=senders[home_index], **fields)
        if profile.name not in pinyin:
            services.fill_cadre_pinyin(profile)
            pinyin[profile.name] = (profile.name_pinyin, profile.name_initials)
        profile.name_pinyin, profile.name_initials = pinyin[profile.name]
        batch.append(profile)
        if len(batch) == 2000 or index == scale - 1:
            CadreProfile.objects.bulk_create(batch, batch_size=2000)
            result.cadres += len(batch)
            batch = []
            if progress:
                progress(f"cadres: {result.cadres}/{scale}")
    audit_record(
        actor=None,
        action="orgs.seed",
        actor_name="seed",
        detail={
            "scale": scale,
            "counties": result.counties,
            "host_units": result.host_units,
            "dispatching_units": result.dispatching_units,
            "cadres": result.cadres,
        },
    )
    refresh_planner_statistics()  # the next stage reads this city back with joins
    return result
