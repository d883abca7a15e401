"""Jobs that look an address up, so the pages that ask for them answer the same for anyone."""

from learning.jobs.services import task
from learning.people import services


@task
def send_password_reset(email):
    services.send_password_reset(email)


@task
def resend_invitation(email):
    services.resend_invitation(email)
