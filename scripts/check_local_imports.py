#!/usr/bin/env python3
"""Count the imports inside functions under vik/ and fail on one without a reason.

An import inside a function usually hides an arrow that points up a floor (README,
"Architecture"); the import contract (`lint-imports`) sees those too, but a local import
also dodges an import cycle silently. What remains is a heavy optional module loaded only
when needed, and each says why on its line (or the comment line just above):

    import pytesseract  # local import: OCR engine, loaded only when a fax arrives

Tests and migrations are left out. Prints the count and every unexplained import; the exit
status is 1 when there is one.

    python scripts/check_local_imports.py [root ...] [--list]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MARK = "# local import:"


def local_imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, statement, explained) for each import nested in a function of `path`."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[tuple[int, str, bool]] = []

    def visit(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if inside and isinstance(child, ast.Import | ast.ImportFrom):
                end = child.end_lineno or child.lineno
                own = " ".join(lines[child.lineno - 1 : end])
                above = lines[child.lineno - 2].strip() if child.lineno > 1 else ""
                explained = MARK in own or above.startswith(MARK)
                found.append((child.lineno, lines[child.lineno - 1].strip(), explained))
            visit(child, nested)

    visit(ast.parse(source, filename=str(path)), False)
    return found


def skipped(path: Path) -> bool:
    return "tests" in path.parts or "migrations" in path.parts


def main(argv: list[str]) -> int:
    show_all = "--list" in argv
    roots = [Path(a) for a in argv if not a.startswith("--")] or [Path("vik")]
    total, unexplained = 0, []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if skipped(path):
                continue
            for line, statement, explained in local_imports(path):
                total += 1
                if show_all:
                    print(f"{path}:{line}: {statement}")
                if not explained:
                    unexplained.append(f"{path}:{line}: {statement}")
    for entry in unexplained:
        print(f"{entry}  <- no '{MARK} <reason>'")
    print(f"imports inside functions: {total}, without a reason: {len(unexplained)}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
