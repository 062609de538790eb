"""Run an Argo Workflow manifest's container templates locally, wired the way the DAG wires them.

Not a fake of Argo: each template's command/args are rendered with real parameter values (Argo's
``{{...}}`` substitution, and its ``{{=expr}}`` expressions evaluated with the sprig functions they
use) and run as real processes against the installed package. Paths under the pod's workspace are
mapped into a local folder, which plays the shared PVC (``--storage pvc``).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

_TAG = re.compile(r"\{\{(=?)(.*?)\}\}")


class Params(dict):
    def __getattr__(self, name: str) -> Any:
        return self[name]


def _sprig() -> SimpleNamespace:
    return SimpleNamespace(
        replace=lambda old, new, src: src.replace(old, new),
        trimSuffix=lambda suffix, s: s[: -len(suffix)] if suffix and s.endswith(suffix) else s,
        base=posixpath.basename,
        dir=lambda p: posixpath.dirname(p) or ".",
        regexReplaceAll=lambda rx, s, repl: re.sub(rx, repl, s),
        trimAll=lambda cut, s: s.strip(cut),
        trunc=lambda n, s: s[:n],
        lower=str.lower,
        sha256sum=lambda s: hashlib.sha256(s.encode()).hexdigest(),
    )


def render(text: str, scope: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1):
            expr = match.group(2).replace("&&", " and ").replace("||", " or ")
            env = {"sprig": _sprig(), **{k: v for k, v in scope.items() if "." not in k}}
            return str(eval(expr, {"__builtins__": {}}, env))
        key = match.group(2).strip()
        if key not in scope:
            raise KeyError(f"unresolved {{{{{key}}}}}")
        return str(scope[key])

    return _TAG.sub(one, text)


class LocalArgo:
    def __init__(self, manifest: dict[str, Any], root: Path, env: dict[str, str] | None = None) -> None:
        self.spec = manifest["spec"]
        self.templates = {t["name"]: t for t in self.spec["templates"]}
        self.root = root
        self.env = env or dict(os.environ)
        self.wf = Params({p["name"]: p.get("value", "") for p in self.spec["arguments"]["parameters"]})
        self.commands: list[list[str]] = []

    def local(self, path: str) -> str:
        for prefix, name in (("/tmp/nbgate-in", "in"), ("/tmp/nbgate", "ws")):
            if path.startswith(prefix):
                return str(self.root / name) + path[len(prefix) :]
        return path

    def scope(self, inputs: dict[str, str]) -> dict[str, Any]:
        scope: dict[str, Any] = {f"workflow.parameters.{k}": v for k, v in self.wf.items()}
        scope.update({f"inputs.parameters.{k}": v for k, v in inputs.items()})
        scope.update({"workflow.name": "local-run", "workflow.uid": "uid"})
        scope["inputs"] = SimpleNamespace(parameters=Params(inputs))
        scope["workflow"] = SimpleNamespace(parameters=self.wf)
        return scope

    def run_template(self, name: str, args: dict[str, str]) -> tuple[int, dict[str, str]]:
        template = self.templates[name]
        inputs = {p["name"]: p.get("value", "") for p in template.get("inputs", {}).get("parameters", [])}
        inputs.update(args)
        scope = self.scope(inputs)
        for artifact in template.get("inputs", {}).get("artifacts", []):
            if "raw" in artifact:
                target = Path(self.local(artifact["path"]))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(render(artifact["raw"]["data"], scope))
        container = template["container"]
        argv = [self.local(render(a, scope)) for a in container["args"]]
        argv = [re.sub(r"=(/tmp/nbgate[^ ]*)", lambda m: "=" + self.local(m.group(1)), a) for a in argv]
        assert container["command"] == ["nbgate"]
        self.commands.append(argv)
        cwd = Path(self.local(render(container.get("workingDir", "/tmp/nbgate"), scope)))
        cwd.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "nbgate.cli.main", *argv], capture_output=True, text=True,
            env=self.env, cwd=cwd, timeout=600,
        )  # fmt: skip
        outputs = {}
        for param in template.get("outputs", {}).get("parameters", []):
            source = param.get("valueFrom", {})
            path = Path(self.local(render(source["path"], scope)))
            outputs[param["name"]] = path.read_text().strip() if path.exists() else source.get("default", "")
        if done.returncode not in (0, 1, 2, 3):
            raise AssertionError(done.stderr)
        return done.returncode, outputs

    def when(self, task: dict[str, Any], scope: dict[str, Any]) -> bool:
        if "when" not in task:
            return True
        return bool(eval(render(task["when"], scope), {"__builtins__": {}}, {}))

    def args_of(self, task: dict[str, Any], scope: dict[str, Any]) -> dict[str, str]:
        return {p["name"]: render(p["value"], scope) for p in task.get("arguments", {}).get("parameters", [])}

    def run(self) -> int:
        """The validate DAG: clone → per notebook (execute → compare/probe) → report → gate."""
        dag = {t["name"]: t for t in self.templates["validate"]["dag"]["tasks"]}
        scope = self.scope({})
        code, clone = self.run_template("clone", self.args_of(dag["clone"], scope))
        assert code == 0, self.commands[-1]
        scope.update({f"tasks.clone.outputs.parameters.{k}": v for k, v in clone.items()})
        inner = {t["name"]: t for t in self.templates["validate-notebook"]["dag"]["tasks"]}
        for item in json.loads(clone["notebooks"]):
            item_scope = {**scope, "item": item}
            nb_inputs = self.args_of(dag["notebooks"], item_scope)
            nb_scope = self.scope(nb_inputs)
            self.run_template("execute", self.args_of(inner["execute"], nb_scope))
            for step in ("compare", "probe"):
                if self.when(inner[step], nb_scope):
                    self.run_template(step, self.args_of(inner[step], nb_scope))
        self.run_template("report", self.args_of(dag["report"], scope))
        return self.run_template("gate", {})[0]
