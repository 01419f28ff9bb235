"""The modal dialogs the views open: each takes its data in ``__init__`` and returns a result.

The caller persists what a dialog returns; no dialog touches the store.
"""

from pdca.screens.dialogs.action_form import ActionFormModal, ActionFormResult, check_action_form
from pdca.screens.dialogs.checkin import CheckinModal, CheckinResult
from pdca.screens.dialogs.choice import ChoiceModal
from pdca.screens.dialogs.conflict import ConflictModal
from pdca.screens.dialogs.detail import ActionDetailScreen
from pdca.screens.dialogs.pick import PickModal

__all__ = [
    "ActionDetailScreen",
    "ActionFormModal",
    "ActionFormResult",
    "CheckinModal",
    "CheckinResult",
    "ChoiceModal",
    "ConflictModal",
    "PickModal",
    "check_action_form",
]
