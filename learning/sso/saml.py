"""SAML 2.0 sign-in with pysaml2 (its signatures checked by Debian's xmlsec1): this service's
metadata at a stable address, the identity provider's read from `SAML_IDP_METADATA` (a URL
or a file). Assertions must be signed; pysaml2 checks the signature against the provider's
certificate, the audience (this service), the recipient (our assertion consumer), the
validity window and InResponseTo, which must name a request we made and have not seen
answered: a replayed answer names none."""

import base64
import datetime as dt
import re
import shutil

from flask import current_app

from learning.db import atomic, utcnow
from learning.sso.models import SamlRequest

# Where a person's address comes in the provider's attributes, in order: plain names, then
# the claim URIs of Microsoft's providers.
EMAIL = ("email", "mail", "emailaddress",
         "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")  # fmt: skip
NAME = ("name", "displayName", "http://schemas.microsoft.com/identity/claims/displayname")
IN_RESPONSE_TO = re.compile(rb'InResponseTo="([^"]+)"')
KEPT = dt.timedelta(minutes=15)  # how long a request waits for its answer


def configured():
    return bool(current_app.config["SAML_IDP_METADATA"])


def entity_id():
    return f"{current_app.config['BASE_URL']}/sign-in/saml/metadata"


def _config():
    from saml2 import BINDING_HTTP_POST
    from saml2.config import SPConfig
    from saml2.saml import NAMEID_FORMAT_PERSISTENT

    source = current_app.config["SAML_IDP_METADATA"]
    metadata = (
        {"remote": [{"url": source}]} if source.startswith(("http://", "https://"))
        else {"local": [source]}
    )  # fmt: skip
    config = SPConfig()
    config.load({
        "entityid": entity_id(),
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [
                (f"{current_app.config['BASE_URL']}/sign-in/saml/done", BINDING_HTTP_POST)]},
            "want_assertions_signed": True,
            "want_response_signed": False,
            "allow_unsolicited": False,
            "authn_requests_signed": False,
            "name_id_format": NAMEID_FORMAT_PERSISTENT,
        }},
        "metadata": metadata,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "allow_unknown_attributes": True,
    })  # fmt: skip
    return config


def client():
    """This app's SAML client, made once (the provider's metadata read then). pysaml2 is
    imported only once SAML is used (views.init_app says why)."""
    from saml2.client import Saml2Client

    found = current_app.extensions.get("saml")
    if found is None:
        found = current_app.extensions["saml"] = Saml2Client(config=_config())
    return found


def metadata():
    """This service's metadata, for the provider's admins (from the client's configuration:
    the provider's metadata is read once, not at every request)."""
    from saml2.metadata import create_metadata_string

    return create_metadata_string(None, config=client().config, valid=None)


def start(next_page, trying_by=None):
    """The address that takes the browser to the provider, and the request kept for it."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.saml import NAMEID_FORMAT_PERSISTENT

    request_id, info = client().prepare_for_authenticate(
        binding=BINDING_HTTP_REDIRECT, nameid_format=NAMEID_FORMAT_PERSISTENT
    )
    with atomic():
        SamlRequest.delete().where(SamlRequest.created_at < utcnow() - KEPT).execute()
        SamlRequest.create(request_id=request_id, next_page=next_page, trying_by=trying_by)
    return dict(info["headers"])["Location"]


def answered(posted):
    """The provider's posted answer, checked: (the request it answers, claims as OpenID
    Connect names them). Raises ValueError (or pysaml2's errors) for anything untrusted."""
    from saml2 import BINDING_HTTP_POST

    xml = base64.b64decode(posted)
    found = IN_RESPONSE_TO.search(xml)
    with atomic():
        asked = SamlRequest.get_or_none(
            SamlRequest.request_id == (found.group(1).decode() if found else ""),
            SamlRequest.created_at >= utcnow() - KEPT,
        )
        if asked is None:
            raise ValueError("The answer names no request of ours that waits for one.")
        asked.delete_instance()  # once
    response = client().parse_authn_request_response(
        posted, BINDING_HTTP_POST, outstanding={asked.request_id: asked.next_page}
    )
    if response is None or response.assertion is None:
        raise ValueError("No assertion in the answer.")
    attributes = {name: values[0] for name, values in response.get_identity().items() if values}
    claims = {**attributes, "iss": response.issuer(), "sub": response.name_id.text}
    email = next((attributes[n] for n in EMAIL if attributes.get(n)), "")
    name = next((attributes[n] for n in NAME if attributes.get(n)), "")
    # The company's provider speaks for its directory: its addresses are its own.
    claims.update(email=email, email_verified=bool(email))
    if name and "name" not in attributes:
        claims["name"] = name
    return asked, claims
