"""The open datasets built from a snapshot: their columns, their CSV rows, their CSV on the Web
metadata (W3C tabular metadata) and their DCAT-AP-CZ catalogue records.

The catalogue follows the Czech open formal norm "Rozhraní katalogů otevřených dat" (DCAT-AP-CZ,
the "DCAT-AP Dokumenty" variant that NKOD harvests): its JSON-LD context gives the Czech keys
their DCAT meaning (název = dcterms:title, popis = dcterms:description, klíčové_slovo =
dcat:keyword, poskytovatel = dcterms:publisher, téma = dcat:theme, periodicita_aktualizace =
dcterms:accrualPeriodicity, prvek_rúian = dcterms:spatial, distribuce = dcat:distribution,
soubor_ke_stažení = dcat:downloadURL, typ_média = dcat:mediaType, formát = dcterms:format,
schéma = dcterms:conformsTo, podmínky_užití = the terms of use that carry the licence).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

OFN_CONTEXT = (
    "https://ofn.gov.cz/rozhraní-katalogů-otevřených-dat/2021-01-11/kontexty/"
    "rozhraní-katalogů-otevřených-dat.jsonld"
)
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
THEME_GOVERNMENT = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
DAILY = "http://publications.europa.eu/resource/authority/frequency/DAILY"
CSV_MEDIA_TYPE = "http://www.iana.org/assignments/media-types/text/csv"
CSV_FORMAT = "http://publications.europa.eu/resource/authority/file-type/CSV"
RUIAN_REGION = "https://linked.cuzk.cz/resource/ruian/vusc/{code}"
TERMS = "https://data.gov.cz/podmínky-užití/{name}/"
SUPPRESSED_NOTE = "potlačeno: méně než {minimum}"

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str
    title_cs: str
    title_en: str
    key: bool = False


@dataclass(frozen=True)
class Dataset:
    slug: str
    title_cs: str
    title_en: str
    description_cs: str
    description_en: str
    keywords_cs: tuple[str, ...]
    keywords_en: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: Callable[[dict[str, Any]], Iterator[Row]]

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


REGION = Column("kraj_kod", "string", "Kód kraje (ČSÚ)", "Region code (CZSO)", key=True)
MONTH = Column("mesic", "gYearMonth", "Měsíc přijetí", "Month received", key=True)
COMPLETE = Column(
    "mesic_uplny", "boolean", "Celý měsíc (ne jen do dne zveřejnění)",
    "Complete month (not only up to the day of publication)",
)  # fmt: skip
NOTE = Column("poznamka", "string", "Poznámka (potlačená buňka)", "Note (suppressed cell)")
REQUESTS = Column("pocet_pozadavku", "integer", "Počet požadavků", "Number of requests")


def _note(payload: dict[str, Any], *values: Any) -> str:
    if any(value is None for value in values):
        return SUPPRESSED_NOTE.format(minimum=payload["min_cell"])
    return ""


def _complete(payload: dict[str, Any]) -> dict[str, str]:
    return {item["month"]: "true" if item["complete"] else "false" for item in payload["months"]}


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _by_month(payload: dict[str, Any]) -> Iterator[Row]:
    complete = _complete(payload)
    for cell in payload["by_month"]:
        yield {
            "kraj_kod": payload["region"]["code"],
            "mesic": cell["month"],
            "mesic_uplny": complete[cell["month"]],
            "pocet_pozadavku": _blank(cell["count"]),
            "poznamka": _note(payload, cell["count"]),
        }


def _by_category(key: str, code_column: str, label_column: str) -> Callable[..., Iterator[Row]]:
    categories_key = "channels" if key == "by_channel" else "topics"

    def rows(payload: dict[str, Any]) -> Iterator[Row]:
        complete = _complete(payload)
        labels = {item["code"]: item["cs"] for item in payload[categories_key]}
        for cell in payload[key]:
            yield {
                "kraj_kod": payload["region"]["code"],
                "mesic": cell["month"],
                "mesic_uplny": complete[cell["month"]],
                code_column: cell["code"],
                label_column: labels[cell["code"]],
                "pocet_pozadavku": _blank(cell["count"]),
                "poznamka": _note(payload, cell["count"]),
            }

    return rows


def _response_time(payload: dict[str, Any]) -> Iterator[Row]:
    complete = _complete(payload)
    for cell in payload["response_time"]:
        yield {
            "kraj_kod": payload["region"]["code"],
            "mesic": cell["month"],
            "mesic_uplny": complete[cell["month"]],
            "pocet_zodpovezenych": _blank(cell["answered"]),
            "median_minut_pracovni_doby": _blank(cell["median_minutes"]),
            "poznamka": _note(payload, cell["answered"], cell["median_minutes"]),
        }


def _satisfaction(payload: dict[str, Any]) -> Iterator[Row]:
    complete = _complete(payload)
    for cell in payload["satisfaction"]:
        yield {
            "kraj_kod": payload["region"]["code"],
            "mesic": cell["month"],
            "mesic_uplny": complete[cell["month"]],
            "pocet_hodnoceni": _blank(cell["ratings"]),
            "podil_spokojenych": _blank(cell["satisfied_share"]),
            "prumerne_hodnoceni": _blank(cell["average"]),
            "poznamka": _note(payload, cell["ratings"]),
        }


def _guides(payload: dict[str, Any]) -> Iterator[Row]:
    for guide in payload["guides"]:
        yield {
            "kraj_kod": payload["region"]["code"],
            "poradi": guide["rank"],
            "nazev": guide["cs"],
            "url": guide["url"],
            "pocet_precteni": guide["reads"],
            "obdobi_od": payload["guides_period"]["first"],
            "obdobi_do": payload["guides_period"]["last"],
        }


DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            slug="pozadavky-podle-mesicu",
            title_cs="Dotazy a podání občanů podle měsíců",
            title_en="Citizens' requests by month",
            description_cs=(
                "Počet dotazů a podání, které přijala informační centra kraje, po měsících "
                "(posledních 24 celých měsíců a běžný měsíc do dne zveřejnění). Počty pod "
                "prahem jsou potlačeny."
            ),
            description_en=(
                "Requests the region's information centres received, by month (the last 24 "
                "complete months and the current month to date). Counts under the threshold "
                "are suppressed."
            ),
            keywords_cs=("dotazy občanů", "informační centrum", "statistika"),
            keywords_en=("citizens' requests", "information centre", "statistics"),
            columns=(REGION, MONTH, COMPLETE, REQUESTS, NOTE),
            rows=_by_month,
        ),
        Dataset(
            slug="pozadavky-podle-kanalu",
            title_cs="Dotazy a podání občanů podle kanálu",
            title_en="Citizens' requests by channel",
            description_cs=(
                "Počet dotazů a podání po měsících podle kanálu, kterým přišly (webový "
                "formulář, e-mail, telefon, přepážka, datová schránka …)."
            ),
            description_en=(
                "Requests by month and by the channel they came through (web form, e-mail, "
                "phone, counter, data box …)."
            ),
            keywords_cs=("dotazy občanů", "komunikační kanály", "statistika"),
            keywords_en=("citizens' requests", "communication channels", "statistics"),
            columns=(
                REGION,
                MONTH,
                COMPLETE,
                Column("kanal", "string", "Kanál (kód)", "Channel (code)", key=True),
                Column("kanal_nazev", "string", "Kanál", "Channel"),
                REQUESTS,
                NOTE,
            ),
            rows=_by_category("by_channel", "kanal", "kanal_nazev"),
        ),
        Dataset(
            slug="pozadavky-podle-temat",
            title_cs="Dotazy a podání občanů podle témat",
            title_en="Citizens' requests by topic",
            description_cs="Počet dotazů a podání po měsících podle hlavních témat.",
            description_en="Requests by month and by top-level topic.",
            keywords_cs=("dotazy občanů", "témata", "statistika"),
            keywords_en=("citizens' requests", "topics", "statistics"),
            columns=(
                REGION,
                MONTH,
                COMPLETE,
                Column("tema", "string", "Téma (kód)", "Topic (code)", key=True),
                Column("tema_nazev", "string", "Téma", "Topic"),
                REQUESTS,
                NOTE,
            ),
            rows=_by_category("by_topic", "tema", "tema_nazev"),
        ),
        Dataset(
            slug="doba-odpovedi",
            title_cs="Doba do první odpovědi na dotaz",
            title_en="Time to the first answer",
            description_cs=(
                "Medián doby od přijetí dotazu do první odpovědi v minutách pracovní doby "
                "centra (bez víkendů a svátků), po měsících přijetí."
            ),
            description_en=(
                "Median time from receipt to the first answer, in minutes of the centre's "
                "working time (weekends and public holidays excluded), by month received."
            ),
            keywords_cs=("doba odpovědi", "kvalita služeb", "statistika"),
            keywords_en=("response time", "quality of service", "statistics"),
            columns=(
                REGION,
                MONTH,
                COMPLETE,
                Column(
                    "pocet_zodpovezenych",
                    "integer",
                    "Počet zodpovězených dotazů",
                    "Requests answered",
                ),
                Column(
                    "median_minut_pracovni_doby",
                    "integer",
                    "Medián doby do první odpovědi (minuty pracovní doby)",
                    "Median time to the first answer (working minutes)",
                ),
                NOTE,
            ),
            rows=_response_time,
        ),
        Dataset(
            slug="spokojenost",
            title_cs="Spokojenost občanů s vyřízením dotazů",
            title_en="Citizens' satisfaction with the answers",
            description_cs=(
                "Hodnocení vyřízení dotazů občany (1–5) po měsících: počet hodnocení, podíl "
                "hodnocení 4 a 5 a průměrné hodnocení."
            ),
            description_en=(
                "Citizens' ratings of how their requests were handled (1–5) by month: the "
                "number of ratings, the share of 4 and 5, the average rating."
            ),
            keywords_cs=("spokojenost", "hodnocení", "statistika"),
            keywords_en=("satisfaction", "ratings", "statistics"),
            columns=(
                REGION,
                MONTH,
                COMPLETE,
                Column("pocet_hodnoceni", "integer", "Počet hodnocení", "Ratings"),
                Column(
                    "podil_spokojenych",
                    "decimal",
                    "Podíl hodnocení 4 a 5 (0–1)",
                    "Share of ratings 4 and 5 (0–1)",
                ),
                Column("prumerne_hodnoceni", "decimal", "Průměrné hodnocení", "Average rating"),
                NOTE,
            ),
            rows=_satisfaction,
        ),
        Dataset(
            slug="nejctenejsi-navody",
            title_cs="Nejčtenější návody pro občany",
            title_en="The most-read guides",
            description_cs=(
                "Deset veřejných návodů a odpovědí nejčtenějších na portálu za posledních "
                "12 měsíců."
            ),
            description_en="The ten public guides read most on the portal in the last 12 months.",
            keywords_cs=("návody", "životní situace", "statistika"),
            keywords_en=("guides", "life situations", "statistics"),
            columns=(
                REGION,
                Column("poradi", "integer", "Pořadí", "Rank", key=True),
                Column("nazev", "string", "Název návodu", "Title"),
                Column("url", "anyURI", "Adresa návodu", "Address"),
                Column("pocet_precteni", "integer", "Počet přečtení", "Reads"),
                Column("obdobi_od", "gYearMonth", "Od měsíce", "From month"),
                Column("obdobi_do", "gYearMonth", "Do měsíce", "To month"),
            ),
            rows=_guides,
        ),
    )
}


# URLs --------------------------------------------------------------------------------------


def path_of(name: str, region_code: str, *args: str) -> str:
    """The page's or file's path with the region (`?kraj=`): stable, one per region."""
    path = reverse(f"portal:{name}", args=list(args))
    return f"{path}?{urlencode({'kraj': region_code})}"


def _absolute(name: str, region_code: str, *args: str) -> str:
    """Files and records name each other by absolute URLs under VIK_SITE_URL."""
    return f"{settings.SITE_URL}{path_of(name, region_code, *args)}"


def csv_url(dataset: Dataset, region_code: str) -> str:
    return _absolute("opendata_csv", region_code, dataset.slug)


def metadata_url(dataset: Dataset, region_code: str) -> str:
    return _absolute("opendata_csv_metadata", region_code, dataset.slug)


def record_url(dataset: Dataset, region_code: str) -> str:
    return _absolute("opendata_dataset", region_code, dataset.slug)


def catalogue_url(region_code: str) -> str:
    return _absolute("opendata_catalogue", region_code)


def page_url(region_code: str) -> str:
    return _absolute("opendata_statistics", region_code)


# The files ---------------------------------------------------------------------------------


def csv_text(dataset: Dataset, payload: dict[str, Any]) -> str:
    """UTF-8 CSV (RFC 4180, CRLF), a header row of the column names, one row per cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=dataset.header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(dataset.rows(payload))
    return out.getvalue()


