"""The words of the demo's summaries, experience library and meetings (guazhi.summaries.demo).

Plain tables and small generators over a seeded `random.Random`, no database: what a cadre
writes under 心得体会 / 存在不足 / 下一步打算 in a mid-term summary, what a group leader says when
returning one and a host unit when appraising it (鉴定意见), what a meeting's minutes record, and
the experience summaries of earlier years an organisation department keeps (imported into the
library), by the kind of unit the cadre served in. Places, companies and figures are made up.
"""

import random
from dataclasses import dataclass

from guazhi.orgs.models import OrgKind

# Summaries ------------------------------------------------------------------------------------

# 心得体会: each a point of its own, the lead sentence first as people write them. Placeholders:
# {host} the host unit, {home} the home unit, {topic} a topic of the post, {place} a place the
# person goes to, {level} 乡镇 / 社区 / 部门.
INSIGHTS = (
    "把群众当老师，调查研究是做好工作的基本功。刚到{host}时，我对{topic}方面的情况并不熟悉，"
    "就利用到岗后的头两个月跑遍了{place}等地，和基层干部、群众代表、经营主体面对面交流，记下了"
    "厚厚一本民情日记。越往下走越体会到，坐在办公室里想出来的办法往往不管用，只有把情况摸清、"
    "把症结找准，提出的措施才接地气、能落地。",
    "基层是最好的课堂，挂职是难得的“墩苗”。在{home}工作时，我更多的是研究政策、起草文件，到了"
    "{host}才真正体会到政策落地“最后一公里”有多难：一项补贴怎么发到户、一个项目怎么协调用地、"
    "一起矛盾纠纷怎么化解，每一件都需要耐心细致的工作。这段经历让我对“上面千条线，下面一根针”"
    "有了切身理解，今后制定和执行政策时会更多地站在基层的角度思考。",
    "放下身段、融入角色，才能真正把挂职当任职。挂职干部容易有“过客”心态，我时刻提醒自己，身份是"
    "挂职的，责任是全职的。到岗后主动向单位主要负责同志汇报思想，认领{topic}方面的具体任务，参加值班值守和"
    "防汛抗旱等急难险重工作，和当地干部一起加班、一起下村，很快得到了大家的认可。",
    "发挥派出单位优势，当好联系上下的“桥梁纽带”。挂职干部的长处在于熟悉上级政策、联系渠道多。"
    "挂职以来我多次回{home}汇报工作，争取业务指导和资源支持，推动{host}的{topic}工作与市级部门的"
    "政策、项目有效对接。实践证明，把派出单位的“资源包”和挂职单位的“需求单”对接起来，才能形成"
    "工作合力。",
    "干部作风是干出来的，也是群众看出来的。在{place}入户走访时，有位老党员对我说：“市里来的干部，"
    "能不能多来几次？”这句话让我深受触动。群众评价干部，不看说了什么，而看做了什么、来了几次。"
    "无论今后在什么岗位，我都要把为群众办实事、解难题作为检验工作成效的标准。",
    "统筹协调是基层干部的必修课。{level}工作千头万绪，一件事往往涉及多个部门、多方利益。在推进"
    "{topic}工作中，我学会了先摸清各方诉求、再找准利益结合点，通过召开协调会、现场办公等方式推动"
    "问题解决。这种“弹钢琴”的本领，是在机关里很难学到的。",
    "守住底线、严格自律，是挂职干部的基本要求。基层接触群众多、经手事项多，一言一行都代表着派出"
    "单位和组织部门的形象。我严格执行请销假和外出报备制度，认真落实中央八项规定及其实施细则精神，"
    "自觉接受组织和群众的监督，努力做到干净干事。",
    "学思践悟相结合，把理论学习转化为推动工作的本领。挂职期间坚持参加理论学习中心组学习，结合"
    "{topic}工作撰写调研报告，把学到的理论和政策放到实践中检验，再把实践中的体会上升为认识。这个"
    "过程让我对“从群众中来、到群众中去”的工作方法有了更深的理解。",
)

