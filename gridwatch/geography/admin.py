from django.contrib import admin

from gridwatch.core.admin_audit import AuditedModelAdmin

from .models import Area, GridTeamMember, Liaison


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "kind"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "level", "parent", "path", "depth"]


@admin.register(GridTeamMember)
class GridTeamMemberAdmin(AuditedModelAdmin):
    list_display = ["grid", "role", "user"]
    list_filter = ["role"]
    search_fields = ["grid__name", "grid__code", "user__username"]
    autocomplete_fields = ["grid", "user"]


@admin.register(Liaison)
class LiaisonAdmin(AuditedModelAdmin):
    list_display = ["user", "grid"]
    autocomplete_fields = ["user", "grid"]
    filter_horizontal = ["townships"]
