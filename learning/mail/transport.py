"""Turning a delivery into a message and sending it: SMTP, or .eml files in development."""

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
    return message


def transmit(message):
    """Send over SMTP_URL, or write an .eml file to the outbox folder when it is unset."""
    url = current_app.config["SMTP_URL"]
    if not url:
        outbox = Path(current_app.config["OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        (outbox / f"{name}.eml").write_bytes(bytes(message))
        return
    parts = urlsplit(url)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname, parts.port or 25, timeout=30) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
