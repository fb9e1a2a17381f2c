import secrets

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .queue import send_after_commit
from .security import is_over_rate
from .text import fold

# No account has a longer name (AbstractUser.username), and no one types a longer password.
USERNAME_MAX_LENGTH = 150
PASSWORD_MAX_LENGTH = 1024


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên."),
    }

    def clean(self):
        # AuthenticationForm sets the field's max_length after its validators were made, so a
        # 5,000-character name would reach authenticate() and the lockout records.
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if len(username) > USERNAME_MAX_LENGTH or len(password) > PASSWORD_MAX_LENGTH:
            raise self.get_invalid_login_error()
        return super().clean()


class PasswordResetRequestForm(PasswordResetForm):
    """The request only queues the work: the worker looks the address up and sends the email, so
    that the answer takes the same time whether an account has this address or not."""

    def save(self, **kwargs) -> None:
        email = self.cleaned_data["email"]
        if is_over_rate(
            f"password-reset:email:{fold(email)}",
            limit=settings.PASSWORD_RESET_EMAILS_PER_HOUR,
            seconds=3600,
        ):
            return
        # The nonce lets a redelivered message know it was already sent.
        send_after_commit("ntm_portal.tasks.send_password_reset_email", email, secrets.token_hex(8))
