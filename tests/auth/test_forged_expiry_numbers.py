"""A device cookie or a two-factor proof whose expiry is not plain digits (a superscript digit,
thousands of digits) counts as none, as any other forged one does, instead of failing the
sign-in with a server error."""

import pytest

from api.accounts import service as accounts
from api.auth import devices
from api.auth.models import Role
from tests.factories import make_user

FORGED = ["²." + "a" * 20 + ".b", "9" * 5000 + ".nonce.mac", "١٢٣.nonce.mac"]


@pytest.mark.parametrize("forged", FORGED, ids=["superscript", "thousands", "arabic-indic"])
def test_a_forged_expiry_is_no_cookie_and_no_proof(db: None, forged: str) -> None:
    user = make_user(Role.partner, email="maria@example.org", password="a long passphrase ok")
    assert devices.nonce_of(user, forged) is None
    assert accounts.pending_two_factor(user, secret="JBSWY3DPEHPK3PXP", proof=forged,
                                       bound_to="session") is None
