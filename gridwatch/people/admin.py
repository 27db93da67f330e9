from django.contrib import admin

from gridwatch.core.admin_audit import AuditedModelAdmin

from .models import Unit


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    """Units only: cadres are edited through the registry pages, which record their history."""

    list_display = ["name", "kind", "area"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["area"]
    raw_id_fields = ["head"]
