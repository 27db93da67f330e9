"""Background delivery of outgoing messages through Django's Tasks API (django-tasks backport).

Immediate in the demo and tests; a database-backed worker (``manage.py db_worker``) in production."""

from django_tasks import task

from gridwatch.core import messaging


@task()
def deliver_email(address: str, subject: str, body: str) -> None:
    messaging.deliver_email(address, subject, body)


@task()
def deliver_sms(phone: str, text: str) -> None:
    messaging.deliver_sms(phone, text)
