"""`vik knowledge import` and `vik knowledge export`: JSON Lines in and out."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from vik.knowledge import services
from vik.knowledge.models import Article, SearchEntry

LINES = [
    {
        "title": "Jak přihlásit psa?",
        "body": "Formulář najdete na podatelně.",
        "question": "Musím psa přihlásit?",
        "topic": "fees-local",
        "source_url": "https://www.jihlava.cz/faq/pes",
    },
    {
        "title": "Ověření podpisu",
        "body": "Legalizaci provede **Czech POINT**.",
        "kind": "life_situation",
        "topic": "Doklady",
        "sections": {"fees": "30 Kč za podpis."},
        "tags": ["czech point", "ověřování"],
    },
    {"title": "Úřední hodiny", "body": "Po a St 8–17.", "kind": "announcement"},
]


def jsonl(records):
    return "\n".join(json.dumps(record, ensure_ascii=False) for record in records) + "\n"


def run(command, *args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    call_command("knowledge", command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def faq_file(tmp_path):
    path = tmp_path / "faq.jsonl"
    path.write_text(jsonl(LINES), encoding="utf-8")
    return path


def test_import_creates_published_articles_and_is_idempotent(world, faq_file):
    out, _err = run("import", "--jsonl", str(faq_file), "--region", world.region.code)
    assert out.strip() == "created 3, updated 0, unchanged 0"
    dog = Article.objects.get(source_url="https://www.jihlava.cz/faq/pes")
    assert dog.kind == "faq"
    assert dog.region == world.region
    assert dog.topic.slug == "fees-local"
    assert dog.is_live
    assert dog.published_version.question == "Musím psa přihlásit?"
    assert dog.published_version.author is None  # VIK itself
    stamp = Article.objects.get(slug="overeni-podpisu")
    assert stamp.topic.slug == "documents"
    assert stamp.published_version.sections == {"fees": "30 Kč za podpis."}
    assert sorted(stamp.tags.values_list("name", flat=True)) == ["czech point", "ověřování"]
    assert SearchEntry.objects.count() == 3

    out, _err = run("import", "--jsonl", str(faq_file), "--region", world.region.code)
    assert out.strip() == "created 0, updated 0, unchanged 3"
    assert Article.objects.count() == 3
    assert dog.versions.count() == 1


def test_a_changed_line_makes_a_new_version(world, faq_file, tmp_path):
    run("import", "--jsonl", str(faq_file), "--region", world.region.code)
    changed = [dict(LINES[0], body="Formulář je i online."), *LINES[1:]]
    path = tmp_path / "changed.jsonl"
    path.write_text(jsonl(changed), encoding="utf-8")
    out, _err = run("import", "--jsonl", str(path), "--region", world.region.code)
    assert out.strip() == "created 0, updated 1, unchanged 2"
    dog = Article.objects.get(source_url="https://www.jihlava.cz/faq/pes")
    assert dog.published_version.number == 2
    assert dog.published_version.body == "Formulář je i online."


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"title": "Bez textu"}', "line 2: missing body"),
        ("{not json", "line 2: not valid JSON"),
        ('{"title": "", "body": "x"}', "line 2: the title is empty"),
        ('{"title": "T", "body": "x", "kind": "blog"}', "line 2: unknown kind “blog”"),
        ('{"title": "T", "body": "x", "topic": "Kosmonautika"}', "line 2: unknown topic"),
        (
            '{"title": "T", "body": "x", "source_url": "javascript:alert(1)"}',
            "line 2: “source_url”",
        ),
        ('{"title": "T", "body": "x", "titel": "T"}', "line 2: unknown keys: titel"),
        ('["title", "body"]', "line 2: not a JSON object"),
        ('{"title": "T", "body": "x", "sections": {"poplatky": "x"}}', "line 2: unknown sections"),
    ],
)
def test_a_bad_line_is_rejected_with_its_number_and_nothing_is_imported(
    world, tmp_path, line, message
):
    path = tmp_path / "bad.jsonl"
    path.write_text(jsonl(LINES[:1]) + line + "\n" + jsonl(LINES[1:]), encoding="utf-8")
    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported: 1 line"):
        call_command("knowledge", "import", "--jsonl", str(path), stdout=out, stderr=err)
    assert err.getvalue().startswith(message), err.getvalue()
    assert not Article.objects.exists()


def test_a_line_the_services_refuse_rolls_back_the_whole_import(world, tmp_path):
    path = tmp_path / "faq.jsonl"
    path.write_text(jsonl(LINES), encoding="utf-8")
    report = services.articles_import(
        lines=path.read_text().splitlines(), by=world.alice, region=world.other_region
    )
    assert [str(error) for error in report.errors] == [
        "line 1: Nemáte oprávnění psát články s tímto rozsahem."
    ]
    assert not Article.objects.exists()


def test_export_is_the_inverse_of_import(world, faq_file, tmp_path):
    run("import", "--jsonl", str(faq_file), "--region", world.region.code)
    exported, _err = run("export")
    records = [json.loads(line) for line in exported.splitlines()]
    assert len(records) == 3
    dog = next(r for r in records if r.get("source_url"))
    assert dog == {
        "audience": "public",
        "body": "Formulář najdete na podatelně.",
        "kind": "faq",
        "question": "Musím psa přihlásit?",
        "region": world.region.code,
        "slug": "jak-prihlasit-psa",
        "source_url": "https://www.jihlava.cz/faq/pes",
        "title": "Jak přihlásit psa?",
        "topic": "fees-local",
    }

    # Re-importing the export changes nothing...
    path = tmp_path / "export.jsonl"
    path.write_text(exported, encoding="utf-8")
    out, _err = run("import", "--jsonl", str(path))
    assert out.strip() == "created 0, updated 0, unchanged 3"

    # ...and into an empty database it recreates the same articles: the export is the same.
    Article.objects.update(published_version=None, published_version_en=None, variant_of=None)
    SearchEntry.objects.all().delete()
    Article.objects.all().delete()
    out, _err = run("import", "--jsonl", str(path))
    assert out.strip() == "created 3, updated 0, unchanged 0"
    again, _err = run("export")
    assert sorted(again.splitlines()) == sorted(exported.splitlines())


def test_export_and_import_keep_variants_and_translations(world, id_card, frank):
    variant = services.article_create(
        by=frank, kind="faq", variant_of=id_card, centre=world.centre_a, title="Jihlava",
        body="Přepážka 12.",
    )  # fmt: skip
    services.article_publish(article=variant, by=frank)
    services.article_edit(
        article=id_card, by=None, language="en", title="Identity card", body="Apply."
    )
    services.article_publish(article=id_card, by=None)
    exported, _err = run("export")
    records = [json.loads(line) for line in exported.splitlines()]
    assert [r["slug"] for r in records] == [id_card.slug, variant.slug]
    assert records[0]["en"] == {"title": "Identity card", "body": "Apply."}
    assert records[1]["variant_of"] == id_card.slug
    assert records[1]["centre"] == world.centre_a.slug
