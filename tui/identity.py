"""Who is acting: the Unix login, or ``$PDCA_USER`` for tests and service accounts."""

from __future__ import annotations

import getpass
import os
import pwd
from collections.abc import Mapping

from pdca.db.errors import InvalidInput
from pdca.db.models import checked_login


def current_user(environ: Mapping[str, str]) -> str:
    override = environ.get("PDCA_USER")
    if override is not None:
        try:
            return checked_login("login", override)  # Identity's rule, without pydantic
        except InvalidInput as error:
            raise InvalidInput("PDCA_USER", override, error.why) from None
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return getpass.getuser()
