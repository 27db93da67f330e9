"""The appeal is between the cadre and the commission: the cadre's statement and the reason for the decision
may touch on the report (who might have reported, what the verification found), so only those who decide
on appeals read them. The unit's liaison and the other readers see where the appeal stands."""

from django.urls import reverse

from gridwatch.formal_warnings import services
from gridwatch.formal_warnings.models import AppealDecision

from .conftest import issue

STATEMENT = "APPEAL-STATEMENT 举报人应是隔壁老王"
REASON = "DECISION-REASON 经核实群众反映属实"


def test_only_those_who_decide_read_the_appeal_and_the_reason(
    as_user, office, cadre_a, cadre_user, unit_liaison, township_officer_a
):
    notice = issue(office, cadre_a)
    services.notice_appeal(actor=cadre_user, notice=notice, statement=STATEMENT)
    url = reverse("formal_warnings:detail", args=[notice.pk])
    for reader in (unit_liaison, township_officer_a):
        body = as_user(reader).get(url).content.decode()
        assert "APPEAL-STATEMENT" not in body and 'id="appeal"' in body
    assert STATEMENT in as_user(office).get(url).content.decode()

    services.appeal_decide(actor=office, notice=notice, decision=AppealDecision.DISMISSED, reason=REASON)
    for reader in (unit_liaison, township_officer_a):
        body = as_user(reader).get(url).content.decode()
        assert "APPEAL-STATEMENT" not in body and "DECISION-REASON" not in body
        assert str(AppealDecision.DISMISSED.label) in body or "申诉不成立" in body
    assert REASON in as_user(office).get(url).content.decode()
    # The cadre reads their own statement and the reason, on their own page.
    mine = as_user(cadre_user).get(reverse("formal_warnings:my_notice", args=[notice.pk])).content.decode()
    assert STATEMENT in mine and REASON in mine
