"""Django admin: accounts and weeks; the audit log read-only; contacts not registered at all."""

from django.contrib import admin

from workspace.models import Action, AuditEvent, Officer, Week


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "county", "is_city_admin")


@admin.register(Week)
class WeekAdmin(admin.ModelAdmin):
    list_display = ("as_of", "rows", "model_version", "imported_at")


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("talent", "county", "action", "action_date", "list_as_of")
    list_filter = ("county", "action")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "event", "talent_id", "county")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
