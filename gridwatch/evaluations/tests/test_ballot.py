"""Voting with single-use codes, two-person paper entry, and anonymity: after voting nothing in the database
links a ballot to its code or its voter, and two ballots cannot be told apart by order or time."""

import pytest
import time_machine
from django.db import connection

from gridwatch.audit.models import AuditEvent
from gridwatch.core.errors import ValidationFailed
from gridwatch.evaluations import codes as code_module
from gridwatch.evaluations import services
from gridwatch.evaluations.models import BallotCode, BallotCount, EvaluatorGroup, GroupKind, PaperBallot

from .conftest import all_choices, codes_for


def test_it_counts_a_ballot_once_and_uses_the_code_up(opened, community_org_a, cadre_a):
    code = codes_for(opened, community_org_a, count=1)[0]
    services.ballot_cast(code=code.lower().replace("-", " "), choices=all_choices(opened, "satisfied"))
    row = BallotCount.objects.get(
        evaluation=opened,
        group__kind=GroupKind.RESIDENTS,
        cadre=cadre_a,
        dimension="community",
        option="satisfied",
    )
    assert row.count == 1
    assert EvaluatorGroup.objects.get(evaluation=opened, kind=GroupKind.RESIDENTS).cast == 1
    with pytest.raises(ValidationFailed):
        services.ballot_cast(code=code, choices=all_choices(opened, "dissatisfied"))
    assert BallotCount.objects.filter(evaluation=opened, option="dissatisfied").exclude(count=0).count() == 0


def test_it_refuses_an_incomplete_ballot_and_keeps_the_code(opened, community_org_a, cadre_a):
    code = codes_for(opened, community_org_a, count=1)[0]
    choices = all_choices(opened, "satisfied")
    choices[str(cadre_a.pk)]["residents"] = ""
    with pytest.raises(ValidationFailed):
        services.ballot_cast(code=code, choices=choices)
    assert not BallotCode.objects.get(code_hash=code_module.code_hash(code)).used


def test_it_refuses_a_code_once_voting_is_closed(opened, community_org_a):
    code = codes_for(opened, community_org_a, count=1)[0]
    services.evaluation_close(actor=community_org_a, evaluation=opened)
    with pytest.raises(ValidationFailed):
        services.ballot_cast(code=code, choices=all_choices(opened, "satisfied"))


def _dump():
    """Every value of every table of the app, and the audit log, as text."""
    text = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith("evaluations_") or table == "audit_auditevent":
                cursor.execute(f'SELECT * FROM "{table}"')
                text.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(text)


def test_it_keeps_no_link_between_a_ballot_and_its_code_or_time(opened, community_org_a, cadre_a):
    """Two ballots a minute apart: the database afterwards is the same whichever order they came in, holds
    neither code, and the code rows hold no time and nothing about the vote."""
    codes = codes_for(opened, community_org_a, count=2)
    column_names = {f.name for f in BallotCode._meta.get_fields()} | {
        f.name for f in BallotCount._meta.get_fields()
    }
    assert not {"created_at", "updated_at", "used_at", "ballot", "voted_at"} & column_names

    def state():
        counts = sorted(BallotCount.objects.filter(evaluation=opened).values_list("id", "count"))
        used = sorted(BallotCode.objects.filter(evaluation=opened).values_list("id", "used"))
        return counts, used

    snapshot = state()
    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        services.ballot_cast(code=codes[0], choices=all_choices(opened, "satisfied"))
    with time_machine.travel("2026-12-01 09:01 +0800", tick=False):
        services.ballot_cast(code=codes[1], choices=all_choices(opened, "dissatisfied"))
    after = state()
    # Counters only moved: no row was inserted, so no insertion order (rowid, heap) exists for a ballot.
    assert [r[0] for r in after[0]] == [r[0] for r in snapshot[0]]
    assert len(after[1]) == len(snapshot[1])
    dump = _dump()
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
    # The audit log says a ballot was cast, with no group, option or code.
    votes = AuditEvent.objects.filter(action="evaluation.vote")
    assert votes.count() == 2
    assert all(e.changes in ({}, None) for e in votes)
    # The two ballots gave opposite answers; only totals remain.
    assert (
        BallotCount.objects.get(
            evaluation=opened,
            group__kind=GroupKind.RESIDENTS,
            cadre=cadre_a,
            dimension="community",
            option="satisfied",
        ).count
        == 1
    )