# 存在不足: items joined as 一是……；二是……。
SHORTCOMINGS = (
    "对{topic}方面的专业知识掌握还不够系统，遇到技术性较强的问题时还需要向同事和专家请教，独立"
    "解决问题的能力有待提高",
    "调研成果转化为具体工作举措还不够，有的调研报告提出的建议还停留在纸面上，跟踪落实不够到位",
    "做群众工作的方法还不够灵活，面对群众诉求时有时习惯用机关的思维方式处理问题，经验还需要积累",
    "统筹兼顾的能力还有欠缺，阶段性重点工作较多时，对日常工作推进有所放松，工作纪实也存在记录"
    "不及时的情况",
    "与派出单位的沟通汇报还不够经常，争取派出单位支持的力度还可以更大",
    "对当地经济社会发展情况研究还不够深入，对一些深层次问题思考不够，提出的意见建议针对性还不强",
    "在带动当地干部、培养本土人才方面做得还不够，有的工作靠个人推动多，建立长效机制少",
)
SHORTCOMING_OPENINGS = (
    "对照挂职锻炼的目标要求，自身还存在一些差距和不足：",
    "回顾挂职以来的工作，虽然取得了一定成效，但也清醒地认识到存在以下不足：",
    "认真反思，主要有以下几个方面的不足：",
)

# 下一步打算.
NEXT_STEPS = (
    "继续深化{topic}工作，在剩余挂职期内推动已谋划的事项落地见效，做到善始善终",
    "加强学习，系统掌握{topic}方面的政策法规和业务知识，提高解决实际问题的能力",
    "更加深入地走村入户，到{place}等地持续开展调研，把群众反映的问题列出清单、逐项推动解决",
    "主动加强与派出单位的沟通联系，争取更多政策、项目和资金支持，继续当好桥梁纽带",
    "严格遵守挂职纪律，坚持请销假和外出报备制度，按时记录工作纪实，自觉接受组织和群众监督",
    "注重总结提炼，把挂职期间好的做法形成制度性成果，为{host}留下一套管用的工作机制",
    "认真对照阶段总结查找的不足逐项整改，为期满考核和总结打下扎实基础",
)
NUMBERS = "一二三四五六七八九十"


GRASSROOTS = frozenset({OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT, OrgKind.COMMUNITY, OrgKind.VILLAGE})


def _level(host_kind: str) -> str:
    if host_kind == OrgKind.TOWNSHIP:
        return "乡镇"
    if host_kind in (OrgKind.SUBDISTRICT, OrgKind.COMMUNITY):
        return "社区"
    return "部门"


@dataclass(frozen=True)
class Person:
    """What the texts of one person's summary draw on."""

    host: str
    host_kind: str
    home: str
    topics: list[str]
    places: list[str]

    @property
    def grassroots(self) -> bool:
        """A township, street, community or village: where people go from door to door."""
        return self.host_kind in GRASSROOTS

    def usable(self, templates: tuple[str, ...]) -> list[str]:
        """The templates that fit where the person works (入户 only at the grassroots)."""
        return [text for text in templates if self.grassroots or "入户" not in text]

    def fill(self, rng: random.Random, template: str) -> str:
        return template.format(
            host=self.host,
            home=self.home,
            topic=rng.choice(self.topics),
            place=rng.choice(self.places) if self.places else self.host,
            level=_level(self.host_kind),
        )


def insights(rng: random.Random, person: Person) -> str:
    """心得体会: three points, （一）（二）（三）, one paragraph each."""
    picked = rng.sample(person.usable(INSIGHTS), 3)
    return "\n".join(f"（{NUMBERS[i]}）{person.fill(rng, text)}" for i, text in enumerate(picked))


def shortcomings(rng: random.Random, person: Person) -> str:
    picked = rng.sample(person.usable(SHORTCOMINGS), rng.choice((2, 3, 3)))
    items = "；".join(f"{NUMBERS[i]}是{person.fill(rng, text)}" for i, text in enumerate(picked))
    return f"{rng.choice(SHORTCOMING_OPENINGS)}{items}。"


def next_steps(rng: random.Random, person: Person) -> str:
    """下一步打算: some write a list, some one paragraph."""
    picked = [person.fill(rng, text) for text in rng.sample(person.usable(NEXT_STEPS), 3)]
    if rng.random() < 0.5:
        return "\n".join(f"（{NUMBERS[i]}）{text}。" for i, text in enumerate(picked))
    items = "；".join(f"{NUMBERS[i]}是{text}" for i, text in enumerate(picked))
    return f"在下一阶段的挂职工作中，我将重点做好以下几个方面：{items}。"


