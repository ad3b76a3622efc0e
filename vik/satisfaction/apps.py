from django.apps import AppConfig

from vik.contacts.personal_data import PersonalDataHolder, personal_data_register


class SatisfactionConfig(AppConfig):
    name = "vik.satisfaction"
    label = "satisfaction"
    verbose_name = "Citizen satisfaction"

    def ready(self) -> None:
        from . import selectors, services  # local import: needs the loaded app registry

        # A rating's comment is the person's: vik.gdpr exports and erases it through the
        # registry, as it may not import this app (they stand on one floor).
        personal_data_register(
            PersonalDataHolder(
                name="satisfaction",
                export=selectors.ratings_export,
                erase=services.ratings_erase,
            )
        )
