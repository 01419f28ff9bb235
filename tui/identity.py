"""Who is acting: the Unix login, or ``$PDCA_USER`` for tests and service accounts."""

from __future__ import annotations

import os
import pwd
from collections.abc import Mapping

from pdca.db.errors import InvalidInput
from pdca.db.models import checked_person


def current_user(environ: Mapping[str, str]) -> str:
    override = environ.get("PDCA_USER")
    if override is not None:
        return checked_person("PDCA_USER", override)  # an owner's rule, without pydantic
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry (a container, setpriv): no login to record
        raise InvalidInput(
            "login",
            f"uid {os.getuid()}",
            "has no passwd entry, so pdca cannot tell who you are: set PDCA_USER to your login",
        ) from None
