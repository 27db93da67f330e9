"""One outgoing-message interface. Features call ``send_message``; backends deliver.

In-application notifications are always written (accounts.Notification); e-mail goes through Django's
mail backends (a file backend in the demo); SMS through ``GRIDWATCH_SMS_BACKEND`` (a file backend in the
demo, a log-only backend until a gateway is configured).
"""

import json
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class FileSMSBackend:
    """Writes each SMS as one JSON file in GRIDWATCH_SMS_FILE_PATH (demo and tests)."""

    def send(self, phone: str, text: str) -> None:
        directory = Path(settings.GRIDWATCH_SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        payload = {"to": phone, "text": text, "at": timezone.now().isoformat()}
        (directory / f"{timezone.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}.json").write_text(
            json.dumps(payload, ensure_ascii=False), encoding="utf-8"
        )


class LogSMSBackend:
    """Records that an SMS would be sent, without its number or text (no gateway configured)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS backend not configured; one message of %d characters not sent", len(text))


def sms_backend():
    return import_string(settings.GRIDWATCH_SMS_BACKEND)()


def deliver_email(address: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)


def deliver_sms(phone: str, text: str) -> None:
    sms_backend().send(phone, text)