# What the group leader writes when accepting or returning one.
ACCEPT_COMMENTS = (
    "同意。",
    "总结内容翔实，体会真切，同意。",
    "同意。存在不足部分分析较为客观，请在下阶段抓好整改。",
    "",
)
RETURN_COMMENTS = (
    "主要工作部分罗列事项较多，请提炼工作成效，补充可量化的成果；存在不足部分请结合自身实际，"
    "避免泛泛而谈。修改后重新提交。",
    "心得体会写得比较笼统，请结合挂职以来的具体事例谈体会；下一步打算请明确时间节点和具体措施。",
)
# What the person adds to 下一步打算 after a return asking for dates and measures.
RESUBMIT_ADDITION = (
    "具体安排：{month}月底前完成{topic}专题调研报告，报单位研究后组织实施；{later}月底前把{topic}"
    "工作中行之有效的做法整理成制度文件，提交班子会议研究。"
)
ARCHIVE_COMMENTS = ("", "已归档，存入本人挂职锻炼档案。")

# The host unit's appraisal (鉴定意见): {name}, {host}, {topic}, {done} (what the log records
# as done), {hope}.
APPRAISALS = (
    "{name}同志挂职以来，政治立场坚定，工作作风扎实，能够较快融入{host}干部队伍。分管{topic}工作"
    "思路清晰、措施有力，{done}。严格遵守挂职纪律和各项规章制度，廉洁自律，群众反映良好。希望{hope}。",
    "该同志到岗后主动熟悉情况、深入调查研究，在{topic}工作中敢于担当、善于协调，{done}，为{host}"
    "的发展作出了积极贡献。能够严格执行请销假制度，工作纪实记录完整。希望{hope}。",
    "{name}同志理论功底扎实，工作态度端正，服从组织安排，积极参与{host}中心工作和急难险重任务。"
    "在{topic}方面，{done}，工作成效得到党委和群众认可。希望{hope}。",
)
HOPES = (
    "在剩余挂职期内继续发挥优势，推动在谈事项早日落地",
    "进一步加强与基层干部群众的联系，把调研成果更多转化为工作举措",
    "继续保持良好作风，在期满前把分管工作的长效机制建立起来",
)
DONE_FALLBACK = "较好地完成了党委交办的各项任务"


def appraisal(rng: random.Random, *, name: str, host: str, topic: str, done: list[str]) -> str:
    things = "，".join(title.rstrip("。；，") for title in done[:2])
    return rng.choice(APPRAISALS).format(
        name=name,
        host=host,
        topic=topic,
        done=things or DONE_FALLBACK,
        hope=rng.choice(HOPES),
    )


# Meetings ---------------------------------------------------------------------------------------

SPEAKER_TOPICS = (
    "立足{topic} 在基层一线经受锻炼",
    "在{topic}工作中的几点做法和体会",
    "沉下去、融进去、干起来——我在{host}的挂职实践",
    "用好派出单位资源 助力{host}{topic}",
)
EXCHANGE_OTHERS = "市委组织部分管副部长，干部一科全体同志，各接收单位联系领导代表"
EXCHANGE_PLACE = "市委组织部三楼会议室"
SYMPOSIUM_OTHERS = "市委组织部干部一科负责同志，白鹿镇党委主要负责同志"
SYMPOSIUM_PLACE = "白鹿镇党群服务中心二楼会议室"


def speaker_topic(rng: random.Random, *, topic: str, host: str) -> str:
    return rng.choice(SPEAKER_TOPICS).format(topic=topic, host=host)


def minutes(*, batch: str, speakers: list[tuple[str, str, str]], count: int) -> str:
    """A meeting's minutes: speakers as (name, host unit, topic) in speaking order."""
    spoken = "；".join(f"{host}{name}同志以“{topic}”为题" for name, host, topic in speakers)
    return "\n".join(
        (
            f"会议由市委组织部干部一科负责同志主持，{batch}{count}名在岗挂职干部参加。",
            f"会上，{spoken}作代表发言，结合阶段总结交流了挂职以来的主要工作、心得体会和存在的不足。",
            "市委组织部分管副部长作总结讲话，充分肯定了本批挂职干部到岗以来的表现，指出大家能够"
            "较快转变角色、融入基层，在产业发展、基层治理和民生服务等方面做了大量工作。",
            "会议要求：一是对照阶段总结查找的不足，逐项制定整改措施，在下阶段工作中抓好落实；二是"
            "严格遵守挂职纪律，坚持请销假和外出报备制度，按时记录工作纪实；三是提前谋划期满工作，"
            "把好的做法总结提炼出来，形成可复制、可推广的经验。",
            "会议印发了代表发言材料，交流的阶段总结已归档，其中部分经本人同意推荐入经验库。",
        )
    )


