"""Every route's permission comes from an access module: RULES names the rule each route
asks, and asking the route (as each of the demo's people) runs it."""

import functools
import sys

import pytest

from challenges import access as challenges
from cohorts import access as cohorts
from cohorts.meetings import access as meetings
from feedback import access as feedback
from feedback.polls import access as polls
from learning.api import access as api_access
from learning.insights import access as reports
from learning.people import access as platform
from tests.conftest import CSRF_META
from tests.world import TABLES, sign_in_everyone, world_urls

# Routes for anyone, signed in or not: what each is.
OPEN = {
    "static": "CSS, the self-hosted htmx and images",
    "home.health": "the health check load balancers ask",
    "home.icon": "the site's icon, which browsers ask for",
    "auth.sign_in": "the sign-in page",
    "auth.forgot_password": "asking for a reset link",
    "auth.reset_password": "a reset link, valid by its signed token",
    "onboarding.start": "an invitation, valid by its signed token",
    "onboarding.new_link": "asking for a new invitation link",
    "notify.unsubscribe": "one-click unsubscribe, valid by its signed token",
    "sso.start": "leaving for the company's identity provider to sign in",
    "sso.done": "back from it, valid by the state and the signed ID token it brings",
    "scim.serve": "the company's directory (SCIM), valid by a live token of ours",
    "sso.saml_start": "leaving for the company's SAML identity provider to sign in",
    "sso.saml_done": "its answer, valid by its signature and the request it answers",
    "sso.saml_metadata": "this service's SAML metadata, for the provider's admins",
    "api.openapi": "the API's OpenAPI document",
    "calendar.feed": "a person's calendar feed, valid by its secret address",
    "chat.events": "Slack's requests to the app, valid by the app's signature",
    "api.reference": "the API's reference, for integrators",
}
# Routes for everyone signed in, about their own things only (flask-login's login_required).
OWN = {
    "home.index", "auth.account", "auth.change_password", "auth.save_preferences",
    "auth.language_and_time",
    "auth.sign_out", "auth.sign_out_everywhere", "onboarding.profile", "onboarding.guidelines",
    "onboarding.preferences", "notify.bell", "notify.index", "notify.open_notice",
    "notify.read_all", "challenges.mine", "challenges.numbers", "challenges.away",
    "feedback.find", "feedback.preview", "digest.preview",
    # A page's live events: the person's own, and a place's only by the place's own rule
    # (registered by its domain: cohorts.access.access_cohort).
    "live.stream",
    # One's own API tokens (a service token's revocation asks learning.api.access).
    "api.tokens", "api.revoke",
    # One's own calendar address; one's own Slack and Teams accounts.
    "calendar.page", "calendar.new_address", "chat.account", "chat.find_slack",
    "chat.link_slack", "chat.connect_teams", "chat.unlink",
}  # fmt: skip
# Every other route: the access rule it asks (in the view, or in the service it calls).
RULES = {
    "programs.index": cohorts.require_manager,
    "programs.new": cohorts.require_manager,
    **dict.fromkeys(
        ["programs.show", "programs.edit", "programs.upload", "programs.builder",
         "programs.move_draft_member", "programs.rename", "programs.lock", "programs.facilitator",
         "programs.publish", "programs.late_joiner", "programs.analytics",
         "challenges.program", "challenges.new_for_program"],
        cohorts.access_program,
    ),
    "programs.import_status": cohorts.access_import,
    "programs.start_import": cohorts.access_import,
    "cohorts.show": cohorts.access_cohort,
    "cohorts.feed": cohorts.access_cohort,
    "cohorts.person": cohorts.access_cohort,
    "cohorts.remove": cohorts.can_remove_member,
    "cohorts.leave": cohorts.access_own_cohort,
    "cohorts.move_request": cohorts.access_own_cohort,
    "cohorts.kudos": cohorts.access_own_cohort,
    "cohorts.cheer": cohorts.access_own_cohort,
    "cohorts.move_member": cohorts.access_open_request,
    "cohorts.decline": cohorts.access_open_request,
    "cohorts.health": cohorts.access_cohort_health,
    "cohorts.channels": cohorts.access_cohort_health,
    "meetings.index": cohorts.access_cohort,
    "meetings.download": meetings.access_meeting,
    "meetings.edit": meetings.access_meeting_to_change,
    "meetings.cancel": meetings.can_schedule,
    "challenges.new_for_cohort": challenges.access_cohort_to_set,
    "challenges.edit": challenges.access_challenge_to_change,
    "challenges.show": challenges.access_challenge,
    "challenges.check_in": challenges.access_challenge,
    "challenges.progress_bar": challenges.access_challenge,
    "challenges.edit_check_in": challenges.access_check_in,
    "challenges.delete_check_in": challenges.access_check_in,
    "challenges.board": cohorts.access_cohort,
    "challenges.hide_board": challenges.can_hide_board,
    "feedback.threads": cohorts.access_own_cohort,
    "feedback.start_thread": cohorts.access_own_cohort,
    "feedback.moderation": feedback.can_moderate,
    "feedback.moderate": feedback.access_report,
    "feedback.edit_thread": feedback.require_author,
    "feedback.edit_reply": feedback.require_author,
    "feedback.accept": feedback.can_accept,
    "feedback.helpful": feedback.can_mark_helpful,
    "feedback.pin": feedback.can_moderate,
    "feedback.restore": feedback.can_moderate,
    **dict.fromkeys(
        ["feedback.show", "feedback.reply", "feedback.new_replies", "feedback.react",
         "feedback.report", "feedback.remove_thread"],
        feedback.access_thread,
    ),
    "feedback.remove_reply": feedback.access_reply,
    "polls.index": cohorts.access_own_cohort,
    "polls.start": polls.can_start,
    "polls.who_starts": polls.can_choose_who_starts,
    **dict.fromkeys(["polls.show", "polls.results", "polls.vote"], polls.access_poll),
    "polls.close": polls.can_close,
    "polls.stop": polls.can_repeat,
    **dict.fromkeys(
        ["admin.index", "audit.index", "people.index", "people.set_roles", "deliveries.failed",
         "deliveries.retry", "digest.admin", "outbox.index", "outbox.show", "privacy.person",
         "privacy.erase", "privacy.download", "recognition.values", "recognition.add_value",
         "recognition.edit_value", "recognition.archive_value", "recognition.messages",
         "sso.admin", "sso.try_sign_in", "sso.confirm_link", "scim.tokens", "scim.revoke",
         "scim.choose_groups", "chat.admin", "chat.manifest", "chat.remove_slack"],
        platform.require_admin,
    ),
    **dict.fromkeys(
        ["api.service_tokens", "api.webhooks_page", "api.webhook", "api.switch_webhook",
         "api.remove_webhook", "api.send_again"],
        api_access.require_token_admin,
    ),
    "people.invite": platform.require_inviter,
    "reports.participation": reports.require_reader,
    "reports.individual": reports.require_reader,
    "reports.export": reports.require_reader,
    "reports.export_status": reports.access_export,
    "reports.download": reports.access_export,
}  # fmt: skip


