"""Composing mail and handing it to the delivery job."""

from urllib.parse import urlsplit

from flask import current_app, render_template

from learning.db import insert_new
from learning.jobs.services import defer
from learning.mail.models import Delivery
from learning.mail.tasks import deliver


def absolute_url(endpoint, **values):
    """A link for an email: BASE_URL plus the endpoint's path (no request needed)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def send_mail(key, to_address, subject, template, **context):
    """Compose a message from the templates <template>.txt and <template>.html, and queue it.

    Call inside the write's transaction. Asking twice with the same key sends one email."""
    context = {"subject": subject, **context}
    delivery_id = insert_new(
        Delivery.insert(
            key=key,
            to_address=to_address,
            subject=subject,
            text_body=render_template(f"{template}.txt", **context),
            html_body=render_template(f"{template}.html", **context),
        )
    )
    if delivery_id:
        defer(deliver, delivery_id, key=f"mail-{delivery_id}", queue="mail")