def csvw_metadata(dataset: Dataset, payload: dict[str, Any]) -> dict[str, Any]:
    """The CSV's W3C tabular metadata: each column's name (the header cell), its titles and
    datatype; the key; an empty cell is null (suppressed)."""
    region = payload["region"]
    metadata: dict[str, Any] = {
        "@context": [CSVW_CONTEXT, {"@language": "cs"}],
        "url": csv_url(dataset, region["code"]),
        "dc:title": [
            {"@value": f"{dataset.title_cs} – {region['name']}", "@language": "cs"},
            {"@value": dataset.title_en, "@language": "en"},
        ],
        "dc:description": [
            {"@value": dataset.description_cs, "@language": "cs"},
            {"@value": dataset.description_en, "@language": "en"},
        ],
        "dc:license": {"@id": settings.VIK_OPENDATA_LICENSE},
        "dc:modified": {"@value": payload["date"], "@type": "xsd:date"},
        "dialect": {"header": True, "encoding": "utf-8", "delimiter": ","},
        "tableSchema": {
            "columns": [
                {
                    "name": column.name,
                    "titles": column.name,
                    "dc:description": [
                        {"@value": column.title_cs, "@language": "cs"},
                        {"@value": column.title_en, "@language": "en"},
                    ],
                    "datatype": column.datatype,
                    "required": column.key,
                    "null": "",
                }
                for column in dataset.columns
            ],
            "primaryKey": [column.name for column in dataset.columns if column.key],
        },
    }
    if settings.VIK_OPENDATA_PUBLISHER_NAME:
        metadata["dc:publisher"] = settings.VIK_OPENDATA_PUBLISHER_NAME
    if settings.VIK_OPENDATA_PUBLISHER:
        metadata["dc:creator"] = {"@id": settings.VIK_OPENDATA_PUBLISHER}
    return metadata


