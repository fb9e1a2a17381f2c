from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .health import WORKER_HEARTBEAT_KEY, record_heartbeat
from .models import Notification
from .queue import RETRY_ON_OUTAGE

HEARTBEAT_CACHE_KEY = WORKER_HEARTBEAT_KEY
INVITATION_SENT_KEY = "invitation-sent-{}"


@shared_task
def heartbeat() -> str:
    """Beat sends this every minute; /healthz shows when a worker last ran it (and when beat
    last sent it: ntm_portal/celery.py)."""
    return record_heartbeat("worker")


@shared_task(**RETRY_ON_OUTAGE)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification; a second run (or a run after beat's sweep) sends nothing more."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        if not notification.user.email:
            # Nothing to send; mark it done so the sweep does not retry it for ever.
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            return False
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
        send_mail(
            subject=f"[Cổng NTM] {notification.message[:120]}",
            message=f"{notification.message}\n\n{link}\n",
            from_email=None,
            recipient_list=[notification.user.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(**RETRY_ON_OUTAGE)
def send_pending_emails() -> int:
    """Beat's sweep for emails that could not be enqueued (broker down) or were lost."""
    stale = timezone.now() - timedelta(minutes=2)
    pending = Notification.objects.filter(emailed_at__isnull=True, created_at__lt=stale)
    ids = list(pending.values_list("pk", flat=True)[:500])
    for notification_id in ids:
        send_notification_email.delay(notification_id)
    return len(ids)


@shared_task(**RETRY_ON_OUTAGE)
def validate_roster(record_id: int) -> bool:
    """Check an uploaded roster in the background; the preview page polls its progress."""
    from .rosters.services import roster_import_validate

    return roster_import_validate(record_id=record_id) is not None


@shared_task(**RETRY_ON_OUTAGE)
def validate_pending_rosters() -> int:
    """Beat's sweep, every minute: checks that could not be enqueued (broker down) or lost their
    worker are sent again or rejected with the reason; the admins are told once."""
    from .rosters.services import roster_imports_sweep_stalled

    result = roster_imports_sweep_stalled()
    return len(result.resent) + len(result.failed)


@shared_task(**RETRY_ON_OUTAGE)
def send_pending_invitations() -> int:
    """Beat's sweep for invitations that could not be enqueued (broker down during an import's
    confirmation): accounts made in the last week that were never used nor invited."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from .models import User

    recent = timezone.now() - timedelta(days=7)
    candidates = list(
        User.objects.filter(
            is_active=True,
            last_login=None,
            date_joined__gte=recent,
            # make_password(None): no password was ever set.
            password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        .exclude(email="")
        .values_list("pk", flat=True)[:1000]
    )
    sent = cache.get_many([INVITATION_SENT_KEY.format(pk) for pk in candidates])
    pending = [pk for pk in candidates if INVITATION_SENT_KEY.format(pk) not in sent]
    for user_id in pending:
        send_invitation_email.delay(user_id)
    return len(pending)


@shared_task(**RETRY_ON_OUTAGE)
def send_invitation_email(user_id: int) -> bool:
    """Invite a user created from a roster to set their password (a password-reset link).

    Sent once: a second run within a week, or for a user who already has a password, sends nothing.
    """
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or user.has_usable_password():
        return False
    if not cache.add(
        INVITATION_SENT_KEY.format(user_id), timezone.now().isoformat(), timeout=8 * 86400
    ):
        return False
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_mail(
        subject=_("[Cổng NTM] Mời đặt mật khẩu"),
        message=_(
            "Chào %(name)s,\n\nTài khoản «%(username)s» của bạn trên Cổng NTM đã được tạo. "
            "Hãy đặt mật khẩu tại địa chỉ sau:\n\n%(link)s\n"
        )
        % {"name": user.get_full_name() or user.username, "username": user.username, "link": link},
        from_email=None,
        recipient_list=[user.email],
    )
    return True


@shared_task(**RETRY_ON_OUTAGE)
def send_password_reset_email(email: str, nonce: str) -> int:
    """The password-reset email for each active account with this address (none for an unknown
    one); a redelivered message (same nonce) sends nothing more."""
    from urllib.parse import urlsplit

    from django.contrib.auth.forms import PasswordResetForm

    form = PasswordResetForm({"email": email})
    if not form.is_valid() or not cache.add(f"password-reset-sent-{nonce}", 1, timeout=86400):
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
    )
    return len(users)
