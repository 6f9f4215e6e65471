"""Demo programmes of the demo city 江州市: one batch on duty, one recruiting, through the services.

`programmes_demo_load(city)` runs on top of `guazhi.orgs.demo.demo_load` and walks each batch
through the steps its people would take on the pages: the coordinator sets the batch up and
publishes the notice; the demo accounts apply as themselves, and the other cadres (who have no
accounts) through services.call.demo_call, audited as the coordinator's demo entries; dispatch
admins recommend, the host leader of 白鹿镇 ranks applicants, matching runs are computed and one
adopted; vetting, decision, publicity and approval; training, reporting for duty, groups. Every
write is a service's, audited and on the batch's timeline.

Deterministic: posts, applicants and choices come from fixed tables and seeded generators, runs
have fixed seeds, and the dates shown (terms, vetting, publicity, training, start dates) are
constants. The clock shows only where a service stamps "now" (when each action was taken, the
approval) or checks against it: a notice's deadline must lie ahead when it is saved, which is
why the on-duty batch's call goes the way `_call_publish` describes (and the recruiting batch's
too, should the demo be loaded after its deadline window, from 2027-01-30 on).
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from guazhi.core.jobs import job_run
from guazhi.core.statistics import refresh_planner_statistics
from guazhi.orgs.demo import DEMO_SEED, DemoResult
from guazhi.orgs.models import CadreProfile, Organisation, User
from guazhi.orgs.vocab import RANK_ORDER
from guazhi.programmes.models import (
    Application,
    ApplicationState,
    Assignment,
    AssignmentState,
    AttendanceStatus,
    Batch,
    BatchState,
    Direction,
    Group,
    MatchingRun,
    Post,
    RunMode,
    RunState,
    SelectionStepKind,
)
from guazhi.programmes.models.assignments import ObjectionChannel
from guazhi.programmes.runs_inputs import default_weights
from guazhi.programmes.selectors.call import eligibility_of
from guazhi.programmes.services.batches import batch_create, batch_transition, batch_update
from guazhi.programmes.services.call import (
    application_submit,
    demo_call,
    host_preferences_set,
    notice_publish,
    notice_save,
    recommendation_create,
)
from guazhi.programmes.services.duty_start import assignment_report_duty
from guazhi.programmes.services.groups import (
    AttendanceEntry,
    group_create,
    training_attendance_record,
    training_session_create,
)
from guazhi.programmes.services.posts import post_create
from guazhi.programmes.services.runs import run_adopt, run_pairs_set, run_start
from guazhi.programmes.services.selection import (
    objection_record,
    objection_resolve,
    publicity_approve,
    publicity_start,
    selection_step_record,
)

COORDINATING_ORG = "中共江州市委组织部"
ON_DUTY_NAME = "2026年江州市第十批挂职干部"
ON_DUTY_TERM = (dt.date(2026, 3, 1), dt.date(2027, 2, 28))
RECRUITING_NAME = "2027年江州市第十一批挂职干部"
RECRUITING_TERM = (dt.date(2027, 3, 1), dt.date(2028, 2, 29))
# The recruiting batch's call stays open this long after the demo is loaded.
CALL_DAYS = 30
# Cadres drawn (before eligibility) to apply to each batch by demo_call.
ON_DUTY_APPLICANTS = 32
RECRUITING_APPLICANTS = 50

# The on-duty batch's selection, in the past: dates as the organisation department kept them.
VETTING_ON = dt.date(2026, 1, 12)
DECISION_ON = dt.date(2026, 1, 20)
PUBLICITY_FROM = dt.date(2026, 1, 21)
OBJECTION_ON = dt.date(2026, 1, 23)
REPORTED_ON = dt.date(2026, 3, 2)  # the first working day of the term
PARTY_TRANSFER_ON = dt.date(2026, 3, 16)

# The demo accounts that take part, by username (guazhi.orgs.demo.DEMO_ACCOUNTS).
GROUP_LEADER = "groupleader"
CADRE = "cadre"
HOST_LEADER = "host.bailu"


@dataclass(frozen=True)
class DemoPost:
    host: str  # a host unit of the demo city, by name
    title: str
    portfolio: str
    duties: str
    preferred: tuple[str, ...]
    required: tuple[str, ...] = ()
    capacity: int = 1
    rank: str = ""
    leadership: bool = False


def _lead(host: str, title: str, portfolio: str, duties: str, *preferred: str) -> DemoPost:
    """A seat in the host's leadership team (领导班子), held at deputy section level."""
    return DemoPost(host, title, portfolio, duties, preferred, rank="副科级", leadership=True)


