"""World files are data, never code; results load without unpickling; writes stay inside."""

import ast
from pathlib import Path

import pytest

from abm.result import RUN_FILES, RunResult

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("abm", "agents", "worlds", "experiments")
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRS = {("pickle", "load"), ("pickle", "loads"), ("pd", "read_pickle"),
                   ("pandas", "read_pickle"), ("cloudpickle", "load"), ("cloudpickle", "loads"),
                   ("marshal", "loads"), ("yaml", "load"), ("shelve", "open")}


def sources() -> list[Path]:
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]


def test_no_code_path_executes_or_unpickles_input() -> None:
    found = []
    for path in sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                    found.append(f"{path}:{node.lineno} {func.id}()")
                if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                        and (func.value.id, func.attr) in FORBIDDEN_ATTRS):
                    found.append(f"{path}:{node.lineno} {func.value.id}.{func.attr}()")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names]
                module = getattr(node, "module", None) or ""
                if "pickle" in names or module == "pickle" or "dill" in names:
                    found.append(f"{path}:{node.lineno} imports pickle")
    assert not found, found
    assert len(sources()) > 30


def test_a_world_file_with_code_is_only_text(tmp_path: Path) -> None:
    from abm.config import ConfigError
    from worlds.catalog import load_world

    canary = tmp_path / "canary"
    world = tmp_path / "w.toml"
    world.write_text(f'[world]\nname = "__import__(\'os\').system(\'touch {canary}\')"\n')
    with pytest.raises(ConfigError):
        load_world(str(world))
    assert not canary.exists()


def test_saving_a_run_writes_only_its_files_inside_the_folder(tmp_path: Path) -> None:
    from worlds.run import run_world

    result = run_world("iren", seed=0, until="2026-01-31")
    outside_before = set(tmp_path.iterdir())
    folder = result.save(tmp_path / "run")
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    assert written == {Path("run"), *(Path("run") / f for f in RUN_FILES)}
    assert set(tmp_path.iterdir()) - outside_before == {folder}
    back = RunResult.load(folder)
    assert back.meta["seed"] == 0
