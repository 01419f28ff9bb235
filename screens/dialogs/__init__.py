"""The modal dialogs the views open: each takes its data in ``__init__`` and returns a result.

The caller persists what a dialog returns; no dialog touches the store.
"""

from screens.dialogs.action_form import ActionFormModal, ActionFormResult, check_action_form
from screens.dialogs.checkin import CheckinModal, CheckinResult
from screens.dialogs.choice import ChoiceModal
from screens.dialogs.conflict import ConflictModal
from screens.dialogs.detail import ActionDetailScreen
from screens.dialogs.pick import PickModal

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
