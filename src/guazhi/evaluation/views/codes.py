"""The democratic evaluation (民主测评) pages: the coordinator's round page (codes issued, used and
voided per person, ballots, results when they may be shown), issuing and voiding codes, the
printable sheet of slips, and the public code form a host colleague rates through.

The code form needs no account and shows no menu: a colleague types the code from the slip on a
phone and rates one person. The code travels in the POST body only, never in an address, so no
access log holds it; nothing about the visitor is stored with the ballot (services.codes). Wrong
codes are counted per address in the cache, and after too many the form stops answering for a
while: codes are too many to guess, and the count makes trying pointless.
"""

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from guazhi.core.context import client_ip
from guazhi.core.errors import InvalidTransition, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.rendering import render_page
from guazhi.evaluation.exports_democratic import band_label, hidden_text
from guazhi.evaluation.forms.ratings import CodeForm, IssueForm, ScoresForm, VoidCodeForm
from guazhi.evaluation.models import BallotCode, RoundState
from guazhi.evaluation.selectors import ratings as selectors
from guazhi.evaluation.selectors.ratings import BANDS
from guazhi.evaluation.selectors.rounds import self_assessment_shown
from guazhi.evaluation.selectors.scope import access_round
from guazhi.evaluation.services import codes as services
from guazhi.evaluation.services.codes import CodeRefused, format_code
from guazhi.evaluation.services.ratings import democratic_open, round_criteria
from guazhi.orgs.access import acting_user, public, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.views.common import act, render_batch_page

# Wrong codes allowed from one address in a window. A meeting room behind one router shares an
# address, and people mistype: generous, yet a guesser gets nowhere (about 10^12 codes).
GUESS_LIMIT = 30
GUESS_WINDOW_SECONDS = 15 * 60


def _round_page(request: HttpRequest, round_pk: int, **extra: object) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    overview = selectors.democratic_overview(actor=actor, round=round)
    evaluees = [row.evaluee for row in overview.rows]
    context: dict[str, object] = {
        "round": round,
        "overview": overview,
        "issue_form": IssueForm(evaluees=evaluees),
        "void_form": VoidCodeForm(),
        "democratic": democratic_open(round),
        "can_issue": round.state in services.ISSUE_STATES,
        "accepting": round.state == RoundState.OPEN,
        "hidden_text": lambda ballots: hidden_text(overview, ballots),
        "band_labels": [band_label(index) for index in range(len(BANDS))],
        "code_entry_url": request.build_absolute_uri(reverse("evaluation:code_entry")),
        **extra,
    }
    return render_batch_page(request, "evaluation/code_round.html", round.batch, context)


@roles_required(Role.COORDINATOR)
def democratic_round(request: HttpRequest, round_pk: int) -> HttpResponse:
    return _round_page(request, round_pk)


@roles_required(Role.COORDINATOR)
@require_POST
def code_issue(request: HttpRequest, round_pk: int) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    evaluees = selectors.round_evaluees(actor=actor, round=round)
    form = IssueForm(request.POST, evaluees=evaluees)
    if not form.is_valid():
        return _round_page(request, round_pk, issue_form=form)
    chosen = form.cleaned_data["evaluee"]
    evaluee = (
        selectors.access_round_evaluee(actor=actor, round=round, pk=chosen) if chosen else None
    )
    try:
        codes = services.code_issue(
            actor=actor, round=round, count=form.cleaned_data["count"], evaluee=evaluee
        )
    except (ValidationFailed, InvalidTransition) as refusal:
        form.add_error(None, str(refusal.message))
        return _round_page(request, round_pk, issue_form=form)
    messages.success(
        request,
        ngettext("已发放 %(n)s 个测评码。", "已发放 %(n)s 个测评码。", len(codes))
        % {"n": len(codes)},
    )
    passed_over = len(evaluees) - len({code.evaluee_id for code in codes})
    if evaluee is None and passed_over:
        messages.info(
            request,
            gettext("%(n)s 人的民主测评得分已在评分截止时计算，不再向其发放测评码。")
            % {"n": passed_over},
        )
    sheet = reverse("evaluation:code_sheet", kwargs={"round_pk": round.pk})
    return redirect(f"{sheet}?evaluee={evaluee.pk}" if evaluee is not None else sheet)


