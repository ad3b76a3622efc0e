from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class RequesterType(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    COMPANY = "company", _("company")
    NGO = "ngo", _("non-governmental organisation")
    PUBLIC_BODY = "public_body", _("public body")


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    DATABOX = "databox", _("data box")
    ICO = "ico", _("IČO")
    CHAT = "chat", _("chat visitor")