AGENDA = (
    "一、主持人介绍会议议程",
    "二、挂职干部代表发言",
    "三、接收单位联系领导代表发言",
    "四、市委组织部分管副部长讲话",
)


# The library's imported documents ---------------------------------------------------------------

# Places of earlier years' secondments, made up (the demo city's own are the batch's).
TOWNSHIPS = ("桃花镇", "新港镇", "石门镇", "云居乡", "黄岗镇", "城门乡", "马回岭镇")
SUBDISTRICTS = ("杨柳街道", "东湖街道", "滨湖街道", "向阳街道")
COMMUNITIES = ("青山社区", "柳荫社区", "东园社区", "南门社区", "湖光社区")
VILLAGES = ("梅溪村", "龙门村", "杉树村", "白沙村", "双塘村", "丰林村")
DEPARTMENTS = (
    ("县发展和改革委员会", "项目管理"),
    ("县农业农村局", "农业产业化"),
    ("县行政审批局", "政务服务"),
    ("县卫生健康委员会", "基层卫生"),
    ("县教育体育局", "教育信息化"),
)
ENTERPRISES = ("江州港口集团有限公司", "江州城市建设投资集团有限公司", "江州文旅集团有限公司")
COMPANIES = (
    ("江苏润禾食品有限公司", "农产品精深加工项目"),
    ("浙江新源光电科技有限公司", "光伏组件生产线"),
    ("广东华盈服饰有限公司", "服装加工扶贫车间"),
    ("湖南湘茗茶业有限公司", "茶叶标准化加工厂"),
)
CROPS = ("高山茶叶", "富硒水稻", "蓝莓", "中药材", "油茶")
FUNDS = ("省级乡村振兴衔接资金", "农村人居环境整治专项资金", "高标准农田建设补助资金")
PROJECTS = ("码头智能化改造", "老城区更新", "文旅综合体建设", "物流园区扩建")

