"""django-axes as INSTALLED_APPS names it: its own app config, with a Vietnamese name in the
admin (axes calls itself "Axes", not translatable). In a module of its own: a second AppConfig in
ntm_portal/apps.py would leave Django unsure which one is the portal's."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Đăng nhập sai và khoá tài khoản")
