"""The webhook jobs: one try of a delivery, and the sweep that finds the tries due."""

from learning.api import webhooks
from learning.jobs.services import task


@task
def deliver(delivery_id):
    """Send one delivery, once: a claim in the database stops a second worker (or a
    repeated job) from sending it while a try is under way."""
    import requests  # 8 MB with its own, for the worker that sends webhooks only

    taken = webhooks.take(delivery_id)
    if taken is None:
        return "not due"
    delivery, subscription = taken
    try:
        url = webhooks.checked_url(subscription.url)
        answer = requests.post(
            url,
            data=delivery.payload.encode(),
            headers=webhooks.signed_headers(subscription, delivery),
            timeout=webhooks.TIMEOUT,
            allow_redirects=False,
        )
        code, error = answer.status_code, "" if answer.ok else answer.text[:250]
    except (requests.RequestException, ValueError) as failure:
        code, error = None, str(failure)
    return webhooks.record_try(delivery, subscription, code, error)


@task
def sweep_webhooks():
    """Deliveries whose next try is due, or whose worker died mid-try."""
    return webhooks.sweep()
