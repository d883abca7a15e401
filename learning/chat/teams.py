"""Microsoft Teams through Workflows: a notice or a cohort's news as an Adaptive Card, posted
to the webhook a person (their chat) or a facilitator (a channel) made in Teams."""

from flask_babel import gettext as _

from learning.api.webhooks import checked_url
from learning.errors import Refused
from learning.security import unseal

CARD = "application/vnd.microsoft.card.adaptive"


def checked_address(address, field="address"):
    """A Workflows webhook address, if messages may go there: the rules of webhooks'
    addresses (learning.api.webhooks.checked_url), said next to `field`."""
    try:
        return checked_url(address)
    except Refused as refused:
        raise Refused(str(refused), field) from None


def card(title, text, link, place=""):
    """The Adaptive Card of a notice or a cohort's news, with a button to open it."""
    body = [{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True}]
    if text:
        body.append({"type": "TextBlock", "text": text, "wrap": True})
    if place:
        body.append({"type": "TextBlock", "text": place, "isSubtle": True, "spacing": "None",
                     "wrap": True})  # fmt: skip
    return {
        "type": "message",
        "attachments": [{"contentType": CARD, "contentUrl": None, "content": {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.4",
            "body": body,
            "actions": [{"type": "Action.OpenUrl", "title": _("Open"), "url": link}],
        }}],
    }  # fmt: skip


def post(sealed_address, payload):
    import requests  # 8 MB with its own, for the chat worker only

    from learning.chat.tasks import Permanent

    address = unseal(sealed_address)
    if not address:
        raise Permanent("Teams: the workflow's address cannot be read (SECRET_KEY changed?)")
    answer = requests.post(address, json=payload, timeout=10, allow_redirects=False)
    if answer.status_code == 429 or answer.status_code >= 500:
        error = requests.HTTPError(f"Teams answered {answer.status_code}")
        error.retry_after = int(answer.headers.get("Retry-After", 0) or 0) or None
        raise error
    if answer.status_code >= 300:
        raise Permanent(f"Teams answered {answer.status_code}: {answer.text[:200]}")
