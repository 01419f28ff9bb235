"""Another tool's whole CSV export (Linear's, Jira's) read as a list of actions.

A lead moving over exports the team's issues and imports the file. pdca reads the columns it
has (Title or Summary, Assignee, Status, Priority, Due Date, Description); the export holds
twenty more, and was refused for them whole, to be cut down by hand (a Linear user's trial).
A file known by its tool's own columns is read as that tool wrote it instead:

- the columns pdca has no field for are left out, and said;
- an issue that is over (Done, Canceled, Duplicate …) is left out, counted as a done row;
- an issue under way (In Progress) without an assignee or a due date comes in as Plan, and
  said: Do needs both, and refusing the row refused the whole export;
- the tool's key (``ENG-12``) is kept at the end of the notes, so each action can be found
  again in the tool it came from.

A hand-made CSV gets none of this: its unknown column is refused (a typo in "owner" must
not drop every owner), and its Done row is refused, to be left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pdca.db.models import LOGIN, NOTES_MAX, PHASES, TITLE_MAX

# Other tools' workflow states as PDCA phases: a Linear export's Status was refused as an
# unknown column, and left out as told, its Done and Canceled issues came in as open work
# (a Linear user's trial). Not yet started is Plan, under way (or in review) Do.
STATUS_PHASES = {
    **dict.fromkeys(
        ("backlog", "todo", "to do", "triage", "unstarted", "open", "new", "selected for"
         " development", "planned", "ready"), "plan"),
    # under review is still being done: Check studies the results of work done, and no
    # action starts there (it is moved there after a check-in)
    **dict.fromkeys(("in progress", "started", "doing", "in development", "active", "in review",
                     "review", "in qa", "qa", "testing"), "do"),
}  # fmt: skip
# ... and those of work that is over
FINISHED_STATUSES = frozenset(
    ("done", "completed", "closed", "resolved", "canceled", "cancelled", "duplicate",
     "won't do", "wont do", "won't fix")
)  # fmt: skip


@dataclass(frozen=True)
class _Tool:
    """How a tool's export is known: columns no hand-made list would hold all of, as pdca
    reads their names (lower case; Summary read as title); the column holding its key; and
    the columns it writes that pdca has no field for (by name, or by how they begin), the
    only ones left out. Any other unknown column is refused as in a hand-made file: a
    spreadsheet with ID, Team, Title and Creator was taken for Linear's, and its "Ownr"
    column, a typo, left out with every owner in it (a reviewer)."""

    signature: frozenset[str]
    key_column: str
    writes: frozenset[str]
    writes_starting: tuple[str, ...] = ()

    def writes_column(self, name: str) -> bool:
        return name in self.writes or name.startswith(self.writes_starting)


_TOOLS = {
    "Linear": _Tool(
        frozenset({"id", "team", "title", "creator", "created", "updated", "estimate"}),
        "id",
        frozenset(
            ("team", "estimate", "project id", "project", "creator", "labels", "cycle number",
             "cycle name", "cycle start", "cycle end", "created", "updated", "started",
             "triaged", "completed", "canceled", "archived", "parent issue", "initiatives",
             "project milestone id", "project milestone", "sla status", "roadmaps", "url",
             "related issues", "blocked by", "blocking", "duplicate of", "subscribers")
        ),
    ),
    "Jira": _Tool(
        # Not "issue id": Jira's export of the current fields leaves it out, and that export
        # was refused whole for its "issue key" and "issue type" (a team's move)
        frozenset({"issue key", "issue type"}),
        "issue key",
        frozenset(
            ("issue id", "issue type", "parent", "parent id", "parent summary", "project key",
             "project name", "project type", "project lead", "project lead id",
             "project description", "project url", "resolution", "reporter", "reporter id",
             "creator", "creator id", "assignee id", "created", "updated", "last viewed",
             "resolved", "affects version/s", "fix version/s", "component/s", "votes",
             "labels", "environment", "watchers", "watchers id", "log work",
             "original estimate", "remaining estimate", "time spent", "work ratio",
             "σ original estimate", "σ remaining estimate", "σ time spent", "security level",
             "attachment", "comment", "sprint", "status category", "status category changed",
             "sub-tasks", "satisfaction rating", "satisfaction date", "request type",
             "request participants", "organizations", "images", "epic link", "epic name",
             "epic status", "rank", "story points", "story point estimate", "flagged", "team",
             "start date", "target start", "target end", "resolution date", "due time",
             "development", "linked issues", "time tracking")
        ),
        ("custom field (", "outward issue link (", "inward issue link ("),
    ),
}  # fmt: skip


def no_owner(text: str) -> bool:
    """An owner cell saying nobody (``none``, as ``--owner none`` does; other tools'
    ``Unassigned``)."""
    return text.strip().casefold() in NOBODY_WORDS


# What the tools write for nobody
NOBODY_WORDS = frozenset(("unassigned", "no assignee", "(none)", "none"))


def status_word(text: str) -> str:
    """A Status cell as the tables above name it: any case, spaces as one."""
    return " ".join(text.lower().split())


@dataclass
class OtherToolsExport:
    """What an import of ``tool``'s export left out or changed, for its summary."""

    tool: str
    key_column: str
    kept: str = "its issue keys are kept at the end of the notes"  # said in the summary
    writes_column: Callable[[str], bool] = lambda name: False  # leaves it out
    left_out_columns: list[str] = field(default_factory=list)
    keys_not_kept = 0  # issues whose notes were too long to take their key too
    said: list[str] = field(default_factory=list)  # what else the summary says, as said
    # The logins of the file's people (and its group's accounts) by name, casefolded, for
    # assignees written as names: Jira writes "Ann Example", and one such row refused a
    # whole export (a retrial)
    people_named: dict[str, set[str]] = field(default_factory=dict)
    logins: set[str] = field(default_factory=set)  # the file's people and group accounts
    # (place among the rows written, as written) of each row brought in otherwise: an
    # assignee that is no login nor one person's name (unowned), a status pdca does not
    # know (a team's own "Blocked": Plan); both refused the whole export (a retrial)
    unowned: list[tuple[int, str]] = field(default_factory=list)
    odd_status: list[tuple[int, str]] = field(default_factory=list)
    # ... a title longer than pdca's (Jira takes 255 characters): cut, whole in its notes
    titles_cut: list[tuple[int, str]] = field(default_factory=list)
    # (place among the rows written, the status as written) of each issue under way that
    # came in as Plan, by what it lacked for Do: "without an assignee or a due date" left a
    # lead to find which (a retrial)
    into_plan: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def keep_key(self, values: dict[str, str]) -> None:
        """The issue's key at the end of its notes (``Linear ENG-12``), where it fits: a
        description at the notes' limit was refused for the key pdca added (a reviewer)."""
        key = values.get(self.key_column, "").strip()
        if not key:
            return
        notes = values.get("notes", "").rstrip()
        with_key = f"{notes}\n\n{self.tool} {key}" if notes else f"{self.tool} {key}"
        if len(with_key) > NOTES_MAX >= len(values.get("notes", "")):
            self.keys_not_kept += 1
        else:
            values["notes"] = with_key

    def owner_by_name(self, values: dict[str, str]) -> str | None:
        """An assignee written as a name: the login of the one person of the file so named,
        else nobody (``values`` changed so); the name as written when it is nobody."""
        owner = values.get("owner", "").strip()
        if no_owner(owner):  # "Unassigned" made a person so named (a retrial)
            values["owner"] = ""
            return None
        logins = self.people_named.get(owner.casefold(), set())
        if not logins and owner and owner not in self.logins:
            from pdca.db.access import a_persons_account

            lower = owner.lower()  # an account here in other capitals: Carl, outside the group
            if lower != owner and a_persons_account(lower) and not a_persons_account(owner):
                logins = {lower}  # refused the whole import as a case slip (a reviewer)
        if not owner or (LOGIN.fullmatch(owner) and (owner in self.logins or not logins)):
            return None  # a login here, or one as a hand-made file has it ("Heidi": a name)
        if len(logins) == 1:
            values["owner"] = next(iter(logins))
            return None
        values["owner"] = ""
        # a name two people have: who, to choose between (a retrial read it as unknown)
        return f"{owner}: {' or '.join(sorted(logins))}" if logins else owner

    def title_cut(self, values: dict[str, str]) -> str | None:
        """A title longer than pdca's, cut to it with an ellipsis, and kept whole at the
        start of the notes where they have room (else left to be refused as too long):
        the title as written, when cut."""
        title = values.get("title", "")
        if len(title) <= TITLE_MAX:
            return None
        notes = values.get("notes", "")
        room = NOTES_MAX - (len(notes) + 2 if notes.strip() else 0)
        whole = title if len(title) <= room else title[: max(room - 1, 0)] + "…"
        if whole and room > 0:
            values["notes"] = f"{whole}\n\n{notes}" if notes.strip() else whole
        values["title"] = title[: TITLE_MAX - 1].rstrip() + "…"
        return title

    def status_unknown(self, values: dict[str, str]) -> str | None:
        """A status pdca does not know, as written (the row then in Plan)."""
        status = values.get("phase", "")
        word = status_word(status)
        if not word or word in STATUS_PHASES or word in FINISHED_STATUSES or word in PHASES:
            return None
        values["phase"] = "plan"
        return status.strip()

    def tool_key(self, values: dict[str, str]) -> str | None:
        """``Linear ENG-12``: the issue as its notes keep it, for ``--skip-existing``."""
        key = values.get(self.key_column, "").strip()
        return f"{self.tool} {key}" if key else None

    def under_way_without_owner_or_due(self, values: dict[str, str]) -> tuple[str, str] | None:
        """The row's status as written and what it lacks (``LACKING``), when it is under way
        (Do) but lacks an assignee or a due date: it then comes in as Plan (``values``
        changed so)."""
        status = values.get("phase", "")
        if STATUS_PHASES.get(status_word(status)) != "do":
            return None
        owner = values.get("owner", "").strip()
        unowned = not owner or no_owner(owner)
        undated = not values.get("due", "").strip()
        if not unowned and not undated:
            return None
        values["phase"] = "plan"
        return status.strip(), LACKING[unowned, undated]


# What an issue under way lacked for Do, by (no assignee, no due date)
LACKING = {
    (True, True): "with neither an assignee nor a due date",
    (True, False): "without an assignee",
    (False, True): "without a due date",
}


def export_of(header: list[str]) -> OtherToolsExport | None:
    """The tool whose whole export a CSV ``header`` (names as pdca reads them) is, if any."""
    named = set(header)
    for name, tool in _TOOLS.items():
        if tool.signature <= named:
            return OtherToolsExport(name, tool.key_column, writes_column=tool.writes_column)
    return None
