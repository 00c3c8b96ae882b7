"""Sending a personal mail over the coach's SMTP server, or saying clearly why it failed."""

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from core.config import SmtpSettings
from core.validation import email_problem

TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Attachment:
    """A file that goes along with a mail."""

    file_name: str
    data: bytes
    mime: str = "application/pdf"


class MailFailed(Exception):
    """Nothing was sent; `message_key` says why, for the coach."""

    def __init__(self, message_key: str) -> None:
        super().__init__(message_key)
        self.message_key = message_key


def send_mail(
    smtp: SmtpSettings,
    *,
    to: str,
    subject: str,
    body: str,
    sender_name: str,
    reply_to: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> None:
    """Send one plain-text mail from the practice's address, answered to the coach's own
    (`reply_to`); raises MailFailed (nothing sent) with a message key."""
    if not to.strip() or email_problem(to):
        raise MailFailed("mail.bad_recipient")
    message = EmailMessage()
    message["From"] = formataddr((sender_name, smtp.sender))
    message["To"] = to.strip()
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    if reply_to and not email_problem(reply_to):
        message["Reply-To"] = formataddr((sender_name, reply_to.strip()))
    message.set_content(body)
    for attachment in attachments:
        main, sub = attachment.mime.split("/", 1)
        message.add_attachment(
            attachment.data, maintype=main, subtype=sub, filename=attachment.file_name
        )
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            server.send_message(message)
    except smtplib.SMTPRecipientsRefused as refused:
        raise MailFailed("mail.recipient_refused") from refused
    except smtplib.SMTPAuthenticationError as denied:
        raise MailFailed("mail.login_refused") from denied
    except TimeoutError as slow:
        raise MailFailed("mail.timeout") from slow
    except smtplib.SMTPServerDisconnected as lost:  # smtplib wraps a read timeout in this
        key = "mail.timeout" if "timed out" in str(lost) else "mail.unreachable"
        raise MailFailed(key) from lost
    except (OSError, smtplib.SMTPException) as failed:
        raise MailFailed("mail.unreachable") from failed