@roles_required(Role.COORDINATOR)
@require_POST
def code_void(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Void one code (its text posted) or every unused code of a person (evaluee=pk) or of the
    round (evaluee=all)."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    if "code" in request.POST:
        form = VoidCodeForm(request.POST)
        if not form.is_valid():
            return _round_page(request, round_pk, void_form=form)
        try:
            services.code_void(actor=actor, round=round, code=form.cleaned_data["code"])
        except ValidationFailed as refusal:
            form.add_error("code", str(refusal.message))
            return _round_page(request, round_pk, void_form=form)
        messages.success(request, gettext("测评码已作废。"))
        return redirect("evaluation:democratic_round", round_pk=round.pk)
    target = request.POST.get("evaluee", "")
    evaluee = (
        None
        if target == "all"
        else selectors.access_round_evaluee(actor=actor, round=round, pk=target)
    )
    act(
        request,
        lambda count: (
            ngettext("已作废 %(n)s 个未使用的测评码。", "已作废 %(n)s 个未使用的测评码。", count)
            % {"n": count}
        ),
        services.code_void_unused,
        actor=actor,
        round=round,
        evaluee=evaluee,
    )
    return redirect("evaluation:democratic_round", round_pk=round.pk)


@roles_required(Role.COORDINATOR)
def code_sheet(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The unused codes as slips to print and cut (?evaluee=pk for one person's)."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    chosen = request.GET.get("evaluee")
    evaluee = (
        selectors.access_round_evaluee(actor=actor, round=round, pk=chosen) if chosen else None
    )
    codes = selectors.unused_codes(actor=actor, round=round, evaluee=evaluee)
    return render_batch_page(
        request,
        "evaluation/code_sheet.html",
        round.batch,
        {
            "round": round,
            "evaluee": evaluee,
            "slips": [(code, format_code(code.code)) for code in codes],
            "code_entry_url": request.build_absolute_uri(reverse("evaluation:code_entry")),
        },
    )


# --- the public code form --------------------------------------------------------------------


def _guess_key(request: HttpRequest) -> str:
    return f"evaluation:code-guesses:{client_ip(request) or 'unknown'}"


def _locked_out(request: HttpRequest) -> bool:
    return int(cache.get(_guess_key(request), 0)) >= GUESS_LIMIT


def _count_wrong_guess(request: HttpRequest) -> None:
    key = _guess_key(request)
    if not cache.add(key, 1, GUESS_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, GUESS_WINDOW_SECONDS)


def _entry_page(
    request: HttpRequest, context: dict[str, object], *, status: int = 200
) -> HttpResponse:
    # No menu: a colleague with a code sees the form and nothing else of the system.
    response = render_page(
        request, "evaluation/code_entry.html", {"nav": (), **context}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def _code_step(
    request: HttpRequest, form: CodeForm | None = None, *, status: int = 200
) -> HttpResponse:
    return _entry_page(request, {"step": "code", "form": form or CodeForm()}, status=status)


def _refused(request: HttpRequest) -> HttpResponse:
    _count_wrong_guess(request)
    form = CodeForm(request.POST)
    form.is_valid()
    form.add_error("code", str(CodeRefused().message))
    return _code_step(request, form)


def _locked(request: HttpRequest) -> HttpResponse:
    return _entry_page(
        request,
        {
            "step": "locked",
            "minutes": GUESS_WINDOW_SECONDS // 60,
        },
        status=429,
    )


def _ballot_step(
    request: HttpRequest, found: BallotCode, code: str, form: ScoresForm | None = None
) -> HttpResponse:
    criteria = round_criteria(found.round)
    return _entry_page(
        request,
        {
            "step": "ballot",
            "found": found,
            "evaluee": found.evaluee,
            "self_assessment": self_assessment_shown(found.evaluee),
            "code": code,
            "form": form or ScoresForm(criteria=criteria),
        },
    )


@public
@never_cache
def code_entry(request: HttpRequest) -> HttpResponse:
    """Step 1: the code (POST step=code) → step 2: the person's form with the code carried in a
    hidden field (POST step=ballot) → thanks (GET ?done=1). Any refusal of the code, at either
    step, is the one CodeRefused message."""
    if request.method != "POST":
        if request.GET.get("done"):
            return _entry_page(request, {"step": "done"})
        return _code_step(request)
    if _locked_out(request):
        return _locked(request)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _code_step(request, form)
    code = form.cleaned_data["code"]
    today = timezone.localdate()
    try:
        found = services.code_usable(code=code, today=today)
    except CodeRefused:
        return _refused(request)
    if request.POST.get("step") != "ballot":
        return _ballot_step(request, found, code)
    scores_form = ScoresForm(request.POST, criteria=round_criteria(found.round))
    if not scores_form.is_valid():
        return _ballot_step(request, found, code, scores_form)
    try:
        services.ballot_submit_code(
            code=code,
            scores=scores_form.scores(),
            comment=scores_form.cleaned_data["comment"],
            today=today,
        )
    except CodeRefused:
        return _refused(request)
    except ValidationFailed as refusal:
        show_service_errors(scores_form, refusal)
        return _ballot_step(request, found, code, scores_form)
    return redirect(f"{reverse('evaluation:code_entry')}?done=1")
