"""Organisations (a tree), accounts, cadre profiles with their avoidance relatives, and roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.orgs import vocab


class User(AbstractUser):
    """An account. Custom from the first migration so fields can be added without pain."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Bumped whenever this account's grants, or the paths of the units they cover, change:
    # the cached scopes of every app server are keyed by it, so none of them serves stale rights.
    roles_version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "roles_version"])

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username


class OrgKind(models.TextChoices):
    PARTY_GOVERNMENT = "party_government", _("党政机关")
    PARTY_SCHOOL = "party_school", _("党校")
    UNIVERSITY = "university", _("高校")
    STATE_ENTERPRISE = "state_enterprise", _("国企")
    COUNTY = "county", _("县区")
    TOWNSHIP = "township", _("乡镇")
    SUBDISTRICT = "subdistrict", _("街道")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    ORGANISATION_DEPARTMENT = "organisation_department", _("组织部门")
    OTHER = "other", _("其他")


class OrgLevel(models.TextChoices):
    """Administrative level of the unit (行政级别)."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡级")
    VILLAGE = "village", _("村级")


class Organisation(TimeStampedModel):
    """A unit in the tree. `path` is the chain of ids ("1.5.12.") so a subtree is one prefix."""

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=32, choices=OrgKind)
    level = models.CharField(_("行政级别"), max_length=16, choices=OrgLevel)
    region_name = models.CharField(_("行政区划名称"), max_length=50, blank=True)
    region_code = models.CharField(_("行政区划代码"), max_length=6, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    name_pinyin = models.CharField(max_length=400, db_index=True, editable=False, default="")
    name_initials = models.CharField(max_length=100, db_index=True, editable=False, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_for(parent: "Organisation | None", pk: int) -> str:
        """The path a unit with this pk has under `parent`: the one rule of the tree."""
        return f"{parent.path if parent else ''}{pk}."

    @staticmethod
    def ids_on(path: str) -> list[int]:
        """The ids a path names, root first ("1.5.12." -> [1, 5, 12]): the unit and its ancestors."""
        return [int(part) for part in path.split(".") if part]

    @property
    def depth(self) -> int:
        return self.path.count(".") - 1

    def is_within(self, ancestor: "Organisation") -> bool:
        return self.path.startswith(ancestor.path)


class CadreProfile(TimeStampedModel):
    """A cadre's personnel record (干部信息). The account is optional: rosters come first."""

    user = models.OneToOneField(
        User,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre_profile",
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(max_length=300, db_index=True, editable=False, default="")
    name_initials = models.CharField(max_length=50, db_index=True, editable=False, default="")
    gender = models.CharField(_("性别"), max_length=2, choices=vocab.Gender)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=16, default="汉族")
    political_status = models.CharField(_("政治面貌"), max_length=16, choices=vocab.PoliticalStatus)
    education = models.CharField(_("学历"), max_length=16, choices=vocab.Education)
    degree = models.CharField(_("学位"), max_length=8, choices=vocab.Degree, default="无")
    professional_title = models.CharField(_("职称"), max_length=50, blank=True)
    staff_type = models.CharField(_("人员类别"), max_length=8, choices=vocab.StaffType)
    home_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("派出单位（工作单位）"),
        on_delete=models.PROTECT,
        related_name="cadres",
    )
    position = models.CharField(_("职务"), max_length=100, blank=True)
    rank = models.CharField(_("职级"), max_length=8, choices=vocab.Rank)
    current_post_since = models.DateField(_("任现职时间"), null=True, blank=True)
    # Years of service decide the annual-leave entitlement (5 / 10 / 15 days after 1 / 10 / 20).
    work_started_on = models.DateField(_("参加工作时间"), null=True, blank=True)
    native_place = models.CharField(_("籍贯"), max_length=50, blank=True)
    native_region_code = models.CharField(_("籍贯行政区划代码"), max_length=6, blank=True)
    expertise = models.JSONField(_("专业特长"), default=list, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["name_pinyin", "id"]
        indexes = [models.Index(fields=["home_unit", "name_pinyin"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_woman(self) -> bool:
        return self.gender == vocab.Gender.FEMALE

    @property
    def is_ethnic_minority(self) -> bool:
        return self.ethnicity != "汉族"

    @property
    def is_non_party(self) -> bool:
        return self.political_status not in vocab.PoliticalStatus.party_members()


class CadreRelative(models.Model):
    """A relative who counts for avoidance (回避关系): no posting where they work."""

    profile = models.ForeignKey(
        CadreProfile, on_delete=models.CASCADE, related_name="relatives", verbose_name=_("干部")
    )
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("关系"), max_length=20)
    unit_name = models.CharField(_("工作单位"), max_length=100)
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("工作单位（系统内）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COORDINATOR = "coordinator", _("组织部门")
    DISPATCH_ADMIN = "dispatch_admin", _("派出单位管理员")
    HOST_LEADER = "host_leader", _("接收单位领导")
    GROUP_LEADER = "group_leader", _("组长")
    CADRE = "cadre", _("挂职干部")


class RoleAssignment(TimeStampedModel):
    """A role held over an organisation subtree. The programmes app adds the batch scope."""

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    # A grant limited to one batch (a group leader leads one batch's group); blank for all.
    batch = models.ForeignKey(
        "programmes.Batch",
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("授权人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model", "角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(batch__isnull=True),
                name="role_unique_per_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "batch"],
                condition=models.Q(batch__isnull=False),
                name="role_unique_per_batch_scope",
            ),
        ]

    def __str__(self) -> str:
        scope = f"{self.organisation} · {self.batch}" if self.batch_id else str(self.organisation)
        return f"{self.user} · {self.get_role_display()} · {scope}"