def _aide(host: str, title: str, portfolio: str, duties: str, *preferred: str) -> DemoPost:
    """An assistant or community post, outside the leadership team and without a rank."""
    return DemoPost(host, title, portfolio, duties, preferred)


FIRST_SECRETARY = "社区党委第一书记"
COMMUNITY_DUTIES = "驻社区开展工作，每周在社区不少于4天，指导社区党组织建设和为民服务。"

ON_DUTY_POSTS: tuple[DemoPost, ...] = (
    _lead(
        "白鹿镇",
        "党委委员、副镇长",
        "产业发展、项目建设",
        "协助抓好全镇产业规划、重点项目谋划入库和在建项目调度，对接市级部门争取政策支持。",
        "产业规划",
        "项目管理",
        "招商引资",
    ),
    _aide(
        "白鹿镇",
        "镇长助理",
        "农业农村、农村电商",
        "协助发展特色种养业，联系农民专业合作社，推动农产品电商销售和品牌打造。",
        "农业技术",
        "电子商务",
        "乡村振兴",
    ),
    _lead(
        "湓浦街道",
        "党工委副书记",
        "基层党建、社会治理",
        "协助抓好街道党建、网格化治理和党员教育管理，指导各社区党组织规范化建设。",
        "基层党建",
        "社会治理",
        "理论宣讲",
    ),
    _aide(
        "甘棠社区",
        FIRST_SECRETARY,
        "党建引领社区治理",
        COMMUNITY_DUTIES + "牵头老旧小区改造中的群众工作和“红色物业”建设。",
        "基层党建",
        "社会治理",
    ),
    DemoPost(
        "浔阳区农业农村局",
        "局长助理",
        "高标准农田建设、农技推广",
        "协助推进高标准农田建设项目管理和基层农业技术推广体系建设。",
        ("农田水利", "项目管理"),
        required=("农业技术",),
    ),
    _lead(
        "十里街道",
        "办事处副主任",
        "城市管理、安全生产",
        "协助做好城市精细化管理、安全生产检查和防汛应急工作。",
        "城乡规划",
        "安全生产",
        "应急管理",
    ),
    DemoPost(
        "莲花镇",
        "党委副书记",
        "招商引资",
        "协助抓好招商引资和园区企业服务，对接在外商会和重点客商，跟踪签约项目落地。",
        ("项目管理", "产业规划", "投融资"),
        required=("招商引资",),
        rank="副科级",
        leadership=True,
    ),
    _lead(
        "姑塘镇",
        "副镇长",
        "农业农村",
        "协助分管农业生产、乡村振兴重点帮扶村建设和农村人居环境整治。",
        "乡村振兴",
        "农业技术",
        "电子商务",
    ),
    _aide(
        "濂溪区教育体育局",
        "局长助理",
        "教育信息化",
        "协助推进智慧校园建设、教育数据治理和教师信息技术应用能力提升工程。",
        "教育管理",
        "信息化建设",
    ),
    _aide(
        "莲花池社区",
        FIRST_SECRETARY,
        "社区治理、健康服务",
        COMMUNITY_DUTIES + "协调社区卫生服务站做好老年人健康管理和慢病随访。",
        "社会治理",
        "公共卫生",
        "医疗卫生",
    ),
    _lead(
        "沙河镇",
        "副镇长",
        "农业农村、农田水利",
        "协助分管粮食生产、农田水利设施管护和动物防疫工作。",
        "农业技术",
        "农田水利",
        "畜牧兽医",
    ),
    _lead(
        "岷山乡",
        "党委委员、副乡长",
        "文化旅游、农村电商",
        "协助做好乡村旅游开发、农产品区域品牌打造和电商直播带货。",
        "电子商务",
        "文化旅游",
    ),
    DemoPost(
        "柴桑县卫生健康委员会",
        "主任助理",
        "基层医疗、疾病防控",
        "协助推进紧密型县域医共体建设，做好慢性病和重点传染病防控工作。",
        ("医疗卫生", "疾病防控", "公共卫生", "中医药"),
        capacity=2,
    ),
    DemoPost(
        "柴桑县农业农村局",
        "局长助理",
        "畜牧业发展",
        "协助做好生猪稳产保供、动物疫病防控和畜禽养殖废弃物资源化利用。",
        ("农业技术",),
        required=("畜牧兽医",),
    ),
    _lead(
        "双钟镇",
        "党委副书记",
        "招商引资、园区建设",
        "协助抓好工业园区项目建设、企业服务和营商环境优化。",
        "招商引资",
        "工程管理",
        "投融资",
    ),
    _aide(
        "湖口县文化广电旅游局",
        "局长助理",
        "全域旅游",
        "协助推进全域旅游示范区创建、文旅项目策划包装和对外宣传推介。",
        "文化旅游",
        "项目管理",
    ),
    _aide(
        "石钟山社区",
        FIRST_SECRETARY,
        "党建引领、矛盾调解",
        COMMUNITY_DUTIES + "牵头社区矛盾纠纷排查调处和普法宣传。",
        "基层党建",
        "社会治理",
        "法律事务",
    ),
)

