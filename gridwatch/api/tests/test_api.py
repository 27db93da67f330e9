from django.urls import reverse


def test_it_lists_only_cadres_in_jurisdiction(as_user, township_officer_a, cadre_a, cadre_b):
    response = as_user(township_officer_a).get(reverse("api:cadre-list"))
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names == ["张伟"]
    assert "phone" not in response.json()["results"][0]


def test_it_answers_404_for_a_cadre_outside_jurisdiction(as_user, township_officer_a, cadre_b):
    response = as_user(township_officer_a).get(reverse("api:cadre-detail", args=[cadre_b.pk]))
    assert response.status_code == 404


def test_it_refuses_roles_without_registry_access(as_user, audit_admin, cadre_a):
    response = as_user(audit_admin).get(reverse("api:cadre-list"))
    assert response.status_code == 403


def test_it_refuses_staff_without_two_factor(as_user, county_officer, cadre_a):
    response = as_user(county_officer, verified=False).get(reverse("api:cadre-list"))
    assert response.status_code in (302, 403)
    assert "张伟" not in response.content.decode()


def test_it_refuses_anonymous_requests(client, cadre_a):
    response = client.get(reverse("api:cadre-list"))
    assert response.status_code in (302, 401, 403)


def test_it_searches_by_pinyin_initials(as_user, county_officer, cadre_a, cadre_b):
    response = as_user(county_officer).get(reverse("api:cadre-list"), {"q": "ln"})
    assert [row["name"] for row in response.json()["results"]] == ["李娜"]


def test_it_serves_the_openapi_schema(as_user, county_officer):
    response = as_user(county_officer).get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/cadres/" in response.content
