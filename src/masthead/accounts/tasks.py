"""Background work for accounts: delivering the emails allauth renders.

Mail leaves the request through the task queue, so a sign-up, a password reset or an
email change answers the same way, as fast, whether or not the address exists and
whether or not the mail server is up (enumeration-proof even when SMTP fails).
"""

import logging

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.tasks import task

log = logging.getLogger(__name__)


def email_enqueue(message: EmailMessage) -> None:
    """Queue ``message`` for delivery by the default mailer."""
    alternatives = [
        [alt.content, alt.mimetype]
        for alt in getattr(message, "alternatives", [])
        if isinstance(alt.content, str)
    ]
    email_deliver.enqueue(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        headers={k: str(v) for k, v in (message.extra_headers or {}).items()},
        alternatives=alternatives,
        content_subtype=message.content_subtype,
    )


@task
def email_deliver(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    headers: dict[str, str],
    alternatives: list[list[str]],
    content_subtype: str = "plain",
) -> int:
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    message.content_subtype = content_subtype
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    try:
        return message.send()
    except Exception:
        # The task backend records the failure too; this line is for whoever reads the logs.
        log.exception("could not deliver %r to %d recipient(s)", subject, len(to))
        raise