RECRUITING_POSTS: tuple[DemoPost, ...] = (
    DemoPost(
        "白鹿镇",
        "党委副书记",
        "招商引资、营商环境",
        "协助抓好招商引资、企业服务和营商环境优化，跟踪推进签约项目开工投产。",
        ("项目管理", "投融资"),
        required=("招商引资",),
        rank="副科级",
        leadership=True,
    ),
    _aide(
        "白鹿镇",
        "镇长助理",
        "乡村振兴、农村电商",
        "协助推进和美乡村建设和农产品电商销售，联系驻村工作队。",
        "乡村振兴",
        "电子商务",
        "农业技术",
    ),
    _aide(
        "白水湖社区",
        FIRST_SECRETARY,
        "党建引领社区治理",
        COMMUNITY_DUTIES + "牵头居民议事协商和社区志愿服务队伍建设。",
        "基层党建",
        "社会治理",
    ),
    _lead(
        "湓浦街道",
        "办事处副主任",
        "社区卫生、养老服务",
        "协助做好社区卫生服务、居家养老服务中心建设和医养结合工作。",
        "公共卫生",
        "医疗卫生",
        "社会治理",
    ),
    _aide(
        "浔阳区农业农村局",
        "局长助理",
        "农产品质量安全",
        "协助做好农产品质量安全监管、检测体系建设和绿色食品认证。",
        "农业技术",
        "畜牧兽医",
    ),
    _lead(
        "十里街道",
        "党工委副书记",
        "基层党建、平安建设",
        "协助抓好街道党建和平安建设，推进矛盾纠纷多元化解。",
        "基层党建",
        "法律事务",
        "社会治理",
    ),
    _lead(
        "姑塘镇",
        "党委委员、副镇长",
        "产业发展",
        "协助抓好全镇产业规划和重点项目谋划，服务规模以上企业。",
        "产业规划",
        "项目管理",
        "招商引资",
    ),
    _aide(
        "濂溪区教育体育局",
        "局长助理",
        "教育督导",
        "协助开展中小学校责任督学和教育质量监测，起草督导报告。",
        "教育管理",
        "政策研究",
        "公文写作",
    ),
    _lead(
        "港口镇",
        "副镇长",
        "农业农村、水利",
        "协助分管农业生产、水利设施建设和防汛抗旱工作。",
        "农田水利",
        "农业技术",
        "乡村振兴",
    ),
    _aide(
        "港口镇",
        "镇长助理",
        "财政经济、审计",
        "协助做好镇级财政预算管理、村级财务审计和国有资产管理。",
        "财务审计",
        "统计分析",
        "资产管理",
    ),
    DemoPost(
        "沙河镇",
        "党委副书记",
        "招商引资",
        "协助抓好招商引资和园区建设，对接珠三角、长三角产业转移项目。",
        ("工程管理", "产业规划"),
        required=("招商引资",),
        rank="副科级",
        leadership=True,
    ),
    _aide(
        "柴桑县卫生健康委员会",
        "主任助理",
        "中医药、公共卫生",
        "协助推进基层中医馆建设和公共卫生服务项目绩效评价。",
        "中医药",
        "公共卫生",
        "疾病防控",
    ),
    DemoPost(
        "柴桑县农业农村局",
        "局长助理",
        "农业科技推广",
        "协助推进农业科技示范基地建设和新品种、新技术推广。",
        ("科技创新",),
        required=("农业技术",),
    ),
    _lead(
        "流泗镇",
        "副镇长",
        "农业农村",
        "协助分管特色产业、畜牧养殖和农村电商发展。",
        "农业技术",
        "畜牧兽医",
        "电子商务",
    ),
    _lead(
        "武山镇",
        "党委委员、副镇长",
        "城乡建设、安全生产",
        "协助分管集镇建设、农村危房改造和安全生产监管。",
        "工程管理",
        "城乡规划",
        "安全生产",
    ),
    _aide(
        "双钟镇",
        "镇长助理",
        "数字乡村、信息化",
        "协助推进数字乡村试点、政务服务事项网上办理和基层治理信息平台建设。",
        "信息化建设",
        "电子商务",
        "科技创新",
    ),
    _aide(
        "石钟山社区",
        FIRST_SECRETARY,
        "党建引领、理论宣讲",
        COMMUNITY_DUTIES + "组建社区理论宣讲队，开展“党课进小区”活动。",
        "基层党建",
        "理论宣讲",
        "社会治理",
    ),
    _aide(
        "湖口县文化广电旅游局",
        "局长助理",
        "文物保护、红色文化",
        "协助做好革命文物保护利用和红色旅游线路打造。",
        "文化旅游",
        "党史研究",
        "政策研究",
    ),
)

