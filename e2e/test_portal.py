"""The public portal in a real browser: a resident on a phone finds their grid by a road's name, reads who
lives there and what they committed to, and reaches the grid's report form; every public page passes
axe-core with no serious or critical violation; the grid page stays within 60 KB compressed and asks no
other host for anything."""

import gzip
import re
from pathlib import Path
from urllib.parse import urlparse

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from gridwatch.accounts.roles import Role
from gridwatch.commitments.tests.conftest import published as commitment_published
from gridwatch.conftest import make_user
from gridwatch.portal.models import Standard, StandardKind, StandardStatus

from .helpers import shoot

pytestmark = pytest.mark.e2e

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
BUDGET = 60 * 1024  # bytes, gzip-compressed: HTML, CSS, scripts and fonts of one grid page


@pytest.fixture
def showcase(grid_a, cadre_a, community_a, county):
    """Grid A with a road in its description, a cadre with published commitments, a standard in force."""
    grid_a.description = "覆盖人民路1—50号、幸福小区、粮食局家属院"
    grid_a.supervision_phone = "0854-6800001"
    grid_a.save(update_fields=["description", "supervision_phone"])
    cadre_a.user = make_user("cadre_portal")
    cadre_a.save(update_fields=["user"])
    reviewer = make_user("party_portal", role=Role.COMMUNITY_ORG, area=community_a)
    commitment_published(
        cadre_a, reviewer, items=[{"content": "每月参加一次幸福小区志愿服务", "target": "全年12次"}]
    )
    Standard.objects.create(
        title="领导干部八小时以外行为规范",
        body="## 社交圈\n\n- 不参加可能影响公正执行公务的宴请",
        kind=StandardKind.CODE,
        area=county,
        status=StandardStatus.PUBLISHED,
    )
    return grid_a


def test_it_takes_a_resident_from_a_road_name_to_the_grids_report_form(new_page, showcase, cadre_a):
    page = new_page(width=375)
    page.goto("/")
    page.wait_for_url(re.compile(r"/portal/$"))
    shoot(page, "portal-01-home")
    page.locator("main input[name=q]").fill("幸福小区")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/grids/\?q="))
    shoot(page, "portal-02-search")
    page.locator(f"main a[href='/grids/{showcase.code}/']").click()
    page.wait_for_url(re.compile(rf"/grids/{showcase.code}/$"))
    main = page.locator("main")
    expect(main).to_contain_text(cadre_a.name)
    expect(main).to_contain_text(cadre_a.unit.name)
    expect(main).to_contain_text("每月参加一次幸福小区志愿服务")
    expect(main).to_contain_text("领导干部八小时以外行为规范")
    shoot(page, "portal-03-grid")
    page.locator(f"main a[href='/report/grid/{showcase.code}/']").click()
    page.wait_for_url(re.compile(rf"/report/grid/{showcase.code}/$"))
    expect(page.locator("main .page-head")).to_contain_text(showcase.name)
    expect(page.locator("main form")).to_be_visible()
    shoot(page, "portal-04-report-form")


def public_pages(grid, township, community):
    return [
        "/portal/",
        "/grids/",
        "/grids/?q=幸福",
        f"/grids/{grid.code}/",
        f"/townships/{township.code}/",
        "/standards/",
        "/publicity/",
        f"/report/grid/{grid.code}/",
        "/report/follow-up/",
        f"/commitments/grid/{grid.code}/",
        f"/evaluations/results/{community.code}/",
    ]


@pytest.mark.parametrize("width", [375, 1280])
def test_it_passes_axe_core_on_every_public_page(new_page, showcase, township_a, community_a, width):
    page = new_page(width=width)
    problems = []
    for path in public_pages(showcase, township_a, community_a):
        page.goto(path)
        page.evaluate(AXE)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{path}: {violation['id']} ({violation['impact']}): {targets}")
    assert not problems, "\n".join(problems)


def test_it_keeps_a_grid_page_within_60_kb_and_on_its_own_host(new_page, showcase, live_server):
    page = new_page(width=375)
    own = urlparse(live_server.url).netloc
    seen = []
    page.on("requestfinished", lambda request: seen.append(request))
    page.goto(f"/grids/{showcase.code}/")
    page.wait_for_load_state("networkidle")

    foreign = [r.url for r in seen if not r.url.startswith("data:") and urlparse(r.url).netloc != own]
    assert not foreign, foreign
    weighed = [r for r in seen if r.resource_type in {"document", "stylesheet", "script", "font"}]
    sizes = {r.url: len(gzip.compress(r.response().body(), 6)) for r in weighed}
    assert any(url.endswith(".css") for url in sizes) and any(f"/grids/{showcase.code}/" in u for u in sizes)
    assert sum(sizes.values()) <= BUDGET, sizes
