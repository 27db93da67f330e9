"""Navigation by role: each entry names the roles that see it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridwatch.core.scoping import get_scope

from .jurisdiction import user_roles
from .roles import (
    AUDIT_READERS,
    GEOGRAPHY_EDITORS,
    GRID_ROLES,
    REGISTRY_EDITORS,
    REGISTRY_READERS,
    SECURITY_MANAGERS,
    USER_MANAGERS,
    Role,
)

NAV = [
    ("core:home", _("Home"), None, "home"),
    # The roles of gridwatch.cases.roles.CASE_READERS (accounts may not import from cases).
    (
        "cases:case_list",
        _("Cases"),
        {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.OFFICE, Role.LIAISON} | GRID_ROLES,
        "alert",
    ),
    # The roles of gridwatch.supervision.roles.DIARY_READERS.
    (
        "supervision:diary_list",
        _("Sentiment diary"),
        {Role.COUNTY_STAFF, Role.OFFICE, Role.LIAISON, Role.TOWNSHIP_STAFF, Role.COMMUNITY_ORG} | GRID_ROLES,
        "compass",
    ),
    # -- supervision: checklist and cards (entries of this part go right below this line)
    # The roles of gridwatch.supervision.roles.CARD_READERS (the diary's readers).
    (
        "supervision:card_overview",
        _("Supervision cards"),
        {Role.COUNTY_STAFF, Role.OFFICE, Role.LIAISON, Role.TOWNSHIP_STAFF, Role.COMMUNITY_ORG} | GRID_ROLES,
        "clipboard",
    ),
    # -- supervision: register and inspections (entries of this part go right below this line)
    # The roles of gridwatch.supervision.roles.REGISTER_READERS and INSPECTION_READERS.
    (
        "supervision:register_list",
        _("Supervision register"),
        {Role.COUNTY_STAFF, Role.OFFICE, Role.LIAISON, Role.TOWNSHIP_STAFF, Role.COMMUNITY_ORG} | GRID_ROLES,
        "book",
    ),
    (
        "supervision:inspection_list",
        _("Inspections"),
        {Role.COUNTY_STAFF, Role.OFFICE, Role.LIAISON, Role.TOWNSHIP_STAFF} | GRID_ROLES,
        "search",
    ),
    # -- monthly: monthly reports and urgent matters (entries of this part go right below this line)
    # The roles of gridwatch.monthly.roles.READERS and URGENT_READERS.
    (
        "monthly:index",
        _("Monthly reports"),
        {Role.COUNTY_STAFF, Role.OFFICE, Role.LIAISON, Role.TOWNSHIP_STAFF},
        "calendar",
    ),
    (
        "monthly:urgent_list",
        _("Urgent matters"),
        {Role.COUNTY_STAFF, Role.OFFICE, Role.TOWNSHIP_STAFF, Role.GRID_LEADER},
        "zap",
    ),
    # -- commitments (entries of this part go right below this line)
    ("commitments:mine", _("My commitments"), {Role.CADRE}, "flag"),
    ("commitments:list", _("Commitments"), REGISTRY_READERS, "flag"),  # = commitments.roles.LIST_READERS
    # -- formal_warnings: warning notices (entries of this part go right below this line)
    # The roles of gridwatch.formal_warnings.roles.READERS (accounts may not import from formal_warnings).
    (
        "formal_warnings:list",
        _("Warning notices"),
        {Role.OFFICE, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.LIAISON, Role.UNIT_LIAISON},
        "triangle",
    ),
    ("formal_warnings:mine", _("My warning notices"), {Role.CADRE}, "triangle"),
    # -- dashboard: the analysis pack and meetings (entries of this part go right below this line)
    # The roles of gridwatch.dashboard.roles.PACK_READERS (accounts may not import from dashboard).
    (
        "dashboard:pack",
        _("Analysis pack"),
        {Role.OFFICE, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.LIAISON},
        "table",
    ),
    # -- evaluations (entries of this part go right below this line)
    # The roles of gridwatch.evaluations.roles.READERS.
    (
        "evaluations:list",
        _("Democratic evaluation"),
        {Role.COMMUNITY_ORG, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.OFFICE},
        "ballot",
    ),
    ("evaluations:grades", _("Unit annual grades"), {Role.UNIT_LIAISON}, "table"),
    # -- portal: standards (entries of this part go right below this line)
    # The roles of gridwatch.portal.standards.roles.EDITORS.
    ("portal:standard_manage", _("Standards"), {Role.COUNTY_STAFF, Role.OFFICE, Role.TOWNSHIP_STAFF}, "book"),
    # -- portal: publicity (entries of this part go right below this line)
    # The roles of gridwatch.portal.publicity.services.EDITORS.
    ("portal:publicity_manage", _("Integrity culture"), {Role.COUNTY_STAFF, Role.OFFICE}, "globe"),
    # -- portal: notice-board sheets (entries of this part go right below this line)
    # The roles of gridwatch.portal.sheets.views.INDEX_READERS.
    (
        "portal:sheet_index",
        _("Notice-board sheets"),
        {Role.COUNTY_STAFF, Role.OFFICE, Role.TOWNSHIP_STAFF, Role.COMMUNITY_ORG},
        "file",
    ),
    ("people:cadre_list", _("Cadres"), REGISTRY_READERS, "people"),
    ("people:unit_list", _("Units"), REGISTRY_READERS, "units"),
    ("people:round_list", _("Data collection"), REGISTRY_EDITORS | {Role.OFFICE}, "inbox"),
    ("geography:area_list", _("Areas and grids"), REGISTRY_READERS, "map"),
    ("geography:import_export", _("Grid division table"), GEOGRAPHY_EDITORS, "table"),
    ("people:my_file", _("My file"), {Role.CADRE}, "file"),
    ("cases:my_findings", _("Findings about me"), {Role.CADRE}, "shield"),
    ("cases:clarification_list", _("Clarifications"), {Role.COUNTY_STAFF}, "file"),
    ("accounts:inbox", _("Notifications"), None, "bell"),
    ("audit:event_list", _("Audit log"), AUDIT_READERS, "shield"),
    ("accounts:user_list", _("Users"), USER_MANAGERS, "users"),
    ("accounts:lockout_list", _("Sign-in lockouts"), SECURITY_MANAGERS, "lock"),
]


# The phone's tab bar holds four entries: each role's most used ones, by this rank (lower first; others 9;
# a dict ranks by the user's roles, ``None`` for everyone else), shown in the menu's order. The rest are
# under "More".
TAB_RANK = {
    "core:home": 0,
    "cases:case_list": 1,
    "people:my_file": 1,
    "commitments:mine": 2,
    "supervision:card_overview": {Role.GRID_LEADER: 2, Role.GRID_DEPUTY: 2, Role.GRID_SUPERVISOR: 2, None: 5},
    "monthly:index": 2,
    "evaluations:grades": 2,
    "people:cadre_list": 3,
    "cases:my_findings": 3,
    "supervision:diary_list": 4,
    "commitments:list": 4,
}
TAB_COUNT = 4
# Labels too long for a fifth of a phone's width, shortened in the tab bar only (the menu keeps the full one).
TAB_LABELS = {
    "cases:my_findings": pgettext_lazy("tab bar", "Findings"),
}
# Entries that lead nowhere for a user whose jurisdiction holds no area (a unit liaison: their unit only).
AREA_ENTRIES = {"geography:area_list"}


def _tab_rank(url_name, roles):
    rank = TAB_RANK.get(url_name, 9)
    if isinstance(rank, dict):
        return min((value for role, value in rank.items() if role in roles), default=rank[None])
    return rank


def navigation_for(request):
    roles = user_roles(request.user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for url_name, label, allowed, icon in NAV:
        if allowed is not None and not roles & set(allowed):
            continue
        if url_name in AREA_ENTRIES and not get_scope(request.user).area_paths:
            continue
        items.append(
            {
                "url": reverse(url_name),
                "label": label,
                "tab_label": TAB_LABELS.get(url_name, label),
                "icon": icon,
                "active": current.split(":")[0] == url_name.split(":")[0] and current == url_name,
                "rank": _tab_rank(url_name, roles),
            }
        )
    chosen = sorted(range(len(items)), key=lambda i: (items[i]["rank"], i))[:TAB_COUNT]
    for i, item in enumerate(items):
        item["tab"] = i in chosen
    return items
