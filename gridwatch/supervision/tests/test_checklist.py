"""The four-circles checklist (R5): version 1 from the plan, loaded by the migration and the command; county
staff's edit makes the next version and cards keep the version they were filled against."""

import datetime
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from gridwatch.audit.models import AuditEvent
from gridwatch.core.errors import NotPermitted, ValidationFailed
from gridwatch.supervision import checklist
from gridwatch.supervision.models import ChecklistItem, ChecklistVersion

from .cards_helpers import start

NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)


def current_rows():
    return [
        {"circle": i.circle, "text_zh": i.text_zh, "text_en": i.text_en}
        for i in checklist.version_items(checklist.current_version())
    ]


def test_it_has_version_1_with_the_plans_items_after_migrating(db):
    """A fresh installation has the plan's checklist: 3 social, 5 life, 3 family and 4 public-welfare
    items, in Chinese as the plan words them, each with its English."""
    version = ChecklistVersion.objects.get()
    assert version.number == 1
    items = list(version.items.order_by("position"))
    assert [i.circle for i in items] == ["social"] * 3 + ["life"] * 5 + ["family"] * 3 + [
        "public_welfare"
    ] * 4
    assert items[0].text_zh == "是否有违反政治和组织纪律、泄露党和国家秘密、制造有损党和政府形象的言论和行为"
    assert items[3].text_zh == "是否有搞“小圈子”及与社会上的不法分子频繁来往的情况"
    assert all(i.text_en for i in items)


def test_it_loads_the_reference_once(db, capsys):
    """The command is safe to run again: nothing changes when version 1 (or a newer one) is there."""
    ChecklistVersion.objects.all().delete()
    call_command("load_checklist")
    call_command("load_checklist")
    assert ChecklistVersion.objects.count() == 1
    assert ChecklistItem.objects.count() == 15
    assert "nothing changed" in capsys.readouterr().out


def test_it_matches_the_reference_file(db):
    data = json.loads(checklist.REFERENCE_FILE.read_text(encoding="utf-8"))
    assert [(i["circle"], i["text_zh"]) for i in data["items"]] == [
        (r["circle"], r["text_zh"]) for r in current_rows()
    ]


def test_it_notes_version_1_in_chinese_only(db):
    """The note is shown as it is stored, on the Chinese page too: no English in it."""
    import re

    note = ChecklistVersion.objects.get(number=1).note
    assert note.startswith("《干部作风建设监督工作方案》") and not re.search(r"[A-Za-z]", note)


def test_it_makes_a_new_version_on_edit_and_keeps_old_cards_on_theirs(
    county_officer, grid_supervisor, cadre_a, cadre_b
):
    """An edit (one item reworded, one removed, one added) is version 2; the card started before keeps
    version 1's items, a card started after gets version 2's."""
    with time_machine.travel(NOW, tick=False):
        old_card = start(grid_supervisor, cadre_a)
    rows = current_rows()
    rows[0]["text_zh"] = "是否有违反政治纪律和组织纪律的言论和行为"
    del rows[14]
    rows.append({"circle": "family", "text_zh": "是否存在家属经商办企业借用其影响力的情况", "text_en": ""})
    version = checklist.checklist_edit(
        actor=county_officer, items=rows, note="社交圈第1项修改，公益圈第4项删除，家庭圈增加一项"
    )
    assert version.number == 2
    assert version.items.count() == 15
    # The added family item goes with the other family items.
    assert [i.circle for i in version.items.order_by("position")][8:12] == ["family"] * 4
    assert ChecklistItem.objects.filter(version__number=1).count() == 15
    old_card.refresh_from_db()
    assert old_card.checklist_version.number == 1
    assert old_card.items.filter(checklist_item__version__number=1).count() == 15
    event = AuditEvent.objects.get(action="checklist.version_create")
    assert event.changes == {"number": 2, "previous": 1, "items": 15, "added": 2, "removed": 2}


def test_it_refuses_an_edit_that_changes_nothing_or_empties_a_circle(county_officer):
    with pytest.raises(ValidationFailed):
        checklist.checklist_edit(actor=county_officer, items=current_rows(), note="无变化")
    rows = [r for r in current_rows() if r["circle"] != "family"]
    with pytest.raises(ValidationFailed):
        checklist.checklist_edit(actor=county_officer, items=rows, note="删除家庭圈")
    with pytest.raises(ValidationFailed):
        checklist.checklist_edit(actor=county_officer, items=current_rows()[:-1], note="")
    assert ChecklistVersion.objects.count() == 1


def test_it_lets_only_county_staff_edit(township_officer_a):
    with pytest.raises(NotPermitted):
        checklist.checklist_edit(actor=township_officer_a, items=current_rows()[:-1], note="x")


def _post_data(rows, note, extra=0):
    data = {
        "items-TOTAL_FORMS": str(len(rows) + extra),
        "items-INITIAL_FORMS": str(len(rows)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "note": note,
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{n}-{key}"] = value
        data.setdefault(f"items-{n}-ORDER", str(n + 1))
    return data


def test_it_edits_through_the_page_reordering_and_deleting(as_user, county_officer):
    client = as_user(county_officer)
    page = client.get(reverse("supervision:checklist_edit"))
    assert page.status_code == 200
    rows = current_rows()
    data = _post_data(rows, "调整社交圈顺序，删除一项")
    data["items-0-ORDER"], data["items-1-ORDER"] = "2", "1"
    data["items-14-DELETE"] = "on"
    response = client.post(reverse("supervision:checklist_edit"), data)
    assert response.status_code == 302
    items = list(ChecklistVersion.objects.get(number=2).items.order_by("position"))
    assert len(items) == 14
    assert items[0].text_zh == rows[1]["text_zh"] and items[1].text_zh == rows[0]["text_zh"]
    page = client.get(reverse("supervision:checklist") + "?version=1").content.decode()
    assert rows[14]["text_zh"] in page


def test_it_shows_the_refusal_on_the_edit_page(as_user, county_officer):
    response = as_user(county_officer).post(
        reverse("supervision:checklist_edit"), _post_data(current_rows(), "无变化")
    )
    assert response.status_code == 400
    assert ChecklistVersion.objects.count() == 1
