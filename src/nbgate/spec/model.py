"""The validation spec: one typed model every runner reads (local, Argo, KFP).

Written like a Kubernetes resource because its users are Kubernetes people::

    apiVersion: nbgate.dev/v1alpha1
    kind: NotebookValidation
    metadata: {name: churn-model}
    spec:
      source: {git: {url: https://github.com/acme/churn, ref: main}}
      notebooks: ["notebooks/*.ipynb"]
      golden: {path: "golden/{name}"}
      parameters: {alpha: 0.5}

See ``docs/glossary.md`` for every field.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import Field, model_validator

from nbgate._model import WireModel
from nbgate.compare.options import CompareOptions
from nbgate.durations import Duration
from nbgate.probe.endpoint import Endpoint
from nbgate.promote.spec import PromoteSpec
from nbgate.spec.pod import PodProfile, PodSpec, ProfilesFrom

__all__ = [
    "API_VERSION",
    "KIND",
    "Budgets",
    "ChangedRange",
    "EnvironmentSpec",
    "GitSource",
    "GoldenSpec",
    "NotebookSource",
    "NotebookValidation",
    "ObjectMeta",
    "PreflightRules",
    "PreflightSpec",
    "PvcSource",
    "ReportFormat",
    "ReportSpec",
    "Timeouts",
    "ValidationSpec",
]

API_VERSION: Final = "nbgate.dev/v1alpha1"
KIND: Final = "NotebookValidation"

ReportFormat = Literal["json", "junit", "html", "markdown", "metrics"]


class ChangedRange(WireModel):
    """Validate only notebooks changed between two commits (a push's before..after)."""

    before: str
    after: str


class GitSource(WireModel):
    url: str
    ref: str | None = Field(default=None, description="Branch, tag or commit SHA; default: the remote HEAD.")
    credentials_secret: str | None = Field(
        default=None,
        description="Name of the Kubernetes Secret with the Git credentials (keys: token, or "
        "username+password, or ssh-privatekey). Never put a token in the spec.",
    )
    submodules: bool = False
    lfs: bool = True
    depth: int | None = Field(default=1, description="Shallow-clone depth; null for full history.")
    changed_between: ChangedRange | None = None


class PvcSource(WireModel):
    claim_name: str
    path: str = "."


class NotebookSource(WireModel):
    """Where notebooks come from: exactly one of ``git``, ``local`` or ``pvc``."""

    git: GitSource | None = None
    local: str | None = Field(default=None, description="A local directory (local runs).")
    pvc: PvcSource | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> NotebookSource:
        chosen = [n for n in ("git", "local", "pvc") if getattr(self, n) is not None]
        if len(chosen) != 1:
            raise ValueError(
                "set exactly one of source.git, source.local or source.pvc"
                + (f" (got {', '.join(chosen)})" if chosen else "")
            )
        return self


class GoldenSpec(WireModel):
    """Where each notebook's golden lives.

    ``path`` is a template relative to the golden source's root; placeholders: ``{path}``
    (the notebook's path in the source), ``{dir}``, ``{name}`` (file name), ``{stem}``.
    Without ``source`` the golden comes from the same checkout as the notebooks.
    """

    source: NotebookSource | None = None
    path: str = Field(
        default="golden/{name}",
        description="Template relative to the golden source's root ({path}, {dir}, {name}, {stem}; a "
        "literal brace is doubled). A golden given as a file (nbgate run --golden FILE) is "
        "source.local = the file's directory and path = its file name; a golden directory is "
        "source.local = that directory and path = '{path}'. An operator goldenNotebook is its git "
        "source and its exact path.",
    )
    required: bool = Field(default=True, description="A missing golden is an input error (else: skipped).")


class Timeouts(WireModel):
    cell: Duration | None = Field(default=600.0, description="Per-cell timeout.")
    notebook: Duration | None = Field(default=3600.0, description="Whole-notebook deadline, enforced.")
    startup: Duration = Field(default=60.0, description="Kernel start-up timeout.")


class Budgets(WireModel):
    """Compute budgets: exceeding one fails the notebook with the cell named."""

    cell_seconds: Duration | None = None
    cell_memory: str | None = Field(default=None, description="Peak kernel RSS per cell, e.g. '2Gi'.")
    notebook_memory: str | None = None


PreflightSeverity = Literal["error", "warning", "off"]


class PreflightRules(WireModel):
    """Severity per pre-flight rule; unset: the rule's default (shown in each description)."""

    absolute_paths: PreflightSeverity | None = Field(
        default=None, description="Home directories, drive letters, ~ paths, file:// URLs (default: error)."
    )
    undeclared_imports: PreflightSeverity | None = Field(
        default=None, description="Imports no requirements file declares (default: warning)."
    )
    pip_install: PreflightSeverity | None = Field(
        default=None, description="!pip / %pip install (default: warning)."
    )
    parameters_cell: PreflightSeverity | None = Field(
        default=None, description="Parameters given, no cell tagged 'parameters' (default: error)."
    )
    syntax: PreflightSeverity | None = Field(
        default=None, description="Cells that do not parse (default: warning)."
    )


class PreflightSpec(WireModel):
    """Static checks before any kernel starts; an error finding fails the notebook (preflight_failed)."""

    enabled: bool = True
    rules: PreflightRules = PreflightRules()


class EnvironmentSpec(WireModel):
    """Execute in a clean environment built only from the repo's declared requirements."""

    clean: bool = False
    index_url: str | None = Field(
        default=None, description="Package index for the clean environment (pip --index-url)."
    )
    find_links: list[str] = Field(
        default=[], description="Wheelhouses: directories or URLs (pip --find-links)."
    )
    no_index: bool = Field(default=False, description="Install only from findLinks (pip --no-index).")
    cache_dir: str | None = Field(
        default=None,
        description="Where environments are cached by requirements hash; default ~/.cache/nbgate/envs.",
    )
    scratch_size: str | None = Field(
        default=None,
        description="Most disk one environment may take, e.g. '4Gi' (cluster: the scratch volume).",
    )


class ReportSpec(WireModel):
    formats: list[ReportFormat] = ["json", "junit"]
    output_dir: str = "nbgate-out"


class ObjectMeta(WireModel):
    name: str = "validation"
    namespace: str | None = None
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}


