"""The layout's promises, read from the code's own imports: arrows between packages point one
way (``api -> generator -> prompts, knowledge``), no two packages import each other, the
offline statistics never reach a language model, and the HTTP API builds nothing from the
command line's options."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOPS = ("knowledge", "generator", "prompts", "api")
LAYERS = {"api": 2, "generator": 1, "prompts": 0, "knowledge": 0}


def _package(module: str) -> str:
    """The folder a module belongs to (``knowledge.search.dense`` -> ``knowledge.search``);
    ``knowledge.journey.review`` is a folder of its own, ``api.http.routes`` part of
    ``api.http``."""
    parts = module.split(".")
    if parts[0] == "prompts":
        return "prompts"
    if parts[:3] == ["knowledge", "journey", "review"]:
        return "knowledge.journey.review"
    return ".".join(parts[:2])


def _imports() -> dict[str, set[str]]:
    arrows: dict[str, set[str]] = defaultdict(set)
    for top in TOPS:
        for file in sorted((ROOT / top).rglob("*.py")):
            module = ".".join(file.relative_to(ROOT).with_suffix("").parts)
            own = _package(module)
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    if name.split(".")[0] in TOPS and _package(name) != own:
                        arrows[own].add(_package(name))
    return arrows


def test_arrows_between_top_level_folders_point_down() -> None:
    upward = [
        f"{source} -> {target}"
        for source, targets in _imports().items()
        for target in targets
        if LAYERS[target.split(".")[0]] > LAYERS[source.split(".")[0]]
    ]
    assert upward == []


def test_no_two_packages_import_each_other() -> None:
    arrows = _imports()
    seen: list[str] = []

    def visit(package: str, path: list[str]) -> None:
        for target in sorted(arrows.get(package, ())):
            if target in path:
                seen.append(" -> ".join([*path[path.index(target) :], target]))
            elif len(path) < 12:
                visit(target, [*path, target])

    for package in sorted(arrows):
        visit(package, [package])
    assert seen == []


def test_the_offline_analysis_never_reaches_a_model_and_http_never_the_cli() -> None:
    arrows = _imports()
    assert "generator.llm" not in arrows["generator.analysis"]
    assert "generator.drafting" not in arrows["generator.analysis"]
    assert "api.cli" not in arrows["api.http"]
    assert "api.cli" not in arrows["api.web"]
