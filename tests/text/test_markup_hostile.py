"""Markup to plain text and segmentation stay linear on broken markup (issue 12, part 1).

The standard library's HTML parser rescanned the rest of a page at every
unclosed ``<meta``, ``<!--`` or quoted attribute (quadratic); the tokenizer
that replaced it consumes each token once.
"""

import pytest

from seethe.models import Report
from seethe.text import WorkBudget, html_to_text, markdown_to_text, normalize, segment
from seethe.errors import ReportError
from seethe.text._segment import MAX_SENTENCE_CHARS

BROKEN_HTML = [
    "<meta " * 20_000,  # 47 s before
    "<time " * 20_000,  # 61 s before
    "<a b='" * 20_000,
    "<!--" * 20_000,
    "</" * 30_000,
    "<a" * 30_000,
    "<" * 50_000,
    "<!" * 30_000,
    "&" * 50_000,
    "<div>" * 20_000 + "x" + "</div>" * 20_000,
    "<script>" * 20_000,
    "<p title=\"" + "x" * 50_000,
]


@pytest.mark.parametrize("source", BROKEN_HTML, ids=range(len(BROKEN_HTML)))
def test_broken_html_is_tokenized_in_one_pass(source, finishes_within):
    with finishes_within(10):
        text, offsets = html_to_text(source)
    # Unclosed tags and comments run to the end of the page and show nothing, as in a browser.
    assert "<meta" not in text and "<time" not in text and "<!--" not in text


def test_six_hundred_nested_divs_keep_their_text(finishes_within):
    with finishes_within(10):
        text, _ = html_to_text("<div>" * 600 + "Leaflets in Hyesan." + "</div>" * 600)
    assert text.strip() == "Leaflets in Hyesan."


@pytest.mark.parametrize("source, expected", [
    ("<p>a &amp; b &lt;c&gt; &#65;&#x42; &nbsp;x &bogus; & y</p>", "a & b <c> AB \xa0x &bogus; & y"),
    ("<p title='a>b'>kept</p>", "kept"),
    ("<title>T &amp; U</title><p>body</p>", "T & U\nbody"),
    ("<script>if (a < b) { x = '</p>'; }</script><p>after</p>", "after"),
    ("<style>p > a {}</style>after", "after"),
    ("<!DOCTYPE html><?xml x?><!-- c --><p>x</p>", "x"),
    ("a < b and c<3 d", "a < b and c<3 d"),
    ("<p>one<br>two<br/>three</p>", "one two\nthree"),
    ("<nav>menu</nav><p>story</p>", "story"),
    ("<P>Upper</P><SCRIPT>x</SCRIPT>", "Upper"),
])
def test_html_text(source, expected):
    assert html_to_text(source)[0] == expected


def test_every_visible_character_maps_back_to_itself():
    source = "<p>Police &amp; <b title='x>y'>soldiers</b> came<!-- no -->.</p><p>Second &lt;para&gt;.</p>"
    text, offsets = html_to_text(source)
    for i, c in enumerate(text):
        if c not in " \n&<>":
            assert source[offsets.source(i, len(source))] == c


@pytest.mark.parametrize("source", ["[" * 40_000, "![" * 20_000, "[a](" * 10_000, "<a " * 20_000, "*_" * 20_000,
                                    "---\n" + "a: b\n" * 20_000, "\n" * 50_000 + "x"])
def test_markdown_stays_linear(source, finishes_within):
    with finishes_within(10):
        markdown_to_text(source)


@pytest.mark.parametrize("text", ["." * 40_000, "!?" * 20_000, "a. " * 20_000, "[...]" * 10_000, "Mr. " * 20_000])
def test_sentence_boundaries_are_linear(text, finishes_within):
    with finishes_within(10):
        segment(text, ["Mr"])


def test_a_text_without_full_stops_is_cut_into_bounded_sentences():
    text = " ".join(["word"] * 5_000)  # 25 KB, one "sentence"
    paragraphs, sentences = segment(text)
    assert len(paragraphs) == 1
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in sentences)
    assert " ".join(text[s.start:s.end] for s in sentences) == text  # cut at spaces, nothing lost


def test_a_report_over_its_budget_is_one_line_error_naming_the_stage():
    report = Report(text="<p>Police came.</p>" * 2_000, source="slow.html", media_type="text/html")
    with pytest.raises(ReportError) as err:
        normalize(report, budget=WorkBudget("slow.html", allowed=0.0))
    assert err.value.code == "report.too_complex"
    assert err.value.one_line().startswith("slow.html: too complex to read: stopped in reading")
