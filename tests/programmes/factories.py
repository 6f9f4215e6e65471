"""Programme data for tests: batches with posts, a published call, applications, assignments."""

import datetime as dt

import factory
from django.utils import timezone

from guazhi.programmes.models import (
    Application,
    ApplicationChoice,
    ApplicationState,
    Assignment,
    AssignmentState,
    Batch,
    Notice,
    Post,
)


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"2027年第{n}批挂职干部")
    direction = "down"
    term_start = dt.date(2027, 3, 1)
    term_end = dt.date(2028, 2, 29)
    state = "recruiting"

    @factory.post_generation
    def dispatching(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if extracted:
            obj.dispatching_orgs.set(extracted)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = "党委副书记"
    portfolio = "招商引资"
    duties = "协助做好招商引资和产业发展工作"
    capacity = 1
    rank = "副科级"
    required_tags = factory.LazyFunction(list)
    preferred_tags = factory.LazyFunction(lambda: ["招商引资"])


def publish_notice(batch: Batch, *, days_open: int = 30) -> Notice:
    return Notice.objects.create(
        batch=batch,
        title=f"关于选派{batch.name}的通知",
        body="请符合条件的干部自愿报名。",
        deadline=timezone.now() + dt.timedelta(days=days_open),
        published_at=timezone.now(),
    )


def apply(batch: Batch, cadre, posts: list[Post], statement: str = "") -> Application:  # type: ignore[no-untyped-def]
    application = Application.objects.create(
        batch=batch,
        cadre=cadre,
        statement=statement,
        state=ApplicationState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for rank, post in enumerate(posts, start=1):
        ApplicationChoice.objects.create(application=application, post=post, rank=rank)
    return application


def assign(post: Post, cadre, state: str = AssignmentState.PROPOSED, **fields) -> Assignment:  # type: ignore[no-untyped-def]
    return Assignment.objects.create(
        batch=post.batch,
        cadre=cadre,
        post=post,
        host_unit=post.host_unit,
        home_unit=cadre.home_unit,
        state=state,
        end_date=post.batch.term_end,
        **fields,
    )
