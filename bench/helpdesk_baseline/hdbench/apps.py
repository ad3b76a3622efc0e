from django.apps import AppConfig


class HdbenchConfig(AppConfig):
    name = "hdbench"
    default_auto_field = "django.db.models.AutoField"
