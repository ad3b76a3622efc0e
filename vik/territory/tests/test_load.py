import csv

import pytest

from vik.territory.models import Municipality, Orp, Region
from vik.territory.services import MUNICIPALITIES_FILE, territory_load


@pytest.mark.django_db
def test_the_whole_country_is_loaded():
    assert Region.objects.count() == 14
    assert Municipality.objects.count() == 6258
    vysocina = Region.objects.get(code="3107")
    assert (vysocina.name, vysocina.abbreviation, vysocina.nuts3) == (
        "Kraj Vysočina",
        "VYS",
        "CZ063",
    )
    assert Municipality.objects.filter(region=vysocina).count() == 704
    assert sorted(Orp.objects.filter(region=vysocina).values_list("code", flat=True)) == [
        str(code) for code in range(6101, 6116)
    ]
    zdar = Municipality.objects.get(code="595209")
    assert (zdar.name, zdar.search_name, zdar.orp.code) == (
        "Žďár nad Sázavou",
        "zdar nad sazavou",
        "6115",
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = list(Municipality.objects.order_by("code").values_list("code", "name", "orp_id"))
    report = territory_load()
    assert (report.municipalities_created, report.municipalities_updated) == (0, 0)
    assert report.municipalities_retired == 0
    after = list(Municipality.objects.order_by("code").values_list("code", "name", "orp_id"))
    assert after == before


@pytest.mark.django_db
def test_a_newer_code_list_renames_moves_and_retires(tmp_path):
    with MUNICIPALITIES_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    changed = []
    for row in rows:
        if row["obec_kod"] == "586846":
            row = {**row, "obec_nazev": "Jihlava-nová"}
        if row["obec_kod"] == "590266":  # Třebíč leaves the list (as after a merger)
            continue
        changed.append(row)
    newer = tmp_path / "obce.csv"
    with newer.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(changed)

    report = territory_load(municipalities_file=newer)

    assert (report.municipalities_updated, report.municipalities_retired) == (1, 1)
    assert Municipality.objects.get(code="586846").name == "Jihlava-nová"
    assert Municipality.objects.get(code="590266").is_active is False
