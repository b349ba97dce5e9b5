"""Extraction: from one report to the incidents it describes."""

from seethe.extract.pipeline import (
    DEFAULT_MIN_CONFIDENCE, DEFAULT_PIPELINE, STAGES, Analysis, Extractor, extract_report, stage,
)

__all__ = ["Analysis", "DEFAULT_MIN_CONFIDENCE", "DEFAULT_PIPELINE", "Extractor", "STAGES", "extract_report", "stage"]