# The demo accounts' own applications: (post title, host) in their order of preference.
GROUP_LEADER_CHOICES = (("党委委员、副镇长", "白鹿镇"), ("副镇长", "姑塘镇"))
GROUP_LEADER_STATEMENT = (
    "在市发改委重点项目办工作多年，熟悉项目谋划、产业规划和统计分析，希望到乡镇一线服务产业发展。"
)
CADRE_CHOICES = (
    ("局长助理", "濂溪区教育体育局"),
    (FIRST_SECRETARY, "石钟山社区"),
    ("党工委副书记", "十里街道"),
)
CADRE_STATEMENT = (
    "在市委党校从事党史党建教学十余年，熟悉基层党建和政策研究，"
    "希望到基层一线锻炼，把理论教学与基层实践结合起来。"
)
# Recommended for the recruiting batch and not yet confirmed: (dispatch admin, unit).
RECOMMENDERS = (("dispatch.xueyuan", "江州学院"), ("dispatch.fagaiwei", "江州市发展和改革委员会"))
RECOMMENDATION_COMMENT = "该同志政治素质好，业务能力强，工作扎实肯干，推荐参加本批次挂职锻炼。"

# Groups of the on-duty batch, by the counties their hosts lie in.
GROUPS = (
    ("第一组（浔阳区、濂溪区）", ("浔阳区", "濂溪区")),
    ("第二组（柴桑县、湖口县）", ("柴桑县", "湖口县")),
)
# (topic, day, start, hours, place, description)
TRAINING = (
    (
        "岗前培训动员会",
        dt.date(2026, 2, 25),
        dt.time(9, 0),
        2.5,
        "市委组织部三楼会议室",
        "部领导作动员讲话，宣讲挂职纪律、管理办法和考核要求。",
    ),
    (
        "乡村振兴与基层治理专题辅导",
        dt.date(2026, 2, 25),
        dt.time(14, 30),
        3,
        "市委党校报告厅",
        "政策要点解读和基层工作案例教学。",
    ),
    (
        "挂职地区情况介绍及交流座谈",
        dt.date(2026, 2, 26),
        dt.time(9, 0),
        3,
        "市委党校第二教室",
        "各县（区）组织部介绍县情和接收单位情况，历届挂职干部代表交流经验。",
    ),
)


