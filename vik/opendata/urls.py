from django.urls import path

from .views import portal

portal_urlpatterns = [
    path("statistiky/", portal.statistics, name="opendata_statistics"),
    path("statistiky/katalog.jsonld", portal.catalogue, name="opendata_catalogue"),
    path("statistiky/data/<slug:slug>.csv", portal.dataset_csv, name="opendata_csv"),
    path(
        "statistiky/data/<slug:slug>.csv-metadata.json",
        portal.dataset_csv_metadata,
        name="opendata_csv_metadata",
    ),
    path("statistiky/data/<slug:slug>.jsonld", portal.dataset_record, name="opendata_dataset"),
]
