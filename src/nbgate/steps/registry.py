"""The registry of steps: every step has the same five faces.

function (typed Python) · CLI subcommand · Argo WorkflowTemplate · KFP component · image.
``tests/test_registry.py`` checks that each face of each registered step exists.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["STEPS", "Step", "step"]


@dataclass(frozen=True)
class Step:
    name: str
    function: str  # "module:attribute" of the typed step function
    extras: tuple[str, ...]  # pip extras the step's image installs
    summary: str
    image: str | None = None  # the image folder when the step shares another step's image

    @property
    def cli(self) -> str:
        return self.name

    @property
    def image_dir(self) -> str:
        return f"images/{self.image or self.name}"

    @property
    def argo_template(self) -> str:
        """The WorkflowTemplate name, versioned (``nbgate-execute-v0-1``) so upgrades coexist."""
        from nbgate.argo.settings import versioned

        return versioned(self.name)

    @property
    def kfp_component(self) -> str:
        return f"components/{self.name}/component.yaml"


STEPS: tuple[Step, ...] = (
    Step("clone", "nbgate.steps.clone:clone", (), "Clone a Git repo at a ref and pick notebooks."),
    Step("execute", "nbgate.steps.execute:execute", ("execute",), "Execute a notebook with papermill."),
    Step(
        "compare",
        "nbgate.steps.compare:compare",
        ("compare",),
        "Compare an executed notebook with its golden.",
    ),
    Step("probe", "nbgate.steps.probe:probe", ("probe",), "Probe the model endpoints a notebook depends on."),
    Step(
        "report", "nbgate.steps.report:report", ("report",), "Write JSON, JUnit, HTML, Markdown and metrics."
    ),
    Step(
        "gate", "nbgate.steps.gate:gate", (), "Set the run's status from the verdict files.", image="report"
    ),
    # Promotion (issue 10): shared images — export needs git (clone's), train the notebook's stack
    # (execute's), serve/rollout the kubernetes client and the probe (probe's).
    Step(
        "export",
        "nbgate.steps.export:export",
        (),
        "Export a notebook's training cells as a script.",
        image="clone",
    ),
    Step(
        "train",
        "nbgate.steps.train:train",
        ("execute",),
        "Train the exported script into a model.",
        image="execute",
    ),
    Step("serve", "nbgate.steps.serve:serve", ("probe",), "Serve a model as a KServe canary.", image="probe"),
    Step(
        "rollout",
        "nbgate.steps.rollout:rollout",
        ("probe",),
        "Probe the canary; promote or roll back.",
        image="probe",
    ),
)


def step(name: str) -> Step:
    for s in STEPS:
        if s.name == name:
            return s
    raise KeyError(name)
