"""The words of the demo's life on duty (guazhi.duty.demo): log entries, tasks, leave, reports.

Plain tables and small generators over a seeded `random.Random`, no database: what a cadre on
duty in 江州市 would write in a work log (调研 at a village, 招商引资 with 争取资金 … 元, 走访 with
走访企业 … 家, 宣传, 会议, 学习, 活动), the tasks they agree with the host unit, why they ask for
leave, what a monthly report says. Places are made up; so are the companies.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from guazhi.orgs.models import OrgKind


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Where a cadre goes, by the kind of host unit: villages of a township, estates of a
# community or street, the townships and schools a county bureau serves.
VILLAGES = _words(
    "桂家村 新塘村 石桥村 桃源村 枫林村 南岭村 龙泉村 柳湾村 高坪村 青山村 梅岭村 东港村 "
    "黄泥村 杨柳村 莲塘村 上畈村 下湾村 金盆村 马鞍村 双河村"
)
ESTATES = _words(
    "金桂苑小区 滨江花园小区 锦绣家园小区 纺织厂宿舍区 白水湖畔小区 丽景湾小区 "
    "老粮站宿舍区 阳光新城小区 湖滨一号院 建设新村"
)
COUNTY_PLACES = _words(
    "县第二中学 县人民医院 城西工业园 县农技推广中心 县职业中专 县中医院 县城东社区 "
    "县电商产业园 县实验小学 县妇幼保健院"
)
CITIES = ("深圳", "宁波", "苏州", "厦门", "武汉", "东莞", "杭州", "长沙")
# Companies from elsewhere and what they might build here.
COMPANIES = (
    ("浙江恒润纺织有限公司", "智能纺织生产线"),
    ("广东粤新电子科技有限公司", "电子元器件组装"),
    ("福建闽江食品有限公司", "预制菜加工"),
    ("江苏苏源光伏科技有限公司", "分布式光伏发电"),
    ("湖北楚天农业发展有限公司", "生态农业观光"),
    ("深圳鹏达智能装备有限公司", "智能装备制造"),
    ("宁波甬兴汽车零部件有限公司", "汽车零部件配套"),
    ("厦门海晟冷链物流有限公司", "农产品冷链仓储"),
)
LOCAL_COMPANIES = (
    "江州市庐峰茶业有限公司",
    "江州鄱湖水产合作社",
    "江州市赣北建材有限公司",
    "江州市兴旺生猪养殖场",
    "江州市绿源果蔬专业合作社",
    "江州市长江船舶配件厂",
)
FUNDS = (
    "省级乡村振兴衔接资金",
    "高标准农田建设补助资金",
    "农村人居环境整治专项资金",
    "县域商业体系建设资金",
    "中央财政以奖代补资金",
    "市级文化旅游发展专项资金",
)
THEMES = (
    "党的创新理论",
    "乡村振兴政策",
    "防范电信网络诈骗",
    "安全生产知识",
    "森林防火",
    "城乡居民医保政策",
    "民法典",
)
MEETINGS = (
    "党委（党工委）会议",
    "重点项目调度会",
    "防汛工作部署会",
    "安全生产工作会议",
    "乡村振兴工作推进会",
    "挂职干部小组工作交流会",
)
STUDIES = (
    ("参加理论学习中心组学习", "参加单位理论学习中心组集中学习，围绕{topic}作交流发言。"),
    ("参加挂职干部小组集中学习", "参加挂职干部小组集中学习，交流挂职以来的工作体会。"),
    ("自学业务知识", "系统学习{topic}相关政策文件，整理学习笔记。"),
)
ACTIVITIES = (
    ("组织志愿服务活动", "组织开展“我为群众办实事”志愿服务，为群众提供政策咨询和便民服务。"),
    ("参加主题党日活动", "参加所在支部主题党日活动，重温入党誓词，开展学习研讨。"),
    ("组织送医下乡义诊", "协调县医院专家到{place}开展义诊，为群众测量血压血糖、讲解慢病防治知识。"),
    ("开展人居环境整治", "带领干部群众到{place}清理房前屋后杂物，整治乱堆乱放。"),
)
PROBLEMS = (
    ("饮水安全", "协调水利部门完成管网延伸，解决了{place}{n}户群众的饮水安全问题。", "户"),
    ("道路硬化", "争取项目支持完成{place}通组道路硬化，方便了{n}户群众出行。", "户"),
    ("路灯安装", "协调安装太阳能路灯，解决了{place}{n}户群众夜间出行难的问题。", "户"),
    ("农产品滞销", "联系超市和电商平台，帮助{place}销售滞销农产品，带动{n}户增收。", "户"),
)
FACILITIES = ("党群服务站", "老年食堂", "农产品直播间", "村级图书室", "儿童之家")
WEAKNESSES = (
    "对当地情况的了解还不够深入",
    "统筹协调能力有待进一步提高",
    "调研成果转化为工作举措还不够",
    "与派出单位的沟通汇报还不够及时",
)
NEXT_STEPS = (
    "继续跟进在谈项目，推动尽快签约落地",
    "深入村组开展调研，完善工作台账",
    "做好分管领域重点工作的调度和督促",
    "加强政策学习，提高服务群众的能力",
    "配合做好年度考核和总结的准备工作",
)
STAND_IN_POSTS = ("党政办", "综合办", "办公室", "经发办", "社会事务办")
GIVEN = _words("建华 丽娟 志强 海燕 文杰 春梅 立新 晓东 秀英 国平 红霞 俊峰")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭罗"


@dataclass
class EntryText:
    """One work-log entry as the person writes it."""

    category: str
    title: str
    content: str
    quantities: list[tuple[str, Decimal, str]] = field(default_factory=list)
    accomplishment: bool = False


def places_of(host_kind: str, rng: random.Random) -> list[str]:
    """A handful of places the person at this host unit goes to, always the same for it."""
    pool = (
        VILLAGES
        if host_kind == OrgKind.TOWNSHIP
        else ESTATES
        if host_kind in (OrgKind.SUBDISTRICT, OrgKind.COMMUNITY)
        else COUNTY_PLACES
    )
    return rng.sample(pool, 5)


def topics_of(portfolio: str) -> list[str]:
    """The person's portfolio ("产业发展、项目建设") as topics to write about."""
    topics = [part.strip() for part in portfolio.replace("，", "、").split("、") if part.strip()]
    return topics or ["分管工作"]