# 主要做法: paragraphs by the kind of unit, with {place} {company} {project} {crop} {fund}
# {field} {n1} {n2} {n3} {pct}.
WORK_BY_KIND: dict[str, tuple[str, ...]] = {
    OrgKind.TOWNSHIP: (
        "聚焦产业发展，推动特色产业提质增效。结合{place}实际，牵头编制特色产业发展规划，引进"
        "{company}投资建设{project}，带动周边{n1}户群众在家门口就业；协调农业技术部门举办种养技术"
        "培训{n2}期，培训农户{n3}人次。",
        "聚焦项目建设，当好项目推进“服务员”。建立重点项目“一个项目、一名领导、一套班子”推进机制，"
        "每周到项目现场调度，协调解决用地、用电、用工等问题{n1}个，全年完成固定资产投资{n2}亿元。",
        "聚焦民生实事，解决群众急难愁盼问题。坚持每月走访联系村，累计走访农户{n3}户，收集意见建议"
        "{n1}条；争取{fund}{n2}0万元，完成通组道路硬化和安全饮水工程，群众满意度明显提升。",
        "聚焦基层治理，推动矛盾纠纷就地化解。推行“屋场恳谈”工作法，组织召开屋场恳谈会{n1}场，"
        "化解邻里纠纷、土地纠纷{n2}起，全年没有发生一起越级上访。",
        "聚焦人居环境，建设宜居宜业和美乡村。牵头开展农村人居环境整治，推行“门前三包”和积分制"
        "管理，拆除危旧房和乱搭乱建{n3}处，新建小游园{n1}个，{place}被评为市级美丽乡村示范点。",
    ),
    OrgKind.SUBDISTRICT: (
        "推行网格化管理，把服务送到居民家门口。将辖区划分为{n1}个网格并配齐网格员，建立“网格员"
        "吹哨、部门报到”机制，全年通过网格收集和办结居民诉求{n3}件，办结率达到{pct}%。",
        "抓好安全生产和防汛应急。牵头开展沿街门店、老旧小区燃气和消防安全隐患排查，整改隐患"
        "{n2}处；汛期组织巡堤查险{n1}次，确保了辖区安全度汛。",
        "推进城市精细化管理。围绕背街小巷整治，协调拆除违章搭建{n2}处，规范设置非机动车停放点"
        "{n1}个，{place}的市容面貌明显改善。",
        "服务辖区企业发展。建立街道领导挂点联系企业制度，走访“四上”企业{n1}家，协调解决融资、"
        "用工、停车等问题{n2}个，助力辖区经济稳定增长。",
    ),
    OrgKind.COMMUNITY: (
        "推进老旧小区改造，解决居民“急难愁盼”。在小区改造中组织召开居民议事会{n1}次，逐户征求"
        "意见，协调解决加装电梯、停车难等问题，{n3}户居民受益。",
        "引入“红色物业”，破解无物业小区管理难题。推动社区党组织、业委会、物业企业“三方联动”，"
        "为{n1}个无物业小区引入物业服务，物业费收缴率提高到{pct}%。",
        "关爱“一老一小”，提升社区服务温度。依托党群服务中心建设社区老年食堂和“四点半课堂”，日均"
        "服务老人{n2}人次；组织开展义诊、文艺演出等活动{n1}场。",
        "发动党员志愿者，凝聚社区治理合力。组织在职党员到社区报到，组建志愿服务队{n1}支，开展"
        "环境整治、反诈宣传、防汛值守等志愿服务{n2}次。",
    ),
    OrgKind.VILLAGE: (
        "抓党建促振兴，建强村级班子。规范“三会一课”制度，发展党员{n1}名，培养村级后备力量{n1}人，"
        "推动村“两委”班子形成干事创业的合力。",
        "发展壮大村集体经济。盘活闲置校舍和土地资源，领办合作社发展{crop}种植{n3}亩，村集体经济"
        "收入由不足{n1}万元增加到{n2}万元。",
        "巩固拓展脱贫攻坚成果。对脱贫户和监测户逐户建立帮扶台账，落实产业奖补、公益性岗位等措施，"
        "{n2}户监测户全部消除返贫风险。",
        "办好民生实事。争取{fund}{n2}0万元，新修村组道路{n1}公里，安装太阳能路灯{n3}盏，建成村级"
        "幸福食堂，解决了留守老人吃饭难的问题。",
    ),
    OrgKind.PARTY_GOVERNMENT: (
        "参与重点改革，推动政策落地落细。协助起草{field}方面的实施方案和配套文件{n1}份，组织开展"
        "政策解读和业务培训{n2}场，参训{n3}人次。",
        "深入开展调查研究。围绕{field}领域的突出问题，到乡镇、企业开展专题调研{n2}次，形成调研报告"
        "{n1}篇，其中一篇获县领导批示并转化为工作措施。",
        "推进数字化建设。协助建设{field}信息平台，推动{n2}项业务“网上办、掌上办”，办事时间平均压缩"
        "{pct}%。",
        "优化营商环境，服务企业发展。建立挂点联系企业制度，走访企业{n3}家，协调解决融资、用工、"
        "审批等问题{n2}个。",
    ),
    OrgKind.STATE_ENTERPRISE: (
        "深入生产经营一线，熟悉企业运行。挂职期间参与公司{project}等重点项目的前期谋划和推进，"
        "参加经营分析会{n1}次，对国有企业市场化经营有了直观认识。",
        "推动党建与生产经营深度融合。协助开展“党建+项目”活动，设立党员先锋岗{n1}个，在重点工程"
        "一线组建党员突击队，保障项目按期完工。",
        "参与深化国企改革。协助梳理公司“三重一大”决策事项清单，修订完善内部管理制度{n2}项，推动"
        "建立市场化选人用人和考核激励机制。",
    ),
}

