from django.apps import AppConfig

from vik.core.memo import forget_on_change_of


class TopicsConfig(AppConfig):
    name = "vik.topics"
    label = "topics"
    verbose_name = "Topics"

    def ready(self) -> None:
        forget_on_change_of(self.label)  # its rows are configuration a worker remembers
