from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "vik.training"
    label = "training"
    verbose_name = "Staff trainings"