def _n(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high))


def entry(
    rng: random.Random, *, category: str, host: str, places: list[str], topics: list[str]
) -> EntryText:
    """An everyday entry of `category` (one of the default categories)."""
    place, topic = rng.choice(places), rng.choice(topics)
    if category == "调研":
        households, cadres = rng.randint(8, 30), rng.randint(3, 9)
        return EntryText(
            category,
            f"到{place}调研{topic}工作",
            f"深入{place}实地调研{topic}情况，走访群众{households}户，与{cadres}名村（社区）"
            f"干部座谈，梳理出{rng.randint(3, 6)}个突出问题，形成调研记录。",
            [("走访群众", Decimal(households), "户")],
        )
    if category == "招商引资":
        if rng.random() < 0.5:
            city, (company, project) = rng.choice(CITIES), rng.choice(COMPANIES)
            return EntryText(
                category,
                f"赴{city}对接{company}",
                f"赴{city}拜访{company}，推介{host}的区位优势和扶持政策，就"
                f"{project}项目投资事宜进行洽谈，对方表示近期来实地考察。",
                [("对接企业", Decimal(1), "家")],
            )
        amount = rng.choice((5, 8, 10, 12, 20, 30)) * 10_000
        fund = rng.choice(FUNDS)
        return EntryText(
            category,
            f"申报{fund}项目",
            f"协调县直有关部门，完成{fund}项目申报材料，争取资金{amount}元已列入下达计划。",
            [("争取资金", Decimal(amount), "元")],
        )
    if category == "招工":
        companies, people = rng.randint(12, 30), rng.randint(20, 60)
        return EntryText(
            category,
            f"组织{host}就业专场招聘会",
            f"联合人社部门举办就业专场招聘会，组织{companies}家企业进场招聘，"
            f"现场达成就业意向{people}人。",
            [("参会企业", Decimal(companies), "家"), ("达成就业意向", Decimal(people), "人")],
        )
    if category == "宣传":
        if rng.random() < 0.6:
            theme, audience = rng.choice(THEMES), rng.randint(30, 120)
            return EntryText(
                category,
                f"在{place}开展{theme}宣讲",
                f"在{place}开展{theme}宣讲，结合身边事例讲解政策要点，现场解答群众提问。",
                [("开展宣讲", Decimal(1), "场"), ("受众", Decimal(audience), "人")],
            )
        pieces = rng.randint(1, 3)
        return EntryText(
            category,
            f"撰写{topic}工作信息",
            f"围绕{topic}工作撰写信息稿件{pieces}篇，报送县委办和派出单位。",
            [("信息稿件", Decimal(pieces), "篇")],
        )
    if category == "会议":
        meeting = rng.choice(MEETINGS)
        return EntryText(
            category,
            f"参加{meeting}",
            f"参加{meeting}，汇报{topic}工作进展，研究部署下一阶段重点任务。",
        )
    if category == "学习":
        title, content = rng.choice(STUDIES)
        return EntryText(category, title, content.format(topic=topic))
    if category == "走访":
        if rng.random() < 0.5:
            companies, asks = rng.randint(3, 13), rng.randint(2, 8)
            return EntryText(
                category,
                "走访辖区企业",
                f"走访{rng.choice(LOCAL_COMPANIES)}等企业{companies}家，了解用工、融资、用地"
                f"等方面的困难，收集诉求{asks}条并分类交办。",
                [("走访企业", Decimal(companies), "家"), ("收集诉求", Decimal(asks), "条")],
            )
        households = rng.randint(5, 15)
        return EntryText(
            category,
            f"走访{place}困难群众",
            f"走访{place}困难群众{households}户，了解生产生活情况，落实帮扶措施。",
            [("走访群众", Decimal(households), "户")],
        )
    title, content = rng.choice(ACTIVITIES)
    served = rng.randint(20, 90)
    return EntryText(
        "活动",
        title,
        content.format(place=place) + f"服务群众{served}人。",
        [("服务群众", Decimal(served), "人")],
    )


