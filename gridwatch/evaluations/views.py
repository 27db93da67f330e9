"""Pages of democratic evaluation (民主测评, R8) and the dual evaluation (双向考评, R17).

Staff pages reach a campaign through ``selectors.evaluations_for`` (jurisdiction: 404 outside it); what a
user may do there is ``workflow.available_actions`` (403 otherwise). The ballot page and the results page
are public. A ballot code travels only in POST bodies (a QR code carries it after ``#``, which browsers
never send), and pages that show codes are ``no-store``."""

import uuid

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from gridwatch.accounts.jurisdiction import has_role
from gridwatch.audit.services import audit_log
from gridwatch.core.errors import DomainError, NotPermitted
from gridwatch.core.pagination import CappedPaginator, paginate
from gridwatch.core.permissions import public, roles
from gridwatch.core.scoping import get_for_user_or_404
from gridwatch.core.xlsx import FileProblem
from gridwatch.geography.models import Area, Level
from gridwatch.people.models import Cadre

from . import codes, excel, selectors, services, workflow
from .models import (
    SCALE_OPTIONS,
    Dimension,
    DualEvaluation,
    Formula,
    GroupKind,
    Option,
    PaperBallot,
    Scale,
    Status,
    UnitGrade,
)
from .roles import DUAL_READERS, GRADERS, MANAGERS, PUBLISHERS, READERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _no_store(response):
    add_never_cache_headers(response)
    return response


def _evaluation_for(request, pk):
    return get_for_user_or_404(selectors.evaluations_for(request.user), request.user, pk=pk)


def _require(request, evaluation, action):
    if action not in workflow.available_actions(evaluation, request.user):
        raise PermissionDenied


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ballot_rows(evaluation, cadres, options, prefix="c"):
    """The questions of a ballot: for each cadre, each dimension with its radio name."""
    return [
        {
            "cadre": cadre,
            "questions": [
                {"dimension": value, "label": label, "name": f"{prefix}-{cadre.pk}-{value}"}
                for value, label in Dimension.choices
            ],
        }
        for cadre in cadres
    ]


def _choices_from(post, cadres, prefix="c"):
    return {str(c.pk): {d: post.get(f"{prefix}-{c.pk}-{d}", "") for d in Dimension.values} for c in cadres}


def _option_choices(evaluation, *, paper=False):
    extra = [Option.UNKNOWN] + ([Option.INVALID] if paper else [])
    return [(o.value, o.label) for o in [*SCALE_OPTIONS[evaluation.scale], *extra]]


# ------------------------------------------------------------------------------------------ staff pages


@require_http_methods(["GET"])
@roles(*READERS)
def evaluation_list(request):
    year = _int(request.GET.get("year"))
    page = paginate(
        request, selectors.evaluation_list(user=request.user, year=year), settings.GRIDWATCH_PAGE_SIZE
    )
    context = {
        "page": page,
        "year": year,
        "may_create": has_role(request.user, *MANAGERS),
        "may_grade": has_role(request.user, *GRADERS),
        "may_dual": has_role(request.user, *DUAL_READERS),
    }
    return render(request, "evaluations/evaluation_list.html", context)


def _managed_communities(user):
    """The communities under an area where ``user`` holds a manager role (two queries)."""
    from gridwatch.accounts.models import RoleAssignment

    paths = list(
        RoleAssignment.objects.filter(user=user, role__in=list(MANAGERS), area__isnull=False).values_list(
            "area__path", flat=True
        )
    )
    communities = Area.objects.for_user(user).filter(level=Level.COMMUNITY).select_related("parent")
    return [a for a in communities.order_by("path")[:2000] if any(a.path.startswith(p) for p in paths)]


