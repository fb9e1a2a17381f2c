from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorshipsConfig(AppConfig):
    name = "sponsorships"
    verbose_name = _("Đỡ đầu, phụ trách")

    def ready(self) -> None:
        # Communes cannot see assignments; an agency member's communes are declared from here.
        from ntm_portal.access import register_commune_reach
        from ntm_portal.models import Role

        from .access import assigned_communes

        register_commune_reach(Role.AGENCY, assigned_communes)
