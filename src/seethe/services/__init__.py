"""Services: the Python API the faces share (the command line now, the web app next).

* ``corpus`` — read → extract → store for files, folders, feeds and URLs
  (locally or on Dask), and re-extraction of a stored corpus;
* ``queries`` — filters from what a person types (province names, outlet
  aliases, place names) and names for people ("North Hamgyong (KP-09)");
* ``exports`` — CSV, JSON Lines and GeoJSON writers over streamed incidents;
* ``scoring`` — extraction scored on a dataset with gold files;
* ``accounts`` — users, roles, argon2 password hashes, sessions and API tokens;
* ``protection`` — what a viewer may see (source descriptions withheld, places no finer than a county);
* ``review`` — confirm, correct or reject an incident, kept across re-extraction;
* ``views`` — the map's places, the timeline and a report with its evidence, as a role sees them.
* ``events`` — incidents linked into events (incrementally), analysts'
  decisions, event details and the provenance chain (``seethe.services.events``);
* ``event_views`` — events as a role sees them, one event with its tellings, the events' map layer;
* ``analyses`` — the occurrences the analyses count, per incident or per
  event, selected with the incidents' filters (``seethe.services.analyses``).

Services sit above the stages and the store and below the faces.
"""

from seethe._lazy import lazy_exports

# Each service loads when first used: a face that only reads the store does
# not pay for importing the extraction pipeline.
_EXPORTS = {
    **dict.fromkeys(["Failure", "IngestOptions", "IngestSummary", "ReextractResult", "extract_one", "ingest",
                     "reextract"], "seethe.services.corpus"),
    **dict.fromkeys(["CSV_COLUMNS", "EVENT_CSV_COLUMNS", "FORMATS", "event_flat_row", "export_chunks", "flat_row",
                     "geojson_feature", "write_event_export", "write_export"],
                    "seethe.services.exports"),
    **dict.fromkeys(["incident_filter", "outlet_names", "place_ids", "places_within", "province_code",
                     "province_label"],
                    "seethe.services.queries"),
    **dict.fromkeys(["Selection", "counted", "event_filter_of", "graded_events", "occurrence_of",
                     "occurrence_of_event", "occurrences", "occurrences_from_events", "occurrences_of", "select"],
                    "seethe.services.analyses"),
    **dict.fromkeys(["LinkSummary", "link"], "seethe.services.events"),
    **dict.fromkeys(["CalibrationBin", "DatasetScore", "HappeningScore", "ReportScore", "score_dataset",
                     "score_happenings"], "seethe.services.scoring"),
}
__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports("seethe.services", _EXPORTS, globals())
