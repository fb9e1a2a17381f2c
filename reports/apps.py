from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Văn bản và báo cáo")

    def ready(self) -> None:
        # Each kind of document registers itself when its module of reports/kinds/ is imported.
        from .kinds.registry import autodiscover

        autodiscover()
        # What the portal issued holds numbers of the People's Committee's register too.
        from ntm_portal.registers import register_number_holder

        from .services import documents_in_register

        register_number_holder(documents_in_register)
