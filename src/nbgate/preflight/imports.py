"""Rule ``undeclaredImports``: imports whose distribution the repo does not declare.

An import name is mapped to the distributions that provide it: this environment's own
``importlib.metadata.packages_distributions()`` first (it knows what is installed here,
e.g. ``sklearn`` → ``scikit-learn``), then a small table of well-known mismatches for
packages not installed here. Standard-library modules, modules that live in the repo,
and imports guarded by ``try: … except ImportError`` (optional by design) are fine.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from nbgate.envs.requirements import canonical_name
from nbgate.preflight.findings import Finding
from nbgate.preflight.registry import Context, rule

__all__ = ["distributions_for", "imported_modules"]

# Import names whose distribution is named differently, for when it is not installed here.
KNOWN_DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "PIL": ("pillow",),
    "yaml": ("pyyaml",),
    "bs4": ("beautifulsoup4",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "jwt": ("pyjwt",),
    "attr": ("attrs",),
    "Crypto": ("pycryptodome",),
    "OpenSSL": ("pyopenssl",),
    "google.protobuf": ("protobuf",),
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "magic": ("python-magic",),
    "fitz": ("pymupdf",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "Levenshtein": ("python-levenshtein", "levenshtein"),
    "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "zmq": ("pyzmq",),
    "git": ("gitpython",),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-gpu"),
    "torch": ("torch",),
    "lightgbm": ("lightgbm",),
    "xgboost": ("xgboost",),
    "IPython": ("ipython",),
    "scrapbook": ("nteract-scrapbook", "scrapbook"),
}
# Present in every kernel nbgate runs: the kernel itself provides them.
_KERNEL_PROVIDED = {"IPython", "ipykernel", "__future__"}


@lru_cache(maxsize=1)
def _installed() -> Mapping[str, list[str]]:
    from importlib.metadata import packages_distributions

    return packages_distributions()


def distributions_for(module: str) -> set[str]:
    """Canonical names of the distributions that may provide top-level ``module``."""
    names = {canonical_name(module)}
    names.update(canonical_name(d) for d in _installed().get(module, []))
    names.update(canonical_name(d) for d in KNOWN_DISTRIBUTIONS.get(module, ()))
    return names


def _guarded_lines(tree: ast.AST) -> set[int]:
    """Lines inside ``try`` bodies whose handlers catch ImportError (optional imports)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        for handler in node.handlers:
            names = (
                {n.id for n in ast.walk(handler.type) if isinstance(n, ast.Name)} if handler.type else {"*"}
            )
            if names & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException", "*"}:
                for stmt in node.body:
                    lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
                break
    return lines


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """``(line, top-level module)`` for each absolute import, ``importlib.import_module('x')`` included."""
    guarded = _guarded_lines(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if line in guarded:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield line, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield line, node.module.split(".")[0]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id in ("__import__", "import_module"))
            )
        ):
            yield line, node.args[0].value.split(".")[0]


def _local_module(name: str, roots: list[Path]) -> bool:
    """A module that lives in the repo (next to the notebook, at the root, or under src/)."""
    for root in roots:
        if (
            (root / f"{name}.py").is_file()
            or (root / name / "__init__.py").is_file()
            or ((root / name).is_dir() and any((root / name).glob("*.py")))
        ):
            return True
    return False


@rule("undeclaredImports", "warning", "imports whose distribution no requirements file declares")
def check_imports(ctx: Context) -> Iterator[Finding]:
    stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    nb_dir = ctx.notebook.path.resolve().parent
    roots = [nb_dir, ctx.repo, ctx.repo / "src"]
    roots += [p for p in nb_dir.parents if ctx.repo in p.parents]  # folders between notebook and root
    reported: set[str] = set()
    for cell in ctx.notebook.cells:
        if cell.tree is None:
            continue
        for line, module in imported_modules(cell.tree):
            if not module or module in reported or module in stdlib or module in _KERNEL_PROVIDED:
                continue
            if _local_module(module, roots):
                continue
            decl = ctx.declarations
            candidates = distributions_for(module)
            if any(decl.declares(d) for d in candidates):
                continue
            reported.add(module)
            dist = sorted(candidates - {canonical_name(module)}) or [canonical_name(module)]
            yield Finding(
                rule="undeclaredImports",
                cell=cell.index,
                line=line,
                message=f"import {module!r} is not declared: add {' or '.join(dist)} to "
                f"{decl.where_to_declare()}",
            )
