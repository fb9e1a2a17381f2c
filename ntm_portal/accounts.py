"""What makes an account's name and address acceptable, for every way an account is made (the
users roster, an agency's members page)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

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
