"""Who is acting: the Unix login, or ``$PDCA_USER`` for tests and service accounts."""

from __future__ import annotations

import os
import pwd
from collections.abc import Mapping

from pdca.db.errors import InvalidInput
from pdca.db.models import NOT_A_PERSON, checked_login


def current_user(environ: Mapping[str, str]) -> str:
    override = environ.get("PDCA_USER")
    if override is not None:
        try:
            login = checked_login("login", override)  # Identity's rule, without pydantic
        except InvalidInput as error:
            raise InvalidInput("PDCA_USER", override, error.why) from None
        why = NOT_A_PERSON.get(login.lower())
        if why is not None:
            raise InvalidInput("PDCA_USER", override, f"{why}, not a person's login")
        return login
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry (a container, setpriv): no login to record
        raise InvalidInput(
            "login",
            f"uid {os.getuid()}",
            "has no passwd entry, so pdca cannot tell who you are: set PDCA_USER to your login",
        ) from None