def test_it_counts_the_same_whatever_order_the_ballots_come_in(draft, community_org_a, cadre_a, cadre_a2):
    """Cast A then B in one campaign and B then A in another: the count tables are identical."""
    from .conftest import create

    results = []
    for order in ((0, 1), (1, 0)):
        evaluation = (
            draft
            if not results
            else create(
                community_org_a, cadre_a.supervising_grid.parent, [cadre_a, cadre_a2], year=draft.year - 1
            )
        )
        services.evaluation_open(actor=community_org_a, evaluation=evaluation)
        codes = codes_for(evaluation, community_org_a, count=2)
        answers = [all_choices(evaluation, "satisfied"), all_choices(evaluation, "basically_satisfied")]
        for i in order:
            services.ballot_cast(code=codes[i], choices=answers[i])
        results.append(
            sorted(
                BallotCount.objects.filter(evaluation=evaluation).values_list(
                    "group__kind", "cadre_id", "dimension", "option", "count"
                )
            )
        )
    assert results[0] == results[1]


def test_it_counts_a_paper_ballot_only_when_a_second_person_confirms_it(
    opened, community_org_a, community_org_a2, cadre_a
):
    code = codes_for(opened, community_org_a, count=1)[0]
    paper = services.paper_enter(
        actor=community_org_a,
        evaluation=opened,
        code=code,
        choices=all_choices(opened, "basically_satisfied"),
    )
    assert not BallotCount.objects.filter(evaluation=opened).exclude(count=0).exists()
    # The code is used up at entry: the slip cannot also vote online.
    with pytest.raises(ValidationFailed):
        services.ballot_cast(code=code, choices=all_choices(opened, "satisfied"))
    with pytest.raises(ValidationFailed):
        services.paper_confirm(actor=community_org_a, paper=paper)
    services.paper_confirm(actor=community_org_a2, paper=paper)
    assert not PaperBallot.objects.exists()
    assert (
        BallotCount.objects.get(
            evaluation=opened,
            group__kind=GroupKind.RESIDENTS,
            cadre=cadre_a,
            dimension="supervision",
            option="basically_satisfied",
        ).count
        == 1
    )


def test_it_lets_a_discarded_paper_ballot_be_typed_in_again(opened, community_org_a, community_org_a2):
    code = codes_for(opened, community_org_a, count=1)[0]
    paper = services.paper_enter(actor=community_org_a, evaluation=opened, code=code, choices={}, spoilt=True)
    services.paper_discard(actor=community_org_a2, paper=paper)
    again = services.paper_enter(actor=community_org_a, evaluation=opened, code=code, choices={}, spoilt=True)
    services.paper_confirm(actor=community_org_a2, paper=again)
    assert set(
        BallotCount.objects.filter(evaluation=opened).exclude(count=0).values_list("option", flat=True)
    ) == {"invalid"}


def test_it_refuses_to_close_with_paper_ballots_waiting(opened, community_org_a):
    code = codes_for(opened, community_org_a, count=1)[0]
    services.paper_enter(actor=community_org_a, evaluation=opened, code=code, choices={}, spoilt=True)
    with pytest.raises(ValidationFailed):
        services.evaluation_close(actor=community_org_a, evaluation=opened)


def test_it_writes_the_result_into_each_cadres_file_on_publication(published, cadre_a, cadre_a2):
    from gridwatch.people.models import CadreFileEntry

    entries = CadreFileEntry.objects.filter(kind="evaluation")
    assert {e.cadre_id for e in entries} == {cadre_a.pk, cadre_a2.pk}
    entry = entries.get(cadre=cadre_a)
    assert entry.details["rate"] == 1.0
    assert "100.0%" in entry.display_title