# Exchanges in Hong Kong and Macao, kept in Traditional characters in the archive (the demo
# writes them here in Simplified and converts them to Traditional before importing them back).
EXCHANGE_PLACES = (
    ("香港特区政府民政事务总署", "地区行政和社区服务"),
    ("澳门特区政府社会工作局", "社会服务和长者照顾"),
    ("香港特区政府效率促进办公室", "公共服务改革"),
)
EXCHANGE_WORK = (
    "交流期间，我被安排在{unit}，重点了解{field}等方面的工作，参加了部门例会、公众咨询会和"
    "社区活动{n2}场，走访社会服务机构{n1}家，撰写学习笔记{notes}篇。",
    "特区的公共服务十分注重程序和细节。一项政策出台前往往要经过多轮公众咨询，各项服务都有明确"
    "的服务承诺和办理时限，市民可以通过多种渠道查询办理进度。这种以市民为中心的服务理念，对我们"
    "优化政务服务很有启发。",
    "社会组织在社区服务中发挥着重要作用。我走访的多家社会服务机构承接政府购买服务项目，为长者、"
    "青少年和新来人士提供专业服务，服务质量有评估、有监督，资金使用公开透明。",
    "粤港澳大湾区建设为内地与港澳合作提供了广阔空间。交流期间我参与了大湾区青年创业交流活动的"
    "筹备，深切感受到在规则衔接、机制对接方面还有大量工作可做。",
)
EXCHANGE_BACK = (
    "回到工作岗位后，我结合交流所学，推动本单位建立了服务事项办理时限公开制度，并在{place}试点"
    "引入社会工作专业服务，把大湾区的好经验用到了家门口。"
)
EXCHANGE_INSIGHTS = (
    "开放包容、互学互鉴，是交流学习的正确态度。港澳与内地制度不同、做法各异，交流中我坚持多看、"
    "多问、多想，既不照搬照抄，也不简单否定，注重把握其中规律性的东西，思考哪些做法可以结合内地"
    "实际加以借鉴。",
    "精细化管理体现在每一个环节。无论是长者服务的个案管理，还是公共设施的日常维护，都有清晰的"
    "标准、流程和记录。我们在推进基层治理时，也要在“细”字上下功夫，把每项服务做到位、做到底。",
    "牢记身份、严守纪律。交流期间我时刻牢记自己的身份，严格遵守外事纪律和保密规定，按时向派出"
    "单位报告思想和工作情况，自觉维护内地干部的良好形象。",
    "深化合作要从具体项目做起。内地与港澳的合作，最终要落到一个个具体项目、一次次人员往来上。"
    "交流期间建立的工作联系，为后续开展青年交流和社会服务合作打下了基础。",
)
EXCHANGE_SHORTCOMINGS = (
    "对特区法律制度和公共行政体系的了解还不够系统",
    "粤语沟通还有一定障碍，与基层社团的交流不够深入",
    "交流时间有限，对一些做法的背景和运行成本研究不够",
)
EXCHANGE_AHEAD = (
    "继续保持与交流单位的工作联系，推动在社会服务、青年交流等方面开展务实合作",
    "把交流学习的体会整理成调研报告，为本地改进公共服务提供参考",
)