@dataclass
class ProgrammeDemoResult:
    on_duty: Batch
    recruiting: Batch
    leader_group: Group  # the group the demo group leader leads
    # What the account table says after the username, where the programmes add to the unit.
    account_notes: dict[str, str] = field(default_factory=dict)


@transaction.atomic
def programmes_demo_load(city: DemoResult, *, seed: int = DEMO_SEED) -> ProgrammeDemoResult:
    """Both demo batches, on the demo city that `guazhi.orgs.demo.demo_load` returned."""
    cast = _Cast(city)
    on_duty = _on_duty_batch(cast, seed)
    recruiting = _recruiting_batch(cast, seed)
    leader_group = Group.objects.get(batch=on_duty, leader__cadre=cast.profiles[GROUP_LEADER])
    refresh_planner_statistics()
    return ProgrammeDemoResult(
        on_duty=on_duty,
        recruiting=recruiting,
        leader_group=leader_group,
        account_notes={
            GROUP_LEADER: f"{on_duty.name} {leader_group.name}组长",
            CADRE: f"{cast.profiles[CADRE].home_unit.name} · 已报名{recruiting.name}",
        },
    )


class _Cast:
    """The demo city's people and units, by the names the demo uses."""

    def __init__(self, city: DemoResult) -> None:
        self.city = city
        self.users: dict[str, User] = {account.username: user for account, user in city.accounts}
        self.profiles: dict[str, CadreProfile] = {
            account.username: city.cadres[account.profile_index]
            for account, _user in city.accounts
            if account.profile_index is not None
        }
        self.coordinator = self.users["coordinator"]

    def unit(self, name: str) -> Organisation:
        return self.city.units[name]


# The steps ------------------------------------------------------------------------------------


def _batch(cast: _Cast, name: str, term: tuple[dt.date, dt.date]) -> Batch:
    """A batch of the city's organisation department, sent by every dispatching unit of the
    demo, with the conditions and rules most local measures set."""
    return batch_create(
        actor=cast.coordinator,
        dispatching_orgs=cast.city.dispatching_units,
        name=name,
        coordinating_org=cast.unit(COORDINATING_ORG),
        direction=Direction.DOWN,
        term_start=term[0],
        term_end=term[1],
        max_age=50,
        min_education="大学本科",
        max_choices=3,
        min_women=3,
    )


def _posts(cast: _Cast, batch: Batch, table: Sequence[DemoPost]) -> dict[tuple[str, str], Post]:
    """The posts of `table`, by (title, host unit name)."""
    posts = {}
    for row in table:
        posts[(row.title, row.host)] = post_create(
            actor=cast.coordinator,
            batch=batch,
            host_unit=cast.unit(row.host),
            title=row.title,
            portfolio=row.portfolio,
            duties=row.duties,
            required_tags=list(row.required),
            preferred_tags=list(row.preferred),
            capacity=row.capacity,
            rank=row.rank,
            leadership=row.leadership,
            location=row.host,
        )
    return posts


def _move(cast: _Cast, batch: Batch, to_state: str, reason: str) -> Batch:
    return batch_transition(actor=cast.coordinator, batch=batch, to_state=to_state, reason=reason)


