"""The knowledge search's evaluation set stays held out (bench/knowledge_eval/README.md).

Its questions measure the search on what no one tuned it for: if the product read the file, or
shipped one of its questions as a phrasing, a lexicon entry or a fixture, the figures would
measure memory instead. These checks read the tree as it is, with no database.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
import unicodedata
from pathlib import Path

from django.utils.text import slugify

from vik.demo import knowledge_content

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "bench" / "knowledge_eval"
PRODUCT = (ROOT / "vik", ROOT / "config")
TEXT = {".py", ".json", ".jsonl", ".csv", ".txt", ".yaml", ".yml", ".toml", ".po", ".html", ".md"}
SKIPPED = {"static", "node_modules", "__pycache__"}


def fold(text: str) -> str:
    """Lower case, no diacritics, words separated by one space."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return " ".join(re.findall(r"\w+", plain))


def product_files() -> list[Path]:
    return [
        path
        for top in PRODUCT
        for path in sorted(top.rglob("*"))
        if path.suffix in TEXT and path.is_file() and not SKIPPED & set(path.parts)
    ]


def load(name: str) -> list[dict[str, object]]:
    lines = (EVAL_DIR / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_no_product_file_names_the_evaluation_set() -> None:
    named = [
        str(path.relative_to(ROOT))
        for path in product_files()
        if "knowledge_eval" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert named == []


def test_no_product_file_contains_an_evaluation_question() -> None:
    # Questions of four words or more, as whole words: "obcanka" or "poplatek za psa" are
    # rightly in a lexicon or an article; a whole question of the set is not.
    questions = {
        fold(str(row["question"]))
        for row in load("questions.jsonl")
        if len(fold(str(row["question"])).split()) >= 4
    }
    found = []
    for path in product_files():
        text = f" {fold(path.read_text(encoding='utf-8', errors='replace'))} "
        found += [(str(path.relative_to(ROOT)), q) for q in questions if f" {q} " in text]
    assert found == []


def test_the_package_ships_no_bench() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not [pattern for pattern in included if pattern.startswith("bench")]


def test_every_answer_names_a_public_demo_article() -> None:
    with (ROOT / "vik" / "demo" / "sample_life_situations_titles.csv").open() as handle:
        codes = {row["id"] for row in csv.DictReader(handle)}
    slugs = {slugify(question)[:100].strip("-") for _topic, question, _a in knowledge_content.FAQS}
    slugs |= {
        slugify(title)[:100].strip("-")
        for audience, title, _summary, _body in knowledge_content.ANNOUNCEMENTS
        if audience == "public"
    }
    evaluation, development = load("questions.jsonl"), load("dev.jsonl")
    for rows in (evaluation, development):
        assert len({row["id"] for row in rows}) == len(rows)
        unknown = [
            (row["id"], key)
            for row in rows
            for key in row["answers"]  # type: ignore[attr-defined]
            if key not in codes and key not in slugs
        ]
        assert unknown == []
    assert len(evaluation) >= 400
    # Every public article is the first answer of at least two evaluation questions.
    first = [row["answers"][0] for row in evaluation]  # type: ignore[index]
    assert all(first.count(key) >= 2 for key in codes | slugs)
    # The development set asks other questions.
    asked = {fold(str(row["question"])) for row in evaluation}
    assert not [row["id"] for row in development if fold(str(row["question"])) in asked]