def accomplishment(rng: random.Random, *, host: str, places: list[str]) -> EntryText:
    """A 做成一件事 entry: something finished that people can see."""
    place = rng.choice(places)
    roll = rng.random()
    if roll < 0.3:
        company, project = rng.choice(COMPANIES)
        amount = rng.choice((1500, 2000, 3000, 5000, 8000)) * 10_000
        return EntryText(
            "招商引资",
            f"促成{project}项目签约落户{host}",
            f"经多次对接洽谈，{company}{project}项目正式签约落户{host}，"
            f"协议投资{amount // 10_000}万元，预计带动就业百余人。",
            [("签约项目", Decimal(1), "个"), ("协议投资额", Decimal(amount), "元")],
            accomplishment=True,
        )
    if roll < 0.55:
        fund = rng.choice(FUNDS)
        amount = rng.choice((30, 50, 80, 100, 150)) * 10_000
        return EntryText(
            "招商引资",
            f"争取{fund}到位",
            f"发挥派出单位资源优势，多次向上对接汇报，争取{fund}{amount}元全部到位，"
            f"用于{place}基础设施提升。",
            [("争取资金", Decimal(amount), "元")],
            accomplishment=True,
        )
    if roll < 0.8:
        problem, content, unit = rng.choice(PROBLEMS)
        households = rng.randint(20, 120)
        return EntryText(
            "调研",
            f"推动解决{place}{problem}问题",
            content.format(place=place, n=households),
            [("惠及群众", Decimal(households), unit)],
            accomplishment=True,
        )
    facility = rng.choice(FACILITIES)
    return EntryText(
        "活动",
        f"建成{place}{facility}",
        f"协调资金和场地，建成{place}{facility}并投入使用，群众反映良好。",
        [("建成设施", Decimal(1), "个")],
        accomplishment=True,
    )