def _call_publish(cast: _Cast, batch: Batch, deadline: dt.datetime) -> None:
    """Write and publish the batch's notice with `deadline`.

    notice_save wants the deadline ahead of now and before the term starts. A call that closed
    before a term already under way (the on-duty batch's) cannot be recorded today by any
    service, since each stamps and checks "now"; so the term start is moved, through
    batch_update, to the day after the deadline while the notice is saved, then put back.
    Both corrections are audited and stand on the batch's timeline as edits of the term: every
    row stays one a service wrote and accepted.
    """
    term = (batch.term_start, batch.term_end)
    day_after = timezone.localtime(deadline).date() + dt.timedelta(days=1)
    provisional = day_after > batch.term_start
    if provisional:
        batch = batch_update(
            actor=cast.coordinator,
            batch=batch,
            term_start=day_after,
            term_end=max(batch.term_end, day_after + dt.timedelta(days=1)),
        )
    start = term[0]
    notice_save(
        actor=cast.coordinator,
        batch=batch,
        title=f"关于选派{batch.name}的通知",
        body="\n".join(
            (
                "各派出单位：",
                f"为深入实施乡村振兴战略，加强干部实践锻炼，经市委同意，决定选派{batch.name}"
                f"到县（区）乡镇（街道）、社区和县直部门挂职锻炼，挂职期限一年，"
                f"自{start.year}年{start.month}月{start.day}日起。现将有关事项通知如下。",
                "一、报名条件：政治素质好，年龄一般不超过50周岁，大学本科及以上学历，"
                "身体健康，目前不在其他批次挂职。",
                "二、报名方式：符合条件的干部按照自愿原则登录系统报名，可填报3个岗位志愿；"
                "各派出单位可推荐优秀干部，被推荐人确认后参加匹配。",
                "三、选派程序：人岗匹配、组织考察、研究决定、公示（5个工作日）后办理挂职手续，"
                "并统一组织岗前培训。",
            )
        ),
        deadline=deadline,
    )
    notice_publish(actor=cast.coordinator, batch=batch)
    if provisional:
        batch_update(actor=cast.coordinator, batch=batch, term_start=term[0], term_end=term[1])


def _chosen(
    posts: dict[tuple[str, str], Post], keys: Sequence[tuple[str, str]]
) -> list[int | None]:
    return [posts[key].pk for key in keys]


def _draw(
    cast: _Cast, rng: random.Random, count: int, leave_out: Sequence[CadreProfile]
) -> list[CadreProfile]:
    """`count` demo cadres, the same ones for the same generator, in roster order."""
    skipped = {profile.pk for profile in leave_out}
    pool = [profile for profile in cast.city.cadres if profile.pk not in skipped]
    drawn = {profile.pk for profile in rng.sample(pool, min(count, len(pool)))}
    return [profile for profile in pool if profile.pk in drawn]


def _run(cast: _Cast, batch: Batch, mode: str, seed: int, note: str) -> MatchingRun:
    """Start a run and compute it through its own job: a page would leave the job to a worker
    after commit, the demo runs it at once (the task the commit then queues finds it done)."""
    run = run_start(
        actor=cast.coordinator,
        batch=batch,
        mode=mode,
        weights=default_weights(),
        seed=seed,
        note=note,
    )
    job_run(str(run.job_id))
    run.refresh_from_db()
    if run.state != RunState.DONE:
        raise RuntimeError(f"demo matching run {run.number} did not finish: {run.error}")
    return run


def _rank_key(assignment: Assignment) -> tuple[int, str]:
    """Senior first, then by pinyin: who leads a group when nobody was named beforehand."""
    return (-RANK_ORDER.get(assignment.cadre.rank, 0), assignment.cadre.name_pinyin)


# The batch on duty ----------------------------------------------------------------------------


