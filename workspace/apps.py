"""The Django app config."""

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "workspace"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "人才工作台 Officers' workspace"