class ValidationSpec(WireModel):
    source: NotebookSource
    notebooks: list[str] = Field(default=["**/*.ipynb"], description="Paths or globs in the source.")
    exclude: list[str] = []
    golden: GoldenSpec | None = None
    parameters: dict[str, Any] = {}
    parameter_sets: dict[str, dict[str, Any]] = Field(
        default={}, description="Named parameter sets, e.g. smoke (pushes) and full (nightly)."
    )
    parameter_set: str | None = Field(default=None, description="The set to use; merged under parameters.")
    kernel: str | None = Field(default=None, description="Kernel name; default: the notebook's own.")
    timeouts: Timeouts = Timeouts()
    budgets: Budgets = Budgets()
    preflight: PreflightSpec = PreflightSpec()
    environment: EnvironmentSpec = EnvironmentSpec()
    compare: CompareOptions = CompareOptions()
    endpoints: list[Endpoint] = []
    pod: PodSpec = PodSpec()
    profiles: dict[str, PodProfile] = {}
    profiles_from: ProfilesFrom | None = None
    report: ReportSpec = ReportSpec()
    jobs: int | None = Field(default=None, ge=1, description="Notebooks run at once (local); default: cores.")
    promote: PromoteSpec | None = Field(
        default=None,
        description="Notebook → train → serve: export, train, canary, probe, promote (nbgate promote).",
    )

    @model_validator(mode="after")
    def _known_parameter_set(self) -> ValidationSpec:
        if self.parameter_set and self.parameter_set not in self.parameter_sets:
            known = ", ".join(sorted(self.parameter_sets)) or "none defined"
            raise ValueError(f"parameterSet {self.parameter_set!r} is not in parameterSets ({known})")
        return self

    def effective_parameters(self, parameter_set: str | None = None) -> dict[str, Any]:
        """The parameters a notebook gets: the chosen set, overridden by ``parameters``."""
        name = parameter_set or self.parameter_set
        merged: dict[str, Any] = {}
        if name:
            if name not in self.parameter_sets:
                known = ", ".join(sorted(self.parameter_sets)) or "none defined"
                from nbgate.errors import InputError

                raise InputError(f"parameter set {name!r} is not in spec.parameterSets ({known})")
            merged.update(self.parameter_sets[name])
        merged.update(self.parameters)
        return merged


class NotebookValidation(WireModel):
    """The resource: ``apiVersion: nbgate.dev/v1alpha1``, ``kind: NotebookValidation``."""

    api_version: Literal["nbgate.dev/v1alpha1"] = Field(default=API_VERSION, alias="apiVersion")
    kind: Literal["NotebookValidation"] = KIND
    metadata: ObjectMeta = ObjectMeta()
    spec: ValidationSpec
