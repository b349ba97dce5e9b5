from seethe.text import fold, html_to_text, markdown_to_text, normalize, segment
from seethe.models import Report
from seethe.profile import load_lexicon


def test_fold_keeps_length_and_strips_breves():
    text = "Hamgyŏng-bukto, Hŭich'ŏn and 혜산시"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("hamgyong-bukto, huich'on")
    assert folded.endswith("혜산시")


def test_html_text_maps_back_to_source_offsets():
    source = "<html><head><title>T</title><script>var x=1;</script></head><body><p>Leaflets found in <b>Hyesan</b>.</p><p>Second&nbsp;para &amp; more.</p></body></html>"
    text, offsets = html_to_text(source)
    assert "var x" not in text
    assert "Leaflets found in Hyesan." in text
    i = text.index("Hyesan")
    j = offsets.source(i, len(source))
    assert source[j:j + 6] == "Hyesan"
    assert "Second\xa0para & more." in text or "Second para & more." in text
    assert "\n" in text  # paragraphs stay apart


def test_markdown_markup_is_removed_and_offsets_kept():
    source = "---\ntitle: x\npublished: 2020-01-02\n---\n# Heading\n\nA **bold** claim about [Chongjin](http://x.example) city.\n"
    text, offsets = markdown_to_text(source)
    assert "published" not in text
    assert "A bold claim about Chongjin city." in text
    i = text.index("Chongjin")
    j = offsets.source(i, len(source))
    assert source[j:j + 8] == "Chongjin"


def test_sentences_respect_abbreviations_and_quotes():
    text = 'A source told RFA on Jan. 1st that Mr. Kim left at 5 a.m. on the train. "They searched every house," he said. It rained.'
    _, sentences = segment(text, load_lexicon("en").abbreviations)
    pieces = [text[s.start:s.end] for s in sentences]
    assert pieces[0].endswith("on the train.")
    assert pieces[1].startswith('"They searched')
    assert pieces[-1] == "It rained."


def test_document_curly_quotes_become_plain_without_moving_offsets():
    report = Report(text="\u201cThey came\u201d \u2014 he said.", source="t")
    doc = normalize(report)
    assert doc.text == '"They came" - he said.'
    assert len(doc.text) == len(doc.folded)


def test_every_plain_character_maps_back_to_the_same_character():
    source = "<p>  Police   raided\n homes in <i>Hoeryong</i> &amp; Musan.</p><p>Second.</p>"
    doc = normalize(Report(text=source, source="t", media_type="text/html"))
    for i, c in enumerate(doc.text):
        if c not in " \n&":
            assert source[doc.source_offset(i)] == c, (i, c)


def test_source_offsets_map_onto_the_plain_text():
    source = "Go to contents\n\n\nN.   Korean  men fled.\n\nSecond para here."
    doc = normalize(Report(text=source, source="t"))
    for word in ("fled", "Second", "contents"):
        i = doc.offsets.plain_offset(source.index(word))
        assert doc.text[i:i + len(word)] == word


def test_hard_wrapped_lines_are_one_paragraph_and_offsets_hold():
    lines = ("The authorities have ordered the State Security Department to round up Chinese mobile\n"
             "phone users in the border areas to prevent defections. As a result, security agents\n"
             "are teaming up with signal detection units in North Hamgyong Province.\n\n"
             "A second paragraph follows here.")
    doc = normalize(Report(text=lines, source="wrapped.txt"))
    assert len(doc.paragraphs) == 2
    assert any("Chinese mobile phone users" in doc.text[s.start:s.end] for s in doc.sentences)
    i = doc.text.index("phone users")
    assert lines[doc.source_offset(i):doc.source_offset(i) + 11] == "phone users"


def test_lines_that_end_their_sentences_stay_paragraphs():
    text = ("North Korea restricts access to Tumen River\n"
            "By a reporter\n"
            "A source said the center banned residents from the river.\n"
            "People who did their laundry there are inconvenienced.")
    assert len(normalize(Report(text=text, source="lines.txt")).paragraphs) == 4
