"""Fuzzing extraction (bounded: a few seconds): any text in any media type gives incidents whose
evidence and offsets are right, or one ``ReportError``; never another exception or a hang."""

import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st

from seethe.errors import ReportError
from seethe.models import Report
from seethe.text import html_to_text
from tests.hostile_text import MEDIA_TYPES, strategy

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


@FUZZ
@given(text=strategy(), media_type=st.sampled_from(MEDIA_TYPES))
def test_extraction_of_any_text(extractor, finishes_within, text, media_type):
    report = Report(text=text, source="fuzz", published=dt.date(2020, 6, 15), media_type=media_type)
    try:
        with finishes_within(20):
            analysis = extractor.analyse(report)
    except ReportError:
        return
    doc = analysis.doc
    for incident in analysis.incidents:
        assert 0 <= incident.evidence_start < incident.evidence_end <= len(doc.text)
        assert incident.evidence_text == doc.text[incident.evidence_start:incident.evidence_end]
        assert 0.0 <= incident.confidence <= 1.0
        assert 0 <= doc.source_offset(incident.evidence_start) <= len(text)


@FUZZ
@given(text=strategy())
def test_html_text_maps_back_to_the_characters_it_came_from(text):
    plain, offsets = html_to_text(text)
    for i, c in enumerate(plain):
        j = offsets.source(i, len(text))
        assert 0 <= j <= len(text)
        if c.isalnum() and c not in "0123456789":
            # A letter is copied from the source, unless an entity ("&amp;") or a reference made it.
            assert text[j] == c or text[j] == "&", (i, c, text[j])
