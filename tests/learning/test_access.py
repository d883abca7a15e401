"""The platform's own pages (notifications, unsubscribing, recognition, mail admin, digests), for
every kind of visitor: the table must name every route of these blueprints."""

from learning.mail.models import Delivery
from learning.people.models import PersonRole
from learning.recognition.models import CompanyValue, MilestoneTemplate
from tests.conftest import ROLE_FIXTURES
from tests.routes import check_table, routes

SIGNED_IN = {"anonymous": 302}
ADMIN_ONLY = {"anonymous": 302, "member": 403, "ld_manager": 403, "hr": 403}
HR_ONLY = {"anonymous": 302, "member": 403, "ld_manager": 403, "admin": 403}
TABLE = {
    ("notify.index", "GET"): {**SIGNED_IN, "member": 200, "admin": 200},
    ("notify.bell", "GET"): {**SIGNED_IN, "member": 200, "admin": 200},
    ("notify.open_notice", "POST"): {**SIGNED_IN, "member": 404, "admin": 404},
    ("notify.read_all", "POST"): SIGNED_IN,
    # The link's signature is the authority; a made-up one is not found, signed in or not.
    ("notify.unsubscribe", "GET"): {"anonymous": 404, "member": 404},
    ("notify.unsubscribe", "POST"): {"anonymous": 404, "member": 404},
    ("recognition.values", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("recognition.add_value", "POST"): ADMIN_ONLY,
    ("recognition.edit_value", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("recognition.edit_value", "POST"): ADMIN_ONLY,
    ("recognition.archive_value", "POST"): ADMIN_ONLY,
    ("recognition.messages", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("recognition.messages", "POST"): ADMIN_ONLY,
    ("deliveries.failed", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("deliveries.retry", "POST"): ADMIN_ONLY,
    ("digest.preview", "GET"): {**SIGNED_IN, "member": 200, "hr": 200, "admin": 200},
    # An empty form is refused, and changes nothing.
    ("digest.preview", "POST"): {**SIGNED_IN, "member": 422},
    ("digest.admin", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("reports.participation", "GET"): {**HR_ONLY, "hr": 200},
    ("reports.export", "POST"): {**HR_ONLY, "hr": 303},
    ("reports.individual", "GET"): {**HR_ONLY, "hr": 200},
    ("reports.individual", "POST"): {
        **HR_ONLY,
        "hr": 422,
    },  # no purpose, no password  # the whole report, as an XLSX
    # Someone else's export, or none: not found, for HR too.
    ("reports.export_status", "GET"): {**HR_ONLY, "hr": 404},
    ("reports.download", "GET"): {**HR_ONLY, "hr": 404},
}


def test_the_table_names_every_route_of_these_pages(app):
    assert routes(app, "notify", "recognition", "deliveries", "digest", "reports") == set(TABLE)


def test_every_route_answers_every_visitor_as_the_table_says(app, make_person, sign_in):
    role_clients = {"anonymous": app.test_client()} | {
        role: sign_in(make_person(roles=roles)) for role, roles in ROLE_FIXTURES.items()
    }
    value = CompanyValue.get()
    delivery = Delivery.create(
        key="k", to_address="a@example.com", subject="s", text_body="t", html_body="h",
        status="failed",
    )  # fmt: skip
    ids = {"notification_id": 999, "token": "made-up", "value_id": value.id,
           "delivery_id": delivery.id, "export_id": 999}  # fmt: skip
    check_table(app, TABLE, role_clients, ids)
    # None of the refused writes changed anything.
    assert CompanyValue.get_by_id(value.id).archived_at is None
    assert Delivery.get_by_id(delivery.id).status == "failed"
    assert MilestoneTemplate.select().count() == 0


# Sign-in, account, onboarding, people admin, audit, home and development pages.
ANONYMOUS_ONLY = {"anonymous": 303}
PLATFORM = {
    ("home.index", "GET"): {**SIGNED_IN, "member": 200, "hr": 200, "ld_manager": 200},
    ("home.health", "GET"): {"anonymous": 200},
    ("home.icon", "GET"): {"anonymous": 301, "member": 301},
    ("static", "GET"): {"anonymous": 200, "member": 200},
    ("audit.index", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("admin.index", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("people.index", "GET"): {**ADMIN_ONLY, "admin": 200},
    # What an admin may do with roles is tested with the people admin.
    ("people.set_roles", "POST"): ADMIN_ONLY,
    ("privacy.person", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("privacy.download", "POST"): {**ADMIN_ONLY, "admin": 200},  # audited, hence a POST
    ("privacy.erase", "POST"): {**ADMIN_ONLY, "admin": 422},  # not confirmed: nothing erased
    ("people.invite", "GET"): {
        "anonymous": 302,
        "member": 403,
        "hr": 403,
        "ld_manager": 200,
        "admin": 200,
    },  # fmt: skip
    ("people.invite", "POST"): {"anonymous": 302, "member": 403, "hr": 403, "ld_manager": 422},
    # With SMTP configured (as in tests and production) the development outbox does not exist.
    ("outbox.index", "GET"): {"anonymous": 302, "member": 404, "admin": 404},
    ("outbox.show", "GET"): {"anonymous": 302, "member": 404, "admin": 404},
    ("auth.sign_in", "GET"): {"anonymous": 200, "member": 302},
    ("auth.sign_in", "POST"): {"anonymous": 422, "member": 302},
    ("auth.forgot_password", "GET"): {"anonymous": 200, "member": 200},
    ("auth.forgot_password", "POST"): {"anonymous": 422},
    ("auth.reset_password", "GET"): {"anonymous": 404, "member": 404},
    ("auth.reset_password", "POST"): {"anonymous": 404},
    ("auth.account", "GET"): {**SIGNED_IN, "member": 200, "admin": 200},
    ("auth.change_password", "POST"): {**SIGNED_IN, "member": 422},
    ("auth.save_preferences", "POST"): {**SIGNED_IN, "member": 422},
    ("auth.language_and_time", "POST"): {**SIGNED_IN, "member": 422},
    # Signing out is harmless for anyone; signed-in visitors are checked in test_auth.
    ("auth.sign_out", "POST"): ANONYMOUS_ONLY,
    ("auth.sign_out_everywhere", "POST"): SIGNED_IN,
    ("onboarding.start", "GET"): {"anonymous": 404, "member": 404},
    ("onboarding.start", "POST"): {"anonymous": 404},
    ("onboarding.guidelines", "GET"): {**SIGNED_IN, "member": 200},
    ("onboarding.guidelines", "POST"): {**SIGNED_IN, "member": 422},
    ("onboarding.preferences", "GET"): {**SIGNED_IN, "member": 200},
    ("onboarding.preferences", "POST"): {**SIGNED_IN, "member": 422},
    ("onboarding.new_link", "POST"): {"anonymous": 422},
    # Signed-in people past onboarding's first step are sent home.
    ("onboarding.profile", "GET"): {**SIGNED_IN, "member": 302},
    ("onboarding.profile", "POST"): {**SIGNED_IN, "member": 302},
    # Without a provider set up (OIDC_ISSUER), company sign-in does not exist.
    ("sso.start", "GET"): {"anonymous": 404, "member": 404},
    ("sso.done", "GET"): {"anonymous": 404, "member": 404},
    ("sso.saml_start", "GET"): {"anonymous": 404, "member": 404},
    ("sso.saml_done", "POST"): {"anonymous": 404, "member": 404},
    ("sso.saml_metadata", "GET"): {"anonymous": 404, "member": 404},
    ("sso.admin", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("sso.admin", "POST"): ADMIN_ONLY,
    ("sso.try_sign_in", "POST"): {**ADMIN_ONLY, "admin": 404},
    ("sso.confirm_link", "POST"): {**ADMIN_ONLY, "admin": 404},
    # The directory's door answers a missing token with SCIM's 401, signed in or not.
    **{
        ("scim.serve", method): {"anonymous": 401, "member": 401, "admin": 401}
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    },
    ("scim.tokens", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("scim.tokens", "POST"): ADMIN_ONLY,
    ("scim.revoke", "POST"): {**ADMIN_ONLY, "admin": 404},
    ("scim.choose_groups", "POST"): {**ADMIN_ONLY, "admin": 303},  # nothing chosen: said so
    # A page's live events: a person's own; a cohort's only for those who see it
    # (tests/learning/test_live_events.py).
    ("live.stream", "GET"): {**SIGNED_IN, "member": 200, "admin": 200},
    # The API's document and reference are for anyone; tokens are one's own, or the admins'.
    ("api.openapi", "GET"): {"anonymous": 200, "member": 200},
    ("api.reference", "GET"): {"anonymous": 200, "member": 200},
    ("api.tokens", "GET"): {**SIGNED_IN, "member": 200, "hr": 200},
    ("api.tokens", "POST"): {**SIGNED_IN, "member": 422},  # nothing chosen: said so
    ("api.revoke", "POST"): {**SIGNED_IN, "member": 404, "admin": 404},
    ("api.service_tokens", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("api.service_tokens", "POST"): {**ADMIN_ONLY, "admin": 422},
    ("api.webhooks_page", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("api.webhooks_page", "POST"): {**ADMIN_ONLY, "admin": 422},
    ("api.webhook", "GET"): {**ADMIN_ONLY, "admin": 404},
    ("api.switch_webhook", "POST"): {**ADMIN_ONLY, "admin": 404},
    ("api.remove_webhook", "POST"): {**ADMIN_ONLY, "admin": 404},
    ("api.send_again", "POST"): {**ADMIN_ONLY, "admin": 404},
    ("calendar.page", "GET"): {**SIGNED_IN, "member": 200, "admin": 200},
    ("calendar.new_address", "POST"): {**SIGNED_IN, "member": 303},
    # The address is the authority; a made-up one is not found, signed in or not.
    ("calendar.feed", "GET"): {"anonymous": 404, "member": 404},
    # Slack and Teams: with no Slack app connected, Slack's address and its links find nothing.
    ("chat.admin", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("chat.admin", "POST"): {**ADMIN_ONLY, "admin": 422},
    ("chat.manifest", "GET"): {**ADMIN_ONLY, "admin": 200},
    ("chat.remove_slack", "POST"): {**ADMIN_ONLY, "admin": 303},
    ("chat.events", "POST"): {"anonymous": 404, "member": 404},
    ("chat.account", "GET"): {**SIGNED_IN, "member": 200, "admin": 200},
    ("chat.find_slack", "POST"): {**SIGNED_IN, "member": 404},
    ("chat.link_slack", "GET"): {**SIGNED_IN, "member": 404},
    ("chat.link_slack", "POST"): {**SIGNED_IN, "member": 404},
    ("chat.connect_teams", "POST"): {**SIGNED_IN, "member": 422},
    ("chat.unlink", "POST"): {**SIGNED_IN, "member": 303},
}


def test_the_platform_table_names_every_route_of_its_pages(app):
    blueprints = ("home", "static", "audit", "people", "privacy", "outbox", "auth", "onboarding",
                  "admin", "sso", "scim", "live", "api", "calendar", "chat")  # fmt: skip
    assert routes(app, *blueprints) == set(PLATFORM)


def test_every_platform_route_answers_every_visitor_as_the_table_says(app, make_person, sign_in):
    role_clients = {"anonymous": app.test_client()} | {
        role: sign_in(make_person(roles=roles)) for role, roles in ROLE_FIXTURES.items()
    }
    member = make_person(email="kept@example.com")
    ids = {"person_id": member.id, "token": "made-up", "name": "none.eml",
           "filename": "css/app.css", "identity_id": 999, "token_id": 999,
           "rest": "Users", "subscription_id": 999, "delivery_id": 999,
           "service": "teams"}  # fmt: skip
    check_table(app, PLATFORM, role_clients, ids)
    # The refused role change changed nothing.
    assert [r.role for r in PersonRole.select().where(PersonRole.person == member.id)] == ["member"]
