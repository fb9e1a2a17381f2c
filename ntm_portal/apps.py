from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NtmPortalConfig(AppConfig):
    name = "ntm_portal"
    verbose_name = _("Cổng NTM")

    def ready(self) -> None:
        # Each app's roster kinds register themselves when their `rosters` module is imported.
        from .rosters.registry import autodiscover

        autodiscover()
