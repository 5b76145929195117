"""Turning two-factor on for a test's account, as if its owner had set it up."""

import pyotp
from sqlmodel import Session

from api.auth.models import User
from api.db import get_engine


def with_two_factor(user: User) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    with Session(get_engine()) as s:
        row = s.get(User, user.id)
        assert row is not None
        row.totp_secret, row.totp_enabled = secret, True
        s.add(row)
        s.commit()
    return pyotp.TOTP(secret)