# What every kind of unit teaches: the summaries' points, and two more; {place} is somewhere
# the person went (a village, an estate), so the points naming one are left out where there is
# none (a county bureau, a company).
LIBRARY_INSIGHTS = (
    *INSIGHTS,
    "讲好“方言”，才能走进群众心里。基层群众说话直、要求实，讲大道理不如讲身边事。我学着用"
    "群众听得懂的话宣讲政策，用算账对比的方法讲清好处，工作推进起来就顺畅多了。",
    "抓落实要有“钉钉子”精神。基层工作很多是“慢功夫”，一件事往往要反复协调、多次上门。我把"
    "每项任务列成清单、明确节点，一周一对账、一月一销号，做到事事有回音、件件有着落。",
)
LIBRARY_SHORTCOMINGS = (
    "挂职时间较短，对当地情况的了解还不够全面深入，有些工作刚打开局面就面临期满返回",
    "专业知识储备不足，在{topic}等领域还存在本领恐慌",
    "工作中有时求成心切，对基层的实际困难考虑不够周全",
    "总结提炼不够，好的做法没有及时形成制度",
)
# After the term: what the author will do back home.
LIBRARY_AHEAD = (
    "把在基层学到的群众工作方法带回原单位，在制定政策、推动工作时多听基层的声音",
    "继续关注{host}的发展，力所能及地为当地牵线搭桥、争取支持",
    "持续加强{topic}方面的学习，把挂职期间的实践体会转化为做好本职工作的本领",
    "保持挂职期间养成的好作风，经常到基层走一走、看一看，不断增进同群众的感情",
)
TITLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrgKind.TOWNSHIP: (
        "扎根乡镇一线 在服务发展中锤炼本领",
        "在{host}挂职锻炼的实践与思考",
        "到乡镇去，到群众中去——挂职锻炼工作总结",
        "俯下身子干实事：挂任副镇长一年的体会",
        "{host}挂职锻炼期满总结",
        "在乡村振兴一线经受锻炼",
        "把群众的事当成自己的事——{host}挂职工作总结",
        "从机关到乡镇：挂职一年的收获与思考",
    ),
    OrgKind.SUBDISTRICT: (
        "在{host}挂职锻炼的收获与感悟",
        "街道挂职锻炼期满总结",
        "城市基层治理一线的挂职实践",
    ),
    OrgKind.COMMUNITY: (
        "社区是最好的课堂——挂任社区第一书记工作总结",
        "在{host}挂职的几点体会",
        "党建引领社区治理的实践与思考",
        "当好社区“大管家”：挂任社区第一书记的体会",
        "{host}挂职锻炼工作总结",
    ),
    OrgKind.VILLAGE: (
        "驻村第一书记工作总结",
        "在{host}驻村帮扶的日子",
        "抓党建促乡村振兴——驻村工作体会",
        "{host}驻村工作期满总结",
    ),
    OrgKind.PARTY_GOVERNMENT: (
        "在{host}挂职锻炼的几点体会",
        "{field}领域挂职锻炼工作总结",
        "上挂锻炼开眼界 学以致用促发展",
        "在县直部门挂职的收获与思考",
        "从政策起草到落地执行：{host}挂职体会",
    ),
    OrgKind.STATE_ENTERPRISE: ("到国有企业挂职锻炼的收获", "在{host}挂职的实践与思考"),
    OrgKind.OTHER: (
        "赴{host}交流学习体会",
        "粤港澳大湾区交流挂职见闻与思考",
        "在{host}交流挂职工作总结",
    ),
}
POSTS_BY_KIND: dict[str, tuple[str, ...]] = {
    OrgKind.TOWNSHIP: ("副镇长", "党委委员、副镇长", "镇长助理"),
    OrgKind.SUBDISTRICT: ("办事处副主任", "党工委副书记"),
    OrgKind.COMMUNITY: ("社区党委第一书记",),
    OrgKind.VILLAGE: ("驻村第一书记",),
    OrgKind.PARTY_GOVERNMENT: ("局长助理", "副局长", "主任助理"),
    OrgKind.STATE_ENTERPRISE: ("总经理助理", "副总经理"),
}
HOME_UNITS = ("市直机关", "市委党校", "江州学院", "市属国有企业", "市发展和改革委员会")
# Where people go from a unit of each kind (a township's villages, a street's estates).
OUTINGS: dict[str, tuple[str, ...]] = {
    OrgKind.TOWNSHIP: ("上屋组", "下湾组", "茶场", "村部", "合作社基地"),
    OrgKind.VILLAGE: ("上屋组", "下湾组", "村部", "合作社基地"),
    OrgKind.SUBDISTRICT: ("纺织厂宿舍区", "老粮站宿舍区", "建设新村"),
    OrgKind.COMMUNITY: ("纺织厂宿舍区", "老粮站宿舍区", "建设新村", "沿江小区"),
}


@dataclass(frozen=True)
class LibraryText:
    """One earlier year's experience summary: the title and (heading, body) sections, the body's
    paragraphs separated by line breaks."""

    title: str
    sections: list[tuple[str, str]]


def _host_of(rng: random.Random, kind: str) -> tuple[str, str]:
    """(where, what field) for a document of `kind`."""
    if kind == OrgKind.TOWNSHIP:
        return rng.choice(TOWNSHIPS), "乡村振兴"
    if kind == OrgKind.SUBDISTRICT:
        return rng.choice(SUBDISTRICTS), "城市管理"
    if kind == OrgKind.COMMUNITY:
        return rng.choice(COMMUNITIES), "社区治理"
    if kind == OrgKind.VILLAGE:
        return rng.choice(VILLAGES), "乡村振兴"
    if kind == OrgKind.STATE_ENTERPRISE:
        return rng.choice(ENTERPRISES), "国企改革"
    if kind == OrgKind.OTHER:
        return rng.choice(EXCHANGE_PLACES)
    return rng.choice(DEPARTMENTS)


