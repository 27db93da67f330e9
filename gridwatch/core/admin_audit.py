"""Django admin writes go to the audit trail like every other write."""

from django.contrib import admin
from django.forms.models import model_to_dict

from gridwatch.audit.services import audit_log, diff


def _snapshot(obj, fields):
    data = model_to_dict(obj, fields=fields) if obj.pk else {}
    return {k: str(v) for k, v in data.items()}


class AuditedModelAdmin(admin.ModelAdmin):
    """Audits saves and deletions made in the admin (never the values of ``secret_fields``)."""

    secret_fields: tuple = ("password",)

    def _fields(self, obj):
        return [f.name for f in obj._meta.concrete_fields if f.name not in self.secret_fields]

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            before = _snapshot(type(obj).objects.get(pk=obj.pk), self._fields(obj))
        super().save_model(request, obj, form, change)
        after = _snapshot(obj, self._fields(obj))
        action = f"admin.{obj._meta.model_name}.{'update' if change else 'create'}"
        audit_log(actor=request.user, action=action, obj=obj, changes=diff(before, after))

    def delete_model(self, request, obj):
        audit_log(actor=request.user, action=f"admin.{obj._meta.model_name}.delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_log(actor=request.user, action=f"admin.{obj._meta.model_name}.delete", obj=obj)
        super().delete_queryset(request, queryset)
