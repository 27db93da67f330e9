from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles of ARCHITECTURE.md. A role is held on an area or a unit (RoleAssignment); grid-team posts
    and liaison links (geography) give the grid and liaison roles."""

    COUNTY_STAFF = "county_staff", _("County commission staff")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
    OFFICE = "office", _("Leading-group office")
    LIAISON = "liaison", _("Commission liaison")
    TOWNSHIP_STAFF = "township_staff", _("Township commission staff")
    COMMUNITY_ORG = "community_org", _("Community party organisation")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_DEPUTY = "grid_deputy", _("Deputy grid leader")
    GRID_SUPERVISOR = "grid_supervisor", _("Grid supervisor")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")
    CADRE = "cadre", _("Cadre")


AREA_ROLES = {
    Role.COUNTY_STAFF,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
    Role.OFFICE,
    Role.TOWNSHIP_STAFF,
    Role.COMMUNITY_ORG,
}
UNIT_ROLES = {Role.UNIT_LIAISON}
# Roles whose holders see every record of the county they are held on, and nothing of another county (not
# the administrator posts: 等保 level 3 keeps them out of the content).
COUNTY_WIDE_ROLES = {Role.COUNTY_STAFF, Role.OFFICE}
ADMIN_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
GRID_ROLES = {Role.GRID_LEADER, Role.GRID_DEPUTY, Role.GRID_SUPERVISOR}
# Staff who must sign in with a second factor (SECURITY.md item 5).
TWO_FACTOR_ROLES = COUNTY_WIDE_ROLES | ADMIN_ROLES | {Role.LIAISON, Role.TOWNSHIP_STAFF}
# Who may edit the cadre registry (unit liaisons only their own unit's cadres).
REGISTRY_EDITORS = {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.UNIT_LIAISON}
REGISTRY_READERS = (
    COUNTY_WIDE_ROLES
    | {Role.LIAISON, Role.TOWNSHIP_STAFF, Role.COMMUNITY_ORG, Role.UNIT_LIAISON}
    | GRID_ROLES
)
AUDIT_READERS = {Role.COUNTY_STAFF, Role.AUDIT_ADMIN}
USER_MANAGERS = {Role.SYSTEM_ADMIN}
SECURITY_MANAGERS = {Role.SECURITY_ADMIN}
GEOGRAPHY_EDITORS = {Role.COUNTY_STAFF}