def _terms_of_use() -> dict[str, Any]:
    """DCAT-AP-CZ terms of use: aggregated counts hold no authored work nor personal data;
    the database is published under the licence (CC BY 4.0 by default)."""
    terms: dict[str, Any] = {
        "typ": "Specifikace podmínek užití",
        "autorské_dílo": TERMS.format(name="neobsahuje-autorská-díla"),
        "databáze_jako_autorské_dílo": TERMS.format(name="není-autorskoprávně-chráněnou-databází"),
        "databáze_chráněná_zvláštními_právy": settings.VIK_OPENDATA_LICENSE,
        "osobní_údaje": TERMS.format(name="neobsahuje-osobní-údaje"),
    }
    return terms


def dataset_record(dataset: Dataset, payload: dict[str, Any]) -> dict[str, Any]:
    """The dataset's DCAT-AP-CZ record (a dcat:Dataset with one CSV dcat:Distribution)."""
    region = payload["region"]
    code = region["code"]
    record: dict[str, Any] = {
        "@context": OFN_CONTEXT,
        "iri": record_url(dataset, code),
        "typ": "Datová sada",
        "název": {
            "cs": f"{dataset.title_cs} – {region['name']}",
            "en": f"{dataset.title_en} – {region['name']}",
        },
        "popis": {"cs": dataset.description_cs, "en": dataset.description_en},
        "klíčové_slovo": {
            "cs": [*dataset.keywords_cs, region["name"]],
            "en": list(dataset.keywords_en),
        },
        "téma": [THEME_GOVERNMENT],
        "periodicita_aktualizace": DAILY,
        "dokumentace": page_url(code),
        "distribuce": [
            {
                "typ": "Distribuce",
                "iri": f"{record_url(dataset, code)}#csv",
                "název": {"cs": f"{dataset.title_cs} (CSV)", "en": f"{dataset.title_en} (CSV)"},
                "podmínky_užití": _terms_of_use(),
                "soubor_ke_stažení": csv_url(dataset, code),
                "přístupové_url": csv_url(dataset, code),
                "typ_média": CSV_MEDIA_TYPE,
                "formát": CSV_FORMAT,
                "schéma": metadata_url(dataset, code),
            }
        ],
    }
    if settings.VIK_OPENDATA_PUBLISHER:
        record["poskytovatel"] = settings.VIK_OPENDATA_PUBLISHER
    if region["ruian_code"]:
        record["prvek_rúian"] = [RUIAN_REGION.format(code=region["ruian_code"])]
    return record


def catalogue_record(payload: dict[str, Any]) -> dict[str, Any]:
    """The region's catalogue (dcat:Catalog) listing its datasets' IRIs; NKOD dereferences
    each (`dataset_record`)."""
    region = payload["region"]
    code = region["code"]
    catalogue: dict[str, Any] = {
        "@context": OFN_CONTEXT,
        "iri": catalogue_url(code),
        "typ": "Katalog",
        "název": {
            "cs": f"Otevřená data informačních center – {region['name']}",
            "en": f"Open data of the information centres – {region['name']}",
        },
        "popis": {
            "cs": (
                "Souhrnné statistiky dotazů občanů informačním centrům kraje a obcí: bez "
                "osobních údajů, počty pod prahem potlačeny, aktualizováno denně."
            ),
            "en": (
                "Aggregated statistics of citizens' requests to the information centres of the "
                "region and its municipalities: no personal data, counts under the threshold "
                "suppressed, updated daily."
            ),
        },
        "domovská_stránka": page_url(code),
        "datová_sada": [record_url(dataset, code) for dataset in DATASETS.values()],
    }
    if settings.VIK_OPENDATA_PUBLISHER:
        catalogue["poskytovatel"] = settings.VIK_OPENDATA_PUBLISHER
    return catalogue
