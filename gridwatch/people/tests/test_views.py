from django.urls import reverse

from gridwatch.audit.models import AuditEvent


def test_it_lists_only_cadres_of_the_township(as_user, township_officer_a, cadre_a, cadre_b):
    """A township officer of 广顺镇 sees 广顺镇's cadres and not 摆所镇's."""
    response = as_user(township_officer_a).get(reverse("people:cadre_list"))
    assert response.status_code == 200
    assert "张伟" in response.content.decode()
    assert "李娜" not in response.content.decode()


def test_it_answers_404_for_a_cadre_of_another_township(as_user, township_officer_a, cadre_b):
    response = as_user(township_officer_a).get(reverse("people:cadre_detail", args=[cadre_b.pk]))
    assert response.status_code == 404


def test_it_shows_the_cadre_file_with_registry_history(as_user, county_officer, cadre_a):
    response = as_user(county_officer).get(reverse("people:cadre_detail", args=[cadre_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张伟" in body and "13800000000" not in body


def test_it_audits_every_view_of_a_phone(as_user, county_officer, cadre_a):
    client = as_user(county_officer)
    before = AuditEvent.objects.filter(action="cadre.phone_view").count()
    response = client.post(reverse("people:cadre_phone", args=[cadre_a.pk]), HTTP_HX_REQUEST="true")
    assert "13800000000" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert AuditEvent.objects.filter(action="cadre.phone_view").count() == before + 1


def test_it_shows_the_phone_in_the_whole_page_without_javascript(as_user, county_officer, cadre_a):
    response = as_user(county_officer).post(reverse("people:cadre_phone", args=[cadre_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body and "13800000000" in body and "张伟" in body
    assert AuditEvent.objects.filter(action="cadre.phone_view", object_id=str(cadre_a.pk)).count() == 1


def test_it_searches_by_pinyin_initials(as_user, county_officer, cadre_a, cadre_b):
    body = as_user(county_officer).get(reverse("people:cadre_list"), {"q": "zw"}).content.decode()
    assert "张伟" in body and "李娜" not in body


def test_it_refuses_a_password_only_session_of_staff(as_user, county_officer):
    response = as_user(county_officer, verified=False).get(reverse("people:cadre_list"))
    assert response.status_code == 302
    assert (
        reverse("accounts:otp_verify") in response["Location"]
        or reverse("accounts:otp_enrol") in response["Location"]
    )


def test_it_finds_a_surname_by_how_it_is_read_as_a_surname(as_user, county_officer, unit_a, grid_a):
    """曾 is read zeng as a surname (ceng otherwise), 单 shan, 仇 qiu: "zeng" or "zg" finds 曾桂, and a
    registry filled before this reading is respelled by the migration."""
    import importlib

    from django.apps import apps

    from gridwatch.conftest import make_cadre
    from gridwatch.people.models import Cadre

    zeng = make_cadre("曾桂", unit_a, grid_a)
    shan = make_cadre("单雄", unit_a, grid_a)
    client = as_user(county_officer)
    for query in ("zeng", "zg", "zenggui"):
        body = client.get(reverse("people:cadre_list"), {"q": query}).content.decode()
        assert "曾桂" in body and "单雄" not in body, query
    assert "单雄" in client.get(reverse("people:cadre_list"), {"q": "shanx"}).content.decode()

    Cadre.objects.filter(pk__in=[zeng.pk, shan.pk]).update(name_pinyin="cenggui", name_initials="cg")
    migration = importlib.import_module("gridwatch.people.migrations.0004_surname_readings")
    migration.respell(apps, None)
    assert Cadre.objects.get(pk=zeng.pk).name_pinyin == "zenggui"
    assert Cadre.objects.get(pk=zeng.pk).name_initials == "zg"
    assert Cadre.objects.get(pk=shan.pk).name_pinyin == "shanxiong"
