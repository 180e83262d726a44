"""Loading the two versions of the workflow files, with the package's templates read once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from supportbot.config import Config
from supportbot.plugins import installed_registry
from supportbot.templates import PACKAGE_CATALOGS, Catalog, load_catalog
from supportbot.workflows.loader import load_workflows
from supportbot.workflows.refs import References
from supportbot.workflows.registry import Registry
from supportbot.workflows.schema import WorkflowSet
from supportbot.yamldoc import Problem, ProblemsError


class InvalidFilesError(Exception):
    """A version of the workflow files does not load; its problems say where."""

    def __init__(self, folder: Path, problems: tuple[Problem, ...]) -> None:
        super().__init__(str(folder))
        self.folder, self.problems = folder, problems


@dataclass(frozen=True, slots=True)
class Loader:
    """`load_workflows` as `references_for` prepares it, but reading the package's template
    catalog once for both versions (parsing it is most of a replay's start-up time)."""

    config: Config
    registry: Registry
    package: Catalog

    @classmethod
    def for_config(cls, config: Config) -> Loader:
        return cls(config, installed_registry(), load_catalog([PACKAGE_CATALOGS]))

    def load(self, folder: Path) -> WorkflowSet:
        try:
            admin = load_catalog([folder / "templates"]).names()
        except ProblemsError as exc:
            raise InvalidFilesError(folder, exc.problems) from exc
        refs = References(self.config, frozenset(self.package.names() | admin))
        result = load_workflows([folder], registry=self.registry, refs=refs)
        if result.workflows is None:
            raise InvalidFilesError(folder, result.problems)
        return result.workflows
