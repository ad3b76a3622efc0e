"""Notifications and their preferences move here from the workspace app: in Django's state
only. The tables stay as they are (`workspace_notification`, `workspace_notificationpreference`,
named by `db_table`), rows, indexes and constraints included; `workspace.0005` forgets them
there."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('conversations', '0010_request_list_indexes'),
        ('workspace', '0004_notification_email_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('assigned', 'a request was assigned to me'), ('citizen_replied', 'the citizen replied'), ('mention', 'I was mentioned'), ('sla_warning', 'a deadline is near or missed'), ('transfer', 'a request was transferred to my centre'), ('consultation', 'a consultation was asked or answered'), ('knowledge_review', 'an article of mine is due for review')], max_length=32, verbose_name='kind')),
                        ('text', models.CharField(max_length=500, verbose_name='text')),
                        ('created_at', models.DateTimeField(db_index=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('email_due_at', models.DateTimeField(blank=True, null=True)),
                        ('email_attempts', models.PositiveSmallIntegerField(default=0)),
                        ('email_error', models.CharField(blank=True, max_length=300)),
                        ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conversations.request')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'workspace_notification',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['user', 'read_at', '-created_at'], name='notification_unread'), models.Index(condition=models.Q(('email_due_at__isnull', False)), fields=['email_due_at'], name='notification_email_due')],
                    },
                ),
                migrations.CreateModel(
                    name='NotificationPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('assigned', 'a request was assigned to me'), ('citizen_replied', 'the citizen replied'), ('mention', 'I was mentioned'), ('sla_warning', 'a deadline is near or missed'), ('transfer', 'a request was transferred to my centre'), ('consultation', 'a consultation was asked or answered'), ('knowledge_review', 'an article of mine is due for review')], max_length=32, verbose_name='kind')),
                        ('in_app', models.BooleanField(default=True, verbose_name='in the workspace')),
                        ('by_email', models.BooleanField(default=False, verbose_name='by e-mail')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'notification preference',
                        'verbose_name_plural': 'notification preferences',
                        'db_table': 'workspace_notificationpreference',
                        'constraints': [models.UniqueConstraint(fields=('user', 'kind'), name='notification_preference_unique')],
                    },
                ),
            ],
        ),
    ]
