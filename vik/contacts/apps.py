from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "vik.contacts"
    label = "contacts"
    verbose_name = "Contacts"
