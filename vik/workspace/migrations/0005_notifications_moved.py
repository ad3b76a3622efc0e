"""Notifications and their preferences moved to the notifications app (`notifications.0001`):
forgotten here in Django's state only, so their tables and rows stay for that app."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('workspace', '0004_notification_email_outbox'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Notification'),
                migrations.DeleteModel(name='NotificationPreference'),
            ],
        ),
    ]