@require_http_methods(["GET", "POST"])
@roles(*MANAGERS)
def evaluation_new(request):
    """Step 1 chooses the community (skipped when the user manages one); step 2 the rest."""
    communities = _managed_communities(request.user)
    code = request.POST.get("community") or request.GET.get("community")
    if code is None and len(communities) == 1:
        code = communities[0].code
    community = next((c for c in communities if c.code == code), None)
    if community is None:
        if code:
            raise Http404
        return render(request, "evaluations/evaluation_pick.html", {"communities": communities})
    eligible = list(selectors.eligible_cadres(community))
    today = timezone.localdate()
    values = {
        "year": today.year,
        "title": _("%(year)s democratic evaluation of cadres") % {"year": today.year},
        "scale": Scale.SATISFACTION,
        "formula": settings.GRIDWATCH_EVALUATION_FORMULA,
        "cadres": {str(c.pk) for c in eligible},
        "groups": {k: {"on": True, "weight": "1", "expected": "20"} for k in GroupKind.values},
    }
    error, status = None, 200
    if request.method == "POST":
        values.update(
            year=_int(request.POST.get("year")),
            title=request.POST.get("title", ""),
            scale=request.POST.get("scale", ""),
            formula=request.POST.get("formula", ""),
            cadres=set(request.POST.getlist("cadres")),
            groups={
                k: {
                    "on": request.POST.get(f"g-{k}") == "on",
                    "weight": request.POST.get(f"w-{k}", ""),
                    "expected": request.POST.get(f"e-{k}", ""),
                }
                for k in GroupKind.values
            },
        )
        try:
            evaluation = services.evaluation_create(
                actor=request.user,
                community=community,
                year=values["year"],
                title=values["title"],
                scale=values["scale"],
                formula=values["formula"],
                cadres=[c for c in eligible if str(c.pk) in values["cadres"]],
                groups=[
                    (k, g["weight"], _int(g["expected"])) for k, g in values["groups"].items() if g["on"]
                ],
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, _("The campaign was created. Print the ballot codes, then open it."))
            return redirect("evaluations:detail", evaluation.pk)
    context = {
        "community": community,
        "eligible": eligible,
        "values": values,
        "error": error,
        "years": [today.year - 1, today.year, today.year + 1],
        "scales": Scale.choices,
        "formulas": Formula.choices,
        "group_rows": [(kind, label, values["groups"][kind]) for kind, label in GroupKind.choices],
    }
    return render(request, "evaluations/evaluation_form.html", context, status=status)


@require_http_methods(["GET"])
@roles(*READERS)
def evaluation_detail(request, pk):
    evaluation = _evaluation_for(request, pk)
    actions = workflow.available_actions(evaluation, request.user)
    groups = selectors.campaign_groups(evaluation)
    context = {"evaluation": evaluation, "actions": actions, "groups": groups}
    if evaluation.status in (Status.CLOSED, Status.PUBLISHED):
        context["result"] = selectors.campaign_tally(evaluation, user=request.user)
    else:
        context["cadres"] = selectors.campaign_cadres(evaluation)
    if "paper" in actions:
        context["pending"] = PaperBallot.objects.filter(evaluation=evaluation).count()
    return render(request, "evaluations/evaluation_detail.html", context)


