"""The plug-in's vocabulary: what a workflow asks the tracker for, and the issue it got.

An `IssueRequest` travels in a `CallService` intent through the desk's outbox (as JSON), so it
is a pydantic model: a row that cannot be read is a final failure, not a retry loop. Its
`request` id is made once, in the turn, and every retry of the same outbox row carries it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SERVICE = "tracker"  # the deliverer's name (`CallService("tracker", …)`)
SOURCE = "tracker"  # the audit rows' source
TAG_PREFIX = "tracker:"  # a linked ticket is tagged `tracker:acme/app#7`
_PROJECT = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def _project(value: str) -> str:
    if not _PROJECT.match(value):
        raise ValueError(f"{value!r} is not a tracker project; write it as owner/repository")
    return value


def _label(value: str) -> str:
    if not value.strip() or len(value) > 50 or "," in value:
        raise ValueError(f"{value!r} is not a label (1-50 characters, no commas)")
    return value


Project = Annotated[str, AfterValidator(_project)]
Label = Annotated[str, AfterValidator(_label)]


class IssueRequest(BaseModel):
    """One issue to open, as the outbox keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    project: Project
    title: str = Field(min_length=1, max_length=256)
    body: str
    labels: tuple[Label, ...] = ()
    assignees: tuple[str, ...] = ()
    request: str = Field(min_length=8, max_length=64)  # the same on every retry
    ticket: int

    @property
    def marker(self) -> str:
        """Hidden in the issue's text, so a retry can find the issue an earlier try made."""
        return f"supportbot-request-{self.request}"


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue the tracker has, as the ticket remembers it."""

    project: str
    number: int
    url: str
    title: str

    @property
    def key(self) -> str:
        return f"{self.project}#{self.number}"

    @property
    def tag(self) -> str:
        return f"{TAG_PREFIX}{self.key}"

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Issue:
        return cls(str(data["project"]), int(data["number"]), str(data["url"]), str(data["title"]))
