"""What kfp.local (kfp 2.17, SubprocessRunner without venv) supports — measured, not assumed.

Each test pins one finding documented in ``nbgate.kfp.pipeline``'s docstring; if a kfp upgrade
changes one, the test fails and the pipeline's fallback can be revisited. The components are
trivial Python functions so the pipelines take a second or two.
"""

# No `from __future__ import annotations`: KFP reads the annotations as types.

import warnings
from pathlib import Path

import pytest
from kfp import dsl, local
from kfp.dsl import Artifact, Input, Output

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::DeprecationWarning")


@pytest.fixture(autouse=True)
def _local(tmp_path: Path) -> None:
    warnings.simplefilter("ignore", RuntimeWarning)
    local.init(
        runner=local.SubprocessRunner(use_venv=False), pipeline_root=str(tmp_path), raise_on_error=True
    )


@dsl.component(base_image="python:3.11", install_kfp_package=False)
def emit(x: str, out: Output[Artifact]) -> str:
    with open(out.path, "w") as f:
        f.write(x)
    return "passed" if x != "b" else "failed"


@dsl.component(base_image="python:3.11", install_kfp_package=False)
def tag(x: str, out: Output[Artifact]) -> None:
    with open(out.path, "w") as f:
        f.write("tag-" + x)


@dsl.component(base_image="python:3.11", install_kfp_package=False)
def join(a: Input[list[Artifact]]) -> str:
    return ",".join(sorted(open(x.path).read() for x in a))


@dsl.component(base_image="python:3.11", install_kfp_package=False)
def copy(a: Input[Artifact], out: Output[Artifact]) -> None:
    with open(a.path) as src, open(out.path, "w") as dst:
        dst.write(src.read())


@dsl.component(base_image="python:3.11", install_kfp_package=False)
def fail(x: str) -> str:
    raise SystemExit(1)


@dsl.component(base_image="python:3.11", install_kfp_package=False)
def final(status: dsl.PipelineTaskFinalStatus, out: Output[Artifact]) -> None:
    with open(out.path, "w") as f:
        f.write(status.state)


def test_parallel_for_collected_artifacts_and_if_on_output() -> None:
    @dsl.pipeline
    def p(items: list[str] = ["a", "b", "c"]) -> str:  # noqa: B006
        with dsl.ParallelFor(items) as it:
            e = emit(x=it)
            with dsl.If(e.outputs["Output"] == "passed"):
                tag(x=it)
        return join(a=dsl.Collected(e.outputs["out"])).output

    assert p().output == "a,b,c"


def test_collected_from_an_if_only_when_every_iteration_takes_it() -> None:
    @dsl.pipeline
    def p(items: list[str] = ["a", "b"]) -> str:  # noqa: B006
        with dsl.ParallelFor(items) as it:
            e = emit(x=it)
            with dsl.If(e.outputs["Output"] == "passed"):
                t = tag(x=it)
        return join(a=dsl.Collected(t.outputs["out"])).output

    assert p(items=["a", "c"]).output == "tag-a,tag-c"
    with pytest.raises(RuntimeError):  # 'b' skips the branch: the fan-in cannot resolve
        p(items=["a", "b"])


def test_one_of_is_not_supported() -> None:
    @dsl.pipeline
    def p(items: list[str] = ["a", "b"]) -> str:  # noqa: B006
        with dsl.ParallelFor(items) as it:
            e = emit(x=it)
            with dsl.If(e.outputs["Output"] == "passed"):
                t = tag(x=it)
            with dsl.Else():
                s = tag(x="skip")
            c = copy(a=dsl.OneOf(t.outputs["out"], s.outputs["out"]))
        return join(a=dsl.Collected(c.outputs["out"])).output

    # Compiles (the cluster would run it), but kfp.local cannot resolve the OneOf.
    with pytest.raises(RuntimeError):
        p()


def test_ignore_upstream_failure_and_exit_handler_run_after_a_failure(tmp_path: Path) -> None:
    @dsl.pipeline
    def exit_handler() -> None:
        with dsl.ExitHandler(final()):
            fail(x="x")

    @dsl.pipeline
    def ignore_failure() -> None:
        bad = fail(x="x")
        emit(x="after").after(bad).ignore_upstream_failure()

    for pipeline in (exit_handler, ignore_failure):
        with pytest.raises(RuntimeError):  # the run still fails …
            pipeline()
    written = {path.parent.name: path.read_text() for path in tmp_path.rglob("out")}
    assert written["final"] == "FAILED"  # … but the exit task saw it,
    assert written["emit"] == "after"  # and the ignore_upstream_failure task ran.
