from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "vik.workspace"
    label = "workspace"
    verbose_name = "Agent workspace"
