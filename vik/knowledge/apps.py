from django.apps import AppConfig

from vik.core.memo import forget_on_change_of


class KnowledgeConfig(AppConfig):
    name = "vik.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge centre"

    def ready(self) -> None:
        # The editors' synonyms are read by every search and remembered for a few seconds.
        forget_on_change_of("knowledge.synonym")
