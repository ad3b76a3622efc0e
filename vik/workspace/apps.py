from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from vik.core.memo import forget_on_change_of

from .kept import list_columns_changed, saved_views_changed


class WorkspaceConfig(AppConfig):
    name = "vik.workspace"
    label = "workspace"
    verbose_name = "Agent workspace"

    def ready(self) -> None:
        # The list's tag drop-down is remembered a few seconds like configuration
        # (`requests.selectors.filter_choices`): a new tag forgets it in this process.
        forget_on_change_of("conversations.tag")
        # The saved views and the chosen columns kept in the shared cache (`kept`): any
        # change forgets them in every process.
        for signal in (post_save, post_delete):
            signal.connect(
                saved_views_changed,
                sender="workspace.SavedView",
                dispatch_uid=f"vik.workspace.views.{signal!r}",
            )
            signal.connect(
                list_columns_changed,
                sender="workspace.ListColumns",
                dispatch_uid=f"vik.workspace.columns.{signal!r}",
            )
