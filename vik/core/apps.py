from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save

from .memo import forget_lasting
from .search import register_sqlite_fold


class CoreConfig(AppConfig):
    name = "vik.core"
    label = "core"
    verbose_name = "VIK core"

    def ready(self) -> None:
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(forget_lasting, dispatch_uid=f"vik.core.memo.{signal!r}")
        connection_created.connect(register_sqlite_fold, dispatch_uid="vik.core.search.sqlite")
