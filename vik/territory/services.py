"""Loading the territorial code lists shipped in `vik/territory/data/`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from vik.core.text import fold

from .models import Municipality, Orp, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_FILE = DATA_DIR / "cz_kraje.csv"
MUNICIPALITIES_FILE = DATA_DIR / "cz_obce_orp_kraj_2020.csv"


@dataclass
class LoadReport:
    regions: int = 0
    orps: int = 0
    municipalities_created: int = 0
    municipalities_updated: int = 0
    municipalities_retired: int = 0


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def territory_load(
    *, regions_file: Path = REGIONS_FILE, municipalities_file: Path = MUNICIPALITIES_FILE
) -> LoadReport:
    """Create or update regions, ORPs and municipalities from the ČSÚ code lists.

    Idempotent: loading the same lists twice changes nothing. A newer list updates names and
    links; a municipality missing from it is marked inactive (requests may still point at it).
    """
    report = LoadReport()
    regions: dict[str, Region] = {}
    for row in _read(regions_file):
        region, _ = Region.objects.update_or_create(
            code=row["kraj_kod_csu"],
            defaults={
                "name": row["nazev"],
                "abbreviation": row["zkratka"],
                "nuts3": row["nuts3"],
                "ruian_code": row["kod_ruian_vusc"],
                "iso_code": row["iso_3166_2"],
            },
        )
        regions[region.code] = region
    report.regions = len(regions)

    rows = _read(municipalities_file)
    orps = {orp.code: orp for orp in Orp.objects.all()}
    for row in rows:
        code, name, region = row["orp_kod"], row["orp_nazev"], regions[row["kraj_kod_csu"]]
        orp = orps.get(code)
        if orp is None:
            orps[code] = Orp.objects.create(code=code, name=name, region=region)
        elif orp.name != name or orp.region_id != region.pk:
            orp.name, orp.region = name, region
            orp.save(update_fields=["name", "region"])
    report.orps = len({row["orp_kod"] for row in rows})

    existing = {m.code: m for m in Municipality.objects.all()}
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    fields = ["name", "search_name", "orp", "region", "district_code", "district_name", "is_active"]
    for row in rows:
        values: dict[str, Any] = {
            "name": row["obec_nazev"],
            "search_name": fold(row["obec_nazev"]),
            "orp": orps[row["orp_kod"]],
            "region": regions[row["kraj_kod_csu"]],
            "district_code": row["okres_lau1"],
            "district_name": row["okres_nazev"],
            "is_active": True,
        }
        current = existing.pop(row["obec_kod"], None)
        if current is None:
            to_create.append(Municipality(code=row["obec_kod"], **values))
            continue
        changed = (
            current.name, current.orp_id, current.region_id, current.district_code,
            current.district_name, current.is_active,
        ) != (
            values["name"], values["orp"].pk, values["region"].pk, values["district_code"],
            values["district_name"], True,
        )  # fmt: skip
        if changed:
            for field, value in values.items():
                setattr(current, field, value)
            to_update.append(current)
    Municipality.objects.bulk_create(to_create, batch_size=1000)
    Municipality.objects.bulk_update(to_update, fields, batch_size=1000)
    retired = [m.pk for m in existing.values() if m.is_active]
    Municipality.objects.filter(pk__in=retired).update(is_active=False)
    report.municipalities_created = len(to_create)
    report.municipalities_updated = len(to_update)
    report.municipalities_retired = len(retired)
    return report
