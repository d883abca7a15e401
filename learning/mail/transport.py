"""Turning a delivery into a message and sending it: SMTP, or .eml files in development."""

import contextlib
import re
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app


def build_message(delivery):
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = delivery.to_address
    message["Subject"] = delivery.subject
    message["Date"] = formatdate(localtime=False)
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    # Stable across retries, so a receiving server can drop a duplicate too.
    message["Message-ID"] = f"<{delivery.key}@{domain}>"
    if delivery.unsubscribe_url:
        # RFC 8058: mail clients offer one click, which POSTs to the link.
        message["List-Unsubscribe"] = f"<{delivery.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(delivery.text_body)
    message.add_alternative(delivery.html_body, subtype="html")
    if delivery.calendar:
        _add_invite(message, delivery.calendar)
    return message


def _add_invite(message, calendar):
    """An invite as mail clients expect it: a text/calendar alternative with the method, which
    Outlook and Gmail show as an event, and the same as an invite.ics attachment for the rest."""
    method = re.search(r"^METHOD:(\w+)", calendar, re.MULTILINE)
    params = {"method": method.group(1) if method else "PUBLISH"}
    message.add_alternative(calendar, subtype="calendar", params=params)
    message.make_mixed()
    message.add_attachment(calendar.encode(), maintype="application", subtype="ics",
                           filename="invite.ics")  # fmt: skip


class Sender:
    """Sends messages over SMTP_URL, one connection for many, or writes .eml files to the outbox
    folder when it is unset. The connection opens at the first message and closes after any
    failure, so the next message starts on a fresh one."""

    def __init__(self):
        self.url = current_app.config["SMTP_URL"]
        self.outbox = Path(current_app.config["OUTBOX_DIR"])
        self.smtp = None

    def send(self, message):
        if not self.url:
            self.outbox.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").split("@")[0]
            (self.outbox / f"{name}.eml").write_bytes(bytes(message))
            return
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(message)
        except BaseException:
            self.close()
            raise

    def _connect(self):
        parts = urlsplit(self.url)
        smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        smtp = smtp_class(parts.hostname, parts.port or 25, timeout=30)
        try:
            if parts.scheme == "smtp+starttls":
                smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self):
        if self.smtp is not None:
            smtp, self.smtp = self.smtp, None
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
            smtp.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
