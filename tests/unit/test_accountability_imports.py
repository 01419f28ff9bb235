"""What the owners, log and stand-up views import before their first paint (issue 14)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from pdca.db.records import ActionDraft  # the pydantic models, and the plugin loader's stand-in
from pydantic import ValidationError

assert "importlib.metadata" not in sys.modules, "pydantic looked for plugins"
loader = sys.modules["pydantic.plugin._loader"]
assert tuple(loader.get_plugins()) == ()
try:
    ActionDraft(title=" ")
except ValidationError:
    pass
else:
    raise AssertionError("a model stopped validating")
# Anything else asked of the loader is the real module's (then discovery may happen).
assert loader.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"
assert sys.modules["pydantic.plugin._loader"] is not loader
print("ok")
"""


def test_building_a_model_looks_for_no_pydantic_plugins() -> None:
    """pydantic's plugin discovery (every installed distribution's entry points, through
    importlib.metadata and the email package) cost 20-50 ms before each view's first paint;
    pdca has no plugin. Models still validate, and the loader's other names still work."""
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_the_accountability_views_reads_load_no_pydantic() -> None:
    """The owners, log and stand-up views' records are plain dataclasses: their module and
    its rules import no pydantic (about 70 ms of those views' start on the huge file)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, pdca.db.accountability, pdca.db.accountability_rules\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0].startswith('pydantic')))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
