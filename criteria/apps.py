from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Bộ tiêu chí và đánh giá")

    def ready(self) -> None:
        # A commune's page (a floor below) shows what criteria knows of it.
        from communes import facts

        from .facts import standing_facts

        facts.register(10, standing_facts)
        # The province's decisions typed in hold numbers of its People's Committee's register.
        from ntm_portal.registers import register_number_holder

        from .registers import decisions_in_register

        register_number_holder(decisions_in_register)
