from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NtmPortalConfig(AppConfig):
    name = "ntm_portal"
    verbose_name = _("Cổng NTM")

    def ready(self) -> None:
        # Each app's roster kinds register themselves when their `rosters` module is imported.
        from .rosters.registry import autodiscover

        autodiscover()

        # Notifications made or changed one by one (the admin, tests) drop the cached count too.
        from django.db.models.signals import post_delete, post_save

        from .models import Notification
        from .notifications import unread_changed

        def changed(sender, instance, **kwargs) -> None:
            unread_changed([instance.user_id])

        post_save.connect(changed, sender=Notification, weak=False)
        post_delete.connect(changed, sender=Notification, weak=False)
