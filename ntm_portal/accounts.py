"""What makes an account's name and address acceptable, for every way an account is made (the
users roster, an agency's members page, the admin's user form)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .models import ROLE_SCOPE_FIELD, SCOPE_FIELDS, Role, User

USERNAME_MAX = 150  # AbstractUser.username


def username_problem(username: str) -> str:
    """Why a username cannot be used ('' when it can): letters, digits and @ . + - _ only."""
    if not username:
        return _("Tên đăng nhập: không được để trống.")
    if len(username) > USERNAME_MAX or not all(c.isalnum() or c in "@.+-_" for c in username):
        return _("Tên đăng nhập chỉ gồm chữ, số và @ . + - _ (tối đa 150 ký tự).")
    return ""


def email_problem(email: str) -> str:
    """Why an address cannot be used ('' when it can)."""
    try:
        validate_email(email)
    except ValidationError:
        return _("Email không hợp lệ.")
    return ""


def scope_problem(role: str, scope: Mapping[str, object]) -> str:
    """Why these scope fields do not fit the role ('' when they do): the role's one field
    (ROLE_SCOPE_FIELD) is chosen and every other is empty. The database holds the same rule
    (user_scope_matches_role); this says which field is wrong, in words."""
    try:
        role = Role(role)
    except ValueError:
        return _("Vai trò: chọn một vai trò trong danh sách.")
    needed = ROLE_SCOPE_FIELD[role]
    names = {name: str(User._meta.get_field(name).verbose_name) for name in SCOPE_FIELDS}
    extra = [names[name] for name in SCOPE_FIELDS if name != needed and scope.get(name)]
    if extra and needed is None:
        return _("%(role)s không gắn với đơn vị nào: bỏ chọn %(fields)s.") % {
            "role": role.label,
            "fields": ", ".join(extra),
        }
    if extra:
        return _("%(role)s chỉ gắn với %(scope)s: bỏ chọn %(fields)s.") % {
            "role": role.label,
            "scope": names[needed],
            "fields": ", ".join(extra),
        }
    if needed and not scope.get(needed):
        return _("%(role)s: chọn %(scope)s.") % {"role": role.label, "scope": names[needed]}
    return ""