def _on_duty_batch(cast: _Cast, seed: int) -> Batch:
    """The tenth batch: called, matched, vetted, publicised, approved, trained, on duty."""
    leader = cast.profiles[GROUP_LEADER]
    batch = _batch(cast, ON_DUTY_NAME, ON_DUTY_TERM)
    posts = _posts(cast, batch, ON_DUTY_POSTS)
    batch = _move(cast, batch, BatchState.RECRUITING, "岗位需求经各接收单位确认，开始报名。")
    # The call closed long ago; what a service can record today is a deadline just ahead.
    _call_publish(cast, batch, timezone.now() + dt.timedelta(minutes=10))
    application_submit(
        actor=cast.users[GROUP_LEADER],
        batch=batch,
        choices=_chosen(posts, GROUP_LEADER_CHOICES),
        statement=GROUP_LEADER_STATEMENT,
    )
    # The demo cadre stays out of this batch: she applies to the next one (only those not on
    # secondment may apply there).
    rng = random.Random(seed + 10)
    applicants = _draw(cast, rng, ON_DUTY_APPLICANTS, [leader, cast.profiles[CADRE]])
    demo_call(coordinator=cast.coordinator, batch=batch, cadres=applicants, seed=seed + 11)
    assistant = posts[("镇长助理", "白鹿镇")]
    wanted = set(assistant.preferred_tags)
    candidates = sorted(
        Application.objects.filter(batch=batch, choices__post=assistant).select_related("cadre"),
        key=lambda a: (-len(wanted & set(a.cadre.expertise)), a.cadre.name_pinyin),
    )
    host_preferences_set(
        actor=cast.users[HOST_LEADER],
        post=assistant,
        ranking=[application.cadre_id for application in candidates[:3]],
    )

    batch = _move(cast, batch, BatchState.MATCHING, "报名截止，进入人岗匹配。")
    # She is to lead a group: the coordinator pins her to her first choice before matching.
    pinned_title, pinned_host = GROUP_LEADER_CHOICES[0]
    run_pairs_set(
        actor=cast.coordinator,
        batch=batch,
        pins=[(leader.pk, posts[GROUP_LEADER_CHOICES[0]].pk)],
        forbids=[],
        note=f"经研究，{leader.name}同志拟担任小组组长，指定到{pinned_host}{pinned_title}岗位。",
    )
    adopted = _run(cast, batch, RunMode.OPTIMAL, seed + 101, "按默认权重计算。")
    _run(cast, batch, RunMode.STABLE, seed + 102, "稳定匹配方式，供对比。")
    run_adopt(actor=cast.coordinator, run=adopted)
    selection_step_record(
        actor=cast.coordinator,
        batch=batch,
        kind=SelectionStepKind.VETTING,
        held_on=VETTING_ON,
        note="考察组通过个别谈话、查阅档案和征求纪检监察机关意见，对拟任人选逐一进行了考察。",
    )
    selection_step_record(
        actor=cast.coordinator,
        batch=batch,
        kind=SelectionStepKind.DECISION,
        held_on=DECISION_ON,
        note="市委组织部部务会研究同意。",
    )
    batch = _move(cast, batch, BatchState.PUBLICITY, "考察和研究决定已完成，进入公示。")
    publicity = publicity_start(actor=cast.coordinator, batch=batch, starts_on=PUBLICITY_FROM)
    about = (
        Assignment.objects.filter(batch=batch, state=AssignmentState.PROPOSED)
        .exclude(cadre=leader)
        .select_related("cadre")
        .order_by("cadre__name_pinyin")
        .first()
    )
    objection = objection_record(
        actor=cast.coordinator,
        publicity=publicity,
        received_on=OBJECTION_ON,
        channel=ObjectionChannel.PHONE,
        content="反映该同志在原单位工作中存在推诿现象。",
        assignment=about,
    )
    objection_resolve(
        actor=cast.coordinator,
        objection=objection,
        resolution="经向原单位党组织和同事核实，所反映问题不属实。",
        upheld=False,
    )
    # Approval is stamped now by the service; the period above ended long before.
    publicity_approve(actor=cast.coordinator, batch=batch, note="异议经核查不属实，同意。")
    batch = _move(cast, batch, BatchState.TRAINING, "公示结果已审批，进入岗前培训。")

    people = list(
        Assignment.objects.filter(batch=batch, state=AssignmentState.APPROVED)
        .select_related("cadre", "host_unit")
        .order_by("cadre__name_pinyin", "id")
    )
    _groups(cast, batch, people)
    _training(cast, batch, people)
    for person in people:
        # The host leader of 白鹿镇 records their own arrivals; the department the others.
        at_bailu = person.host_unit.name == "白鹿镇"
        assignment_report_duty(
            actor=cast.users[HOST_LEADER] if at_bailu else cast.coordinator,
            assignment=person,
            start_date=REPORTED_ON,
            party_transfer_on=PARTY_TRANSFER_ON,
            party_transfer_note="党组织关系已转入接收单位党组织。",
        )
    return _move(cast, batch, BatchState.ACTIVE, "挂职干部已全部到岗，进入在岗管理。")


def _groups(cast: _Cast, batch: Batch, people: list[Assignment]) -> None:
    """One group per pair of counties; the demo group leader leads hers, the most senior
    member (then by pinyin) the other; the next most senior is deputy."""
    for name, counties in GROUPS:
        members = [person for person in people if person.host_unit.region_name in counties]
        if not members:
            continue
        ordered = sorted(members, key=_rank_key)
        leader = next(
            (p for p in members if p.cadre_id == cast.profiles[GROUP_LEADER].pk), ordered[0]
        )
        others = [p for p in ordered if p.pk != leader.pk]
        group_create(
            actor=cast.coordinator,
            batch=batch,
            name=name,
            members=members,
            leader=leader,
            deputy=others[0] if others else None,
        )


