"""The floors hold: the import contract (`[tool.importlinter]` in pyproject.toml) and the
check of imports inside functions pass on the tree, and fail when someone breaks them.

Each test runs the real tools (`lint-imports`, `scripts/check_local_imports.py`) as
`make lint` does; the breaking cases run them on a copy of the Python sources with one
import added, so the checkout is never touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def local_imports_check(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_local_imports.py"), "vik"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of vik's Python files and of pyproject.toml (the contract)."""
    for path in (ROOT / "vik").rglob("*.py"):
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_contacts_importing_conversations_breaks_the_floors(sources: Path) -> None:
    with (sources / "vik" / "contacts" / "services.py").open("a") as module:
        module.write("\nfrom vik.conversations.models import Request  # noqa\n")

    result = lint_imports(sources)

    assert result.returncode == 1
    assert "Floors: apps import only downward BROKEN" in result.stdout
    assert "vik.contacts.services -> vik.conversations.models" in result.stdout


def test_an_import_inside_a_function_counts_too(sources: Path) -> None:
    with (sources / "vik" / "tenancy" / "models.py").open("a") as module:
        module.write("\n\ndef sneaky():\n    from vik.knowledge.models import Article  # noqa\n")

    result = lint_imports(sources)

    assert result.returncode == 1
    assert "vik.tenancy.models -> vik.knowledge.models" in result.stdout


def test_one_channel_kind_importing_another_breaks_independence(sources: Path) -> None:
    with (sources / "vik" / "channels" / "fax" / "adapter.py").open("a") as module:
        module.write("\nimport vik.channels.email.adapter  # noqa\n")

    result = lint_imports(sources)

    assert result.returncode == 1
    assert "Channel kinds are independent of each other BROKEN" in result.stdout


def test_nothing_may_import_the_demo(sources: Path) -> None:
    with (sources / "vik" / "knowledge" / "selectors.py").open("a") as module:
        module.write("\nimport vik.demo.content  # noqa\n")

    result = lint_imports(sources)

    assert result.returncode == 1
    assert "Nothing imports the API or the demo BROKEN" in result.stdout


def test_every_import_inside_a_function_says_why() -> None:
    result = local_imports_check(ROOT)
    assert result.returncode == 0, result.stdout
    assert "without a reason: 0" in result.stdout


def test_a_new_unexplained_import_inside_a_function_fails_the_check(sources: Path) -> None:
    with (sources / "vik" / "core" / "clock.py").open("a") as module:
        module.write("\n\ndef later():\n    import json\n\n    return json\n")

    result = local_imports_check(sources)

    assert result.returncode == 1
    assert "vik/core/clock.py" in result.stdout
    assert "import json" in result.stdout
