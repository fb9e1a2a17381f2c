from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorshipsConfig(AppConfig):
    name = "sponsorships"
    verbose_name = _("Đỡ đầu, phụ trách")

    def ready(self) -> None:
        # Communes cannot see assignments; an agency member's communes are declared from here.
        from communes import facts
        from ntm_portal.access import register_commune_reach
        from ntm_portal.models import Role

        from .access import assigned_communes
        from .facts import inspection_facts

        register_commune_reach(Role.AGENCY, assigned_communes)
        # The province's decisions typed in hold numbers of its People's Committee's register.
        from ntm_portal.registers import register_number_holder

        from .services import decisions_in_register

        register_number_holder(decisions_in_register)
        # A commune's page (a floor below) shows its last inspection.
        facts.register(30, inspection_facts)