def _training(cast: _Cast, batch: Batch, people: list[Assignment]) -> None:
    """Three sessions the week before the term: everyone present, but in the second session
    two people excused (on duty at home), in the third one on sick leave."""
    excused = {1: {3: "因公请假", 11: "因公请假"}, 2: {7: "病假"}}
    for number, (topic, day, start, hours, place, description) in enumerate(TRAINING):
        starts = timezone.make_aware(dt.datetime.combine(day, start))
        session = training_session_create(
            actor=cast.coordinator,
            batch=batch,
            topic=topic,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            place=place,
            description=description,
        )
        away = excused.get(number, {})
        training_attendance_record(
            actor=cast.coordinator,
            session=session,
            entries=[
                AttendanceEntry(
                    person.pk,
                    AttendanceStatus.EXCUSED if index in away else AttendanceStatus.PRESENT,
                    away.get(index, ""),
                )
                for index, person in enumerate(people)
            ],
        )


# The batch being recruited --------------------------------------------------------------------


def _recruiting_batch(cast: _Cast, seed: int) -> Batch:
    """The eleventh batch: posts, the call open for CALL_DAYS, applications (the demo cadre's
    among them), two recommendations waiting for their cadres' answer."""
    batch = _batch(cast, RECRUITING_NAME, RECRUITING_TERM)
    posts = _posts(cast, batch, RECRUITING_POSTS)
    batch = _move(cast, batch, BatchState.RECRUITING, "岗位需求经各接收单位确认，开始报名。")
    closes_on = timezone.localdate() + dt.timedelta(days=CALL_DAYS)
    _call_publish(cast, batch, timezone.make_aware(dt.datetime.combine(closes_on, dt.time(17, 30))))
    wang = cast.profiles[CADRE]
    application_submit(
        actor=cast.users[CADRE],
        batch=batch,
        choices=_chosen(posts, CADRE_CHOICES),
        statement=CADRE_STATEMENT,
    )
    recommended = []
    for username, unit_name in RECOMMENDERS:
        profile = next(
            profile
            for profile in cast.city.cadres
            if profile.home_unit.name == unit_name
            and profile.pk not in {p.pk for p in cast.profiles.values()}
            and not eligibility_of(batch, profile)
        )
        recommendation_create(
            actor=cast.users[username], batch=batch, cadre=profile, comment=RECOMMENDATION_COMMENT
        )
        recommended.append(profile)
    rng = random.Random(seed + 20)
    applicants = _draw(cast, rng, RECRUITING_APPLICANTS, [wang, *recommended])
    demo_call(coordinator=cast.coordinator, batch=batch, cadres=applicants, seed=seed + 21)
    return batch


def demo_summary(result: ProgrammeDemoResult) -> list[str]:
    """One line per demo batch with its figures, as `guazhi demo_data` prints them."""
    lines = []
    for batch in (result.on_duty, result.recruiting):
        applications = Application.objects.filter(batch=batch, state=ApplicationState.SUBMITTED)
        figures = [
            f"{Post.objects.filter(batch=batch).count()} 个岗位",
            f"{applications.count()} 人报名",
        ]
        waiting = batch.recommendations.exclude(cadre__in=applications.values("cadre")).filter(
            declined_at=None
        )
        if waiting.exists():
            figures.append(f"{waiting.count()} 人获推荐待确认")
        on_duty = Assignment.objects.filter(batch=batch, state=AssignmentState.ACTIVE).count()
        if on_duty:
            figures.append(f"在岗 {on_duty} 人")
        groups = Group.objects.filter(batch=batch).count()
        if groups:
            figures.append(f"{groups} 个小组")
        if batch.state == BatchState.RECRUITING:
            deadline = timezone.localtime(batch.notice.deadline)
            figures.append(f"报名截止 {deadline:%Y-%m-%d %H:%M}")
        lines.append(f"{batch.name}（{batch.get_state_display()}）：{'，'.join(figures)}")
    return lines
