"""Services: the Python API the faces share (the command line now, the web app next).

* ``corpus`` — read → extract → store for files, folders, feeds and URLs
  (locally or on Dask), and re-extraction of a stored corpus;
* ``queries`` — filters from what a person types (province names, outlet
  aliases, place names) and names for people ("North Hamgyong (KP-09)");
* ``exports`` — CSV, JSON Lines and GeoJSON writers over streamed incidents;
* ``scoring`` — extraction scored on a dataset with gold files;
* ``events`` — incidents linked into events (incrementally), analysts'
  decisions, event details (``seethe.services.events``).

Services sit above the stages and the store and below the faces.
"""

from seethe.services.corpus import Failure, IngestOptions, IngestSummary, ReextractResult, extract_one, ingest, reextract
from seethe.services.exports import (
    CSV_COLUMNS, EVENT_CSV_COLUMNS, FORMATS, event_flat_row, flat_row, geojson_feature, write_event_export, write_export,
)
from seethe.services.queries import incident_filter, outlet_names, place_ids, province_code, province_label
from seethe.services.scoring import DatasetScore, ReportScore, score_dataset

__all__ = [
    "CSV_COLUMNS", "DatasetScore", "EVENT_CSV_COLUMNS", "Failure", "FORMATS", "IngestOptions", "IngestSummary", "ReextractResult", "ReportScore",
    "event_flat_row", "extract_one", "flat_row", "geojson_feature", "incident_filter", "ingest", "outlet_names", "place_ids",
    "province_code", "province_label", "reextract", "score_dataset", "write_event_export", "write_export",
]