def _figures(rng: random.Random) -> dict[str, object]:
    company, project = rng.choice(COMPANIES)
    return {
        "n1": rng.randint(3, 12),
        "n2": rng.randint(12, 60),
        "n3": rng.randint(80, 600),
        "pct": rng.randint(60, 95),
        "notes": rng.randint(10, 30),
        "company": company,
        "project": rng.choice((project, *PROJECTS)),
        "crop": rng.choice(CROPS),
        "fund": rng.choice(FUNDS),
    }


def _numbered(items: list[str]) -> str:
    return "\n".join(f"（{NUMBERS[i]}）{text}" for i, text in enumerate(items))


def _listed(items: list[str]) -> str:
    return "；".join(f"{NUMBERS[i]}是{text}" for i, text in enumerate(items))


def library_document(
    rng: random.Random, *, kind: str, year: int, title_template: str
) -> LibraryText:
    """An experience summary of `year` by a cadre who served in a unit of `kind`, titled from
    `title_template` (one of TITLES_BY_KIND[kind])."""
    host, field = _host_of(rng, kind)
    figures = _figures(rng)
    home = rng.choice(HOME_UNITS)
    title = title_template.format(host=host, field=field)
    if kind == OrgKind.OTHER:
        start, months = rng.choice((3, 4, 9)), rng.choice((3, 6))
        basic = (
            f"{year}年{start}月，我受组织选派，从{home}赴{host}交流学习{months}个月，重点了解"
            f"{field}等方面的工作。"
        )
        work = [
            EXCHANGE_WORK[0].format(unit=host, field=field, **figures),
            *rng.sample(EXCHANGE_WORK[1:], 2),
            EXCHANGE_BACK.format(place=rng.choice(COMMUNITIES)),
        ]
        lessons = _numbered(rng.sample(EXCHANGE_INSIGHTS, 2))
        gaps = _listed(rng.sample(EXCHANGE_SHORTCOMINGS, 2))
        ahead = rng.choice(EXCHANGE_AHEAD)
    else:
        start, months = rng.choice(((3, 12), (9, 12), (6, 12), (3, 6)))
        end_year = year + int(start + months - 1 > 12)
        end_month = (start + months - 2) % 12 + 1
        post = rng.choice(POSTS_BY_KIND[kind])
        basic = (
            f"{year}年{start}月至{end_year}年{end_month}月，我受组织选派，从{home}到{host}挂职"
            f"锻炼，任{post}，协助分管{field}工作。"
        )
        pool = WORK_BY_KIND[kind]
        work = [
            text.format(place=host, field=field, **figures)
            for text in rng.sample(pool, min(len(pool), rng.choice((2, 3, 3))))
        ]
        outings = list(OUTINGS.get(kind, ()))
        person = Person(host=host, host_kind=kind, home=home, topics=[field], places=outings)
        usable = [text for text in LIBRARY_INSIGHTS if outings or "{place}" not in text]
        lessons = _numbered([person.fill(rng, text) for text in rng.sample(usable, 2)])
        gaps = _listed([text.format(topic=field) for text in rng.sample(LIBRARY_SHORTCOMINGS, 2)])
        ahead = rng.choice(LIBRARY_AHEAD).format(host=host, topic=field)
    headings = rng.choice(
        (
            ("基本情况", "主要做法和成效", "几点体会", "存在的不足和努力方向"),
            ("基本情况", "工作开展情况", "主要收获", "不足与打算"),
            ("挂职概况", "主要工作", "心得体会", "存在不足"),
        )
    )
    bodies = (basic, "\n".join(work), lessons, f"{gaps}。今后，我将{ahead}。")
    return LibraryText(
        title=title,
        sections=[
            (f"{NUMBERS[i]}、{heading}", body)
            for i, (heading, body) in enumerate(zip(headings, bodies, strict=True))
        ],
    )
