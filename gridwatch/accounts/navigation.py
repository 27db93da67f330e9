"""Navigation by role: each entry names the roles that see it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


def navigation_for(request):
    roles = user_roles(request.user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for url_name, label, allowed, icon in NAV:
        if allowed is not None and not roles & set(allowed):
            continue
        items.append(
            {
                "url": reverse(url_name),
                "label": label,
                "icon": icon,
                "active": current.split(":")[0] == url_name.split(":")[0] and current == url_name,
            }
        )
    return items