@require_POST
@roles(*MANAGERS)
def evaluation_codes(request, pk):
    """Prints a batch of codes as slips with QR codes; shown this once (the page is not stored)."""
    evaluation = _evaluation_for(request, pk)
    _require(request, evaluation, "codes")
    group = get_object_or_404(evaluation.groups.all(), pk=_int(request.POST.get("group")) or 0)
    try:
        new = services.codes_generate(
            actor=request.user, evaluation=evaluation, group=group, count=_int(request.POST.get("count"))
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluations:detail", evaluation.pk)
    ballot_url = request.build_absolute_uri(reverse("evaluations:ballot"))
    slips = [
        {"code": c, "qr": segno.make(f"{ballot_url}#{c}", error="m").svg_data_uri(scale=3, border=2)}
        for c in new
    ]
    context = {"evaluation": evaluation, "group": group, "slips": slips, "ballot_url": ballot_url}
    return _no_store(render(request, "evaluations/slips.html", context))


@require_POST
@roles(*(MANAGERS | PUBLISHERS))
def evaluation_step(request, pk, action):
    evaluation = _evaluation_for(request, pk)
    step = {
        "open": services.evaluation_open,
        "close": services.evaluation_close,
        "publish": services.evaluation_publish,
    }.get(action)
    if step is None:
        raise Http404
    _require(request, evaluation, action)
    try:
        step(actor=request.user, evaluation=evaluation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = {
            "open": _("Voting is open."),
            "close": _("Voting is closed. The results can be read here."),
            "publish": _("The results are published."),
        }
        messages.success(request, done[action])
    return redirect("evaluations:detail", evaluation.pk)


@require_http_methods(["GET", "POST"])
@roles(*MANAGERS)
def paper_entry(request, pk):
    """Two-person entry of paper ballots: one types a slip in, another confirms it against the slip."""
    evaluation = _evaluation_for(request, pk)
    _require(request, evaluation, "paper")
    cadres = selectors.campaign_cadres(evaluation)
    error, status, posted = None, 200, {}
    if request.method == "POST":
        posted = request.POST
        try:
            services.paper_enter(
                actor=request.user,
                evaluation=evaluation,
                code=request.POST.get("code", ""),
                spoilt=request.POST.get("spoilt") == "on",
                choices=_choices_from(request.POST, cadres),
            )
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            messages.success(
                request, _("The ballot was entered. Another person must now confirm it against the slip.")
            )
            return redirect("evaluations:paper", evaluation.pk)
    pending = list(selectors.pending_paper(evaluation))
    names = {str(c.pk): c.name for c in cadres}
    labels = dict(Option.choices)
    dims = dict(Dimension.choices)
    for p in pending:
        p.lines = [
            (names.get(cid, "?"), [(dims[d], labels.get(o, o)) for d, o in marks.items()])
            for cid, marks in p.choices.items()
        ]
        p.mine = p.entered_by_id == request.user.pk
    context = {
        "evaluation": evaluation,
        "rows": _ballot_rows(evaluation, cadres, None),
        "options": _option_choices(evaluation, paper=True),
        "pending": pending,
        "error": error,
        "posted": posted,
    }
    return _no_store(render(request, "evaluations/paper.html", context, status=status))


@require_POST
@roles(*MANAGERS)
def paper_decide(request, pk, paper_pk, decision):
    evaluation = _evaluation_for(request, pk)
    _require(request, evaluation, "paper")
    paper = get_object_or_404(PaperBallot, pk=paper_pk, evaluation=evaluation)
    try:
        if decision == "confirm":
            services.paper_confirm(actor=request.user, paper=paper)
            messages.success(request, _("The paper ballot was confirmed and counted."))
        elif decision == "discard":
            services.paper_discard(actor=request.user, paper=paper)
            messages.success(request, _("The paper ballot was discarded: type the slip in again."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("evaluations:paper", evaluation.pk)


# ------------------------------------------------------------------------------------------- public


@public
@require_http_methods(["GET", "POST"])
def ballot(request):
    """The ballot: the code (typed, or filled in from the QR code's ``#``), then the questions."""
    context, status = {}, 200
    if request.method == "POST":
        if codes.locked(request):
            context["error"] = _("Too many wrong codes from this connection. Please try again in 15 minutes.")
            status = 429
        else:
            row = services.code_lookup(request.POST.get("code", ""))
            if row is None:
                codes.wrong_code(request)
                context["error"] = _("This ballot code is not valid, or it has been used already.")
                context["code"] = (request.POST.get("code") or "")[:20]
            else:
                evaluation = row.evaluation
                cadres = selectors.campaign_cadres(evaluation)
                context.update(
                    evaluation=evaluation,
                    group=row.group,
                    code=codes.code_normalise(request.POST["code"]),
                    rows=_ballot_rows(evaluation, cadres, None),
                    options=_option_choices(evaluation),
                    posted=request.POST,
                )
                if request.POST.get("action") == "vote":
                    try:
                        services.ballot_cast(
                            code=context["code"], choices=_choices_from(request.POST, cadres)
                        )
                    except DomainError as exc:
                        context["error"], status = exc.message, 400
                    else:
                        return _no_store(
                            render(request, "evaluations/ballot_done.html", {"evaluation": evaluation})
                        )
    return _no_store(render(request, "evaluations/ballot.html", context, status=status))


@public
@require_http_methods(["GET"])
def public_results(request, code):
    """The published results of a community's campaigns (R8 "亮出来")."""
    community = get_object_or_404(Area.objects.select_related("parent"), code=code, level=Level.COMMUNITY)
    campaigns = list(selectors.public_evaluations(community))
    year = _int(request.GET.get("year"))
    evaluation = next((e for e in campaigns if e.year == year), campaigns[0] if campaigns else None)
    context = {
        "community": community,
        "campaigns": campaigns,
        "evaluation": evaluation,
        "result": selectors.campaign_tally(evaluation) if evaluation else None,
    }
    return render(request, "evaluations/public_results.html", context)


# ------------------------------------------------------------------------------------ dual evaluation


def _years():
    """The years the grades and the dual evaluation are kept for here, newest first: this one and the four
    before it."""
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 5, -1))


def _year(request):
    """The year asked for (the address's, else the form's) when it is one of ``_years``; otherwise last
    year, or this one in December, when the year-end assessment is made."""
    year = _int(request.GET.get("year") or request.POST.get("year"))
    today = timezone.localdate()
    return year if year in _years() else today.year - (1 if today.month < 12 else 0)


def _year_refused(request):
    """For a form sent: the year it was drawn for, when that is not one of ``_years`` (a page left open over
    the new year, or an edited address). Writing to the default year instead would put the grades in a
    year the user never saw, so the form is refused."""
    raw = (request.GET.get("year") or request.POST.get("year") or "").strip()
    if raw and _int(raw) not in _years():
        message = _("Nothing was saved: %(year)s is not one of the years that can be changed here.")
        return message % {"year": raw[:10]}
    return ""


def _posted_grades(request, cadres_qs):
    """What the grades form chose, ``({cadre: value}, {cadre id: value shown}, left out)``. ``value shown`` is
    the grade the row showed when the page was drawn (``was-<id>``). A ``grade-<id>`` field whose id is no
    cadre the user can see (another county's, unknown, not an id) is a 404; a cadre the user can see but may
    not grade (any more: retired or moved to another unit since the page was drawn) is left out and counted."""
    posted, shown = {}, {}
    for key, value in request.POST.items():
        if key.startswith("grade-"):
            try:
                pk = uuid.UUID(key.removeprefix("grade-"))
            except ValueError:
                raise Http404 from None
            posted[pk] = value
            if f"was-{pk}" in request.POST:
                shown[pk] = request.POST[f"was-{pk}"]
    cadres = list(cadres_qs.filter(pk__in=list(posted))) if posted else []
    gone = set(posted) - {cadre.pk for cadre in cadres}
    if gone and Cadre.objects.for_user(request.user).filter(pk__in=gone).count() != len(gone):
        raise Http404
    return {cadre: posted[cadre.pk] for cadre in cadres}, shown, len(gone)


def _grades_url(year, page):
    number = _int(page)
    return f"{reverse('evaluations:grades')}?{urlencode({'year': year, 'page': max(number or 1, 1)})}"


@require_http_methods(["GET", "POST"])
@roles(*GRADERS)
def unit_grades(request):
    """The unit's annual grade of its cadres: a page of them saved at once, or an Excel table. The grades
    form posts its page number, so that it comes back to the same page."""
    year = _year(request)
    cadres_qs = selectors.grade_cadres(request.user)
    number = request.POST.get("page") or request.GET.get("page")
    errors, chosen, refused, refused_message, status = [], {}, [], "", 200
    if request.method == "POST" and (refused_message := _year_refused(request)):
        status = 400
    elif request.method == "POST":
        if request.FILES.get("file"):
            cadres = list(cadres_qs[:5000])
            try:
                rows, errors = excel.read_grades(request.FILES["file"], cadres)
            except FileProblem as exc:
                errors = [exc.message]
            if not errors:
                try:
                    n = services.unit_grades_import(actor=request.user, year=year, rows=rows)
                except DomainError as exc:
                    errors = [exc.message]
                else:
                    messages.success(request, _("%(n)s grades were imported.") % {"n": n})
                    return redirect(f"{reverse('evaluations:grades')}?year={year}")
            status = 400
        else:
            chosen, shown, left_out = _posted_grades(request, cadres_qs)
            # Only the rows changed on the page are written: a row left as it was drawn keeps whatever another
            # grader may have saved since. "—" is offered only to a cadre not graded yet: it leaves them so.
            changed = {c: v for c, v in chosen.items() if v and v != shown.get(c.pk)}
            try:
                n = services.unit_grades_set(actor=request.user, year=year, grades=changed, expected=shown)
            except services.GradesRefused as exc:
                refused = [(c, exc.rows[c.pk]) for c in chosen if c.pk in exc.rows]
                refused_message, status = exc.message, 400
            except NotPermitted:
                raise PermissionDenied from None
            except DomainError as exc:
                refused_message, status = exc.message, 400
            else:
                if n:
                    messages.success(
                        request,
                        ngettext("%(n)s grade was saved.", "%(n)s grades were saved.", n) % {"n": n},
                    )
                else:
                    messages.success(request, _("No grade was changed."))
                if left_out:
                    messages.warning(
                        request,
                        ngettext(
                            "%(n)s cadre was left out: they are no longer on your list to grade.",
                            "%(n)s cadres were left out: they are no longer on your list to grade.",
                            left_out,
                        )
                        % {"n": left_out},
                    )
                return redirect(_grades_url(year, number))
    page = CappedPaginator(cadres_qs, settings.GRIDWATCH_PAGE_SIZE).get_page(number)
    saved = dict(
        DualEvaluation.objects.for_user(request.user)
        .filter(year=year, cadre_id__in=[c.pk for c in page.object_list])
        .values_list("cadre_id", "unit_grade")
    )
    # A refused form comes back as it was sent: each select shows what was chosen in it.
    posted = {c.pk: v for c, v in chosen.items()}
    problems = {c.pk: message for c, message in refused}
    for cadre in page.object_list:
        cadre.saved = saved.get(cadre.pk, "")
        value = posted.get(cadre.pk, cadre.saved)
        cadre.grade = value if value in UnitGrade.values else cadre.saved
        cadre.error = problems.get(cadre.pk)
    context = {
        "page": page,
        "year": year,
        "years": _years(),
        "grades": UnitGrade.choices,
        "errors": errors,
        "refused": refused,
        "refused_message": refused_message,
        "may_list": has_role(request.user, *READERS),
    }
    return render(request, "evaluations/unit_grades.html", context, status=status)


@require_http_methods(["GET"])
@roles(*GRADERS)
def unit_grades_template(request):
    year = _year(request)
    cadres = list(selectors.grade_cadres(request.user)[:5000])
    grades = dict(
        DualEvaluation.objects.for_user(request.user).filter(year=year).values_list("cadre_id", "unit_grade")
    )
    response = HttpResponse(excel.grade_template(cadres, grades), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"年度考核等次-{year}.xlsx")
    return response


@require_http_methods(["GET", "POST"])
@roles(*DUAL_READERS)
def dual_list(request):
    year = _year(request)
    if request.method == "POST" and (refused := _year_refused(request)):
        messages.error(request, refused)
        return redirect(f"{reverse('evaluations:dual')}?year={year}")
    if request.method == "POST":
        try:
            n = services.dual_combine(actor=request.user, year=year)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)s dual evaluation records were brought up to date.") % {"n": n})
        return redirect(f"{reverse('evaluations:dual')}?year={year}")
    page = paginate(request, selectors.dual_list(user=request.user, year=year), settings.GRIDWATCH_PAGE_SIZE)
    context = {"page": page, "year": year, "years": _years()}
    return render(request, "evaluations/dual_list.html", context)


@require_http_methods(["GET"])
@roles(*DUAL_READERS)
def dual_export(request):
    year = _year(request)
    records = list(selectors.dual_list(user=request.user, year=year)[:20000])
    audit_log(
        actor=request.user,
        action="evaluation.dual_export",
        object_type="evaluations.dualevaluation",
        object_id=str(year),
        changes={"year": year, "rows": len(records)},
    )
    response = HttpResponse(excel.dual_workbook(records), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"双向考评-{year}.xlsx")
    return response