def api_routes(app):
    """The public API's routes: each needs a token with its scope, then asks the rule of the
    page that shows the same (tests/api/test_access_table.py asks each as each kind of token)."""
    return {e for e in app.view_functions if e.split(".")[0].endswith("_api")}


def test_every_route_is_open_for_its_own_things_or_names_its_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    api = api_routes(app)
    assert all(app.view_functions[e].scope in api_access.SCOPES for e in api)
    assert endpoints == set(OPEN) | OWN | set(RULES) | api
    assert not set(OPEN) & OWN and not (set(OPEN) | OWN) & set(RULES)
    for endpoint, rule in RULES.items():
        # The view's own package's rules, or those of a package it builds on.
        package = app.view_functions[endpoint].__module__.rsplit(".", 1)[0]
        assert rule.__module__ in (f"{package}.access", *ALLOWED.get(package, ())), endpoint


ALLOWED = {
    "challenges": ("cohorts.access",),
    "feedback": ("cohorts.access",),
    "feedback.polls": ("cohorts.access",),
    "cohorts.meetings": ("cohorts.access",),
    **dict.fromkeys(
        ["learning.audit", "learning.mail", "learning.digest", "learning.privacy",
         "learning.recognition", "learning.people", "learning.sso", "learning.scim",
         "learning.chat"],
        ("learning.people.access",),
    ),
}  # fmt: skip


LAST = {"cohorts.leave", "cohorts.remove", "cohorts.move_member", "privacy.erase"}


def _rules_run(ask):
    """The functions of access modules that run while `ask()` answers."""
    ran = set()

    def profile(frame, event, arg):
        if event == "call" and frame.f_globals.get("__name__", "").endswith(".access"):
            ran.add((frame.f_globals["__name__"], frame.f_code.co_name))

    sys.setprofile(profile)
    try:
        ask().close()
    finally:
        sys.setprofile(None)
    return ran


@pytest.mark.timeout(300)
def test_asking_a_route_runs_the_rule_it_names(app, demo):
    app.config.update(SIGNIN_LIMIT="10000 per minute", DEV_OUTBOX=True, SMTP_URL="")
    clients = sign_in_everyone(app)
    del clients["anonymous"]
    urls = world_urls(app, demo)
    tokens = {who: CSRF_META.search(c.get("/").text).group(1) for who, c in clients.items()}
    missing = {}
    # Reading first, then writing; what takes someone out of the cohort last.
    for endpoint, method in sorted(TABLES, key=lambda r: (r[1] != "GET", r[0] in LAST, r)):
        if endpoint not in RULES:
            continue
        ran, url = set(), urls[endpoint]
        for who, client in clients.items():
            if method == "GET":
                ran |= _rules_run(functools.partial(client.get, url))
            else:
                data = {"csrf_token": tokens[who]}
                ran |= _rules_run(functools.partial(client.post, url, data=data, csrf=False))
        rule = RULES[endpoint]
        if (rule.__module__, rule.__name__) not in ran:
            missing[endpoint, method] = sorted(ran)
    assert missing == {}
