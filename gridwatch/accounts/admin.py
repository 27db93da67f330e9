from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from gridwatch.audit.services import audit_log
from gridwatch.core.admin_audit import AuditedModelAdmin

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["area", "unit"]
    exclude = ["granted_by"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "display_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("GridWatch"), {"fields": ("display_name", "phone")}),)

    def user_change_password(self, request, id, form_url=""):
        """A password set by an administrator is audited (never the password itself)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit_log(actor=request.user, action="admin.user.password_change", obj=user)
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from gridwatch.audit.services import audit_log
        from gridwatch.core.sessions import end_user_sessions

        for formset in formsets:
            for obj in formset.new_objects:
                audit_log(actor=request.user, action="role.grant", obj=obj, changes={"role": obj.role})
            for obj in formset.deleted_objects:
                audit_log(actor=request.user, action="role.revoke", obj=obj, changes={"role": obj.role})
            if formset.deleted_objects:
                end_user_sessions(form.instance)