# What people are busy with, by category: an everyday entry's category is drawn with these
# weights, more 招商引资 for a post whose portfolio names it.
CATEGORY_WEIGHTS = {
    "调研": 5,
    "招商引资": 2,
    "招工": 1,
    "宣传": 3,
    "会议": 4,
    "学习": 2,
    "走访": 5,
    "活动": 3,
}


def category_weights(portfolio: str) -> dict[str, int]:
    weights = dict(CATEGORY_WEIGHTS)
    if "招商" in portfolio or "产业" in portfolio or "项目" in portfolio:
        weights["招商引资"] = 6
    if "治理" in portfolio or "党建" in portfolio:
        weights["宣传"] = 5
    return weights


@dataclass(frozen=True)
class TaskText:
    title: str
    description: str
    proof: str  # the log category whose entries prove it ("" for any accomplishment)
    done_note: str


def tasks_for(topics: list[str]) -> list[TaskText]:
    """The task list a person proposes, in the order of their target months."""
    first, second = topics[0], topics[-1]
    return [
        TaskText(
            f"完成{first}专题调研报告",
            f"围绕{first}开展专题调研，形成调研报告并提出对策建议。",
            "调研",
            "调研报告已完成并报送党委（党组），提出的建议已纳入下步工作安排。",
        ),
        TaskText(
            f"推动{second}重点工作取得阶段成效",
            f"对接上级部门和有关单位，推动{second}工作列入年度重点并按节点推进。",
            "",
            "已按节点完成阶段任务，成效见相关工作纪实。",
        ),
        TaskText(
            "组织开展政策宣讲不少于3场",
            "结合分管工作到村（社区）开展政策宣讲，受众不少于200人次。",
            "宣传",
            "已完成政策宣讲，受众人数达到计划要求。",
        ),
        TaskText(
            "争取上级项目或资金支持",
            "发挥派出单位优势，争取至少1个上级项目或专项资金支持。",
            "招商引资",
            "已争取到上级项目资金支持，资金已到位。",
        ),
        TaskText(
            "形成挂职工作总结",
            "系统总结挂职期间的工作成效和体会，形成书面总结。",
            "",
            "挂职工作总结已完成。",
        ),
    ]


LEAVE_REASONS = {
    "annual": ("休年休假，回家探望父母", "休年休假，陪同家人外出", "休年休假，处理家中事务"),
    "home_visit": ("回老家探望年迈的父母", "回老家照顾生病的母亲"),
    "personal": (
        "回南昌办理房产证过户手续",
        "陪同父亲到市人民医院复查",
        "参加孩子学校的家长会",
        "回派出单位办理职称评审手续",
    ),
    "sick": ("腰椎间盘突出，到市人民医院理疗", "牙齿种植复诊", "体检复查，需到医院做进一步检查"),
    "compensatory": ("周末参加防汛值班，调休一天", "国庆假期值班，调休"),
}
AWAY_TRIPS = (
    ("周末回家探望父母", "江州市区家中"),
    ("陪同孩子参加周末培训", "南昌市"),
    ("参加亲属婚礼", "九江市"),
    ("周末回家处理家务", "江州市区家中"),
    ("陪同家人到医院复查", "武汉市"),
)


def stand_in(rng: random.Random) -> str:
    """Who covers the work: a colleague of the host unit's office."""
    return f"{rng.choice(STAND_IN_POSTS)}{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"


def narrative(
    rng: random.Random, *, period: str, portfolio: str, titles: list[str], done: list[str]
) -> str:
    """A monthly report's text, from the titles of the period's log entries."""
    numbers = "一二三四"
    picked = titles[:4] if len(titles) <= 4 else rng.sample(titles, 4)
    works = "；".join(f"{numbers[i]}是{title}" for i, title in enumerate(picked))
    lines = [f"{period}，本人围绕{portfolio}开展工作，主要有以下几个方面：{works}。"]
    if done:
        lines.append(f"本期做成的事：{'；'.join(done)}。")
    lines.append(f"存在的不足：{rng.choice(WEAKNESSES)}。")
    lines.append(f"下一步打算：{'，'.join(rng.sample(NEXT_STEPS, 2))}。")
    return "\n".join(lines)
