import datetime as dt

import pytest

from seethe.errors import ReportError
from seethe.ingest import iter_report_paths, read_report


def test_front_matter_gives_date_and_outlet(write_file):
    path = write_file("a.md", "---\ntitle: T\npublished: 2020-11-03\noutlet: Daily NK\n---\n\nBody text.\n")
    report = read_report(path)
    assert report.published == dt.date(2020, 11, 3)
    assert report.outlet == "Daily NK"
    assert report.media_type == "text/markdown"


def test_html_meta_gives_date(write_file):
    path = write_file("a.html", '<html><head><meta property="article:published_time" content="2019-04-02T10:00:00Z"></head><body><p>x</p></body></html>')
    assert read_report(path).published == dt.date(2019, 4, 2)


def test_dateline_gives_date(write_file):
    path = write_file("a.txt", "Hyesan market closed\nMarch 6, 2016\nThe market was closed for a week.\n")
    assert read_report(path).published == dt.date(2016, 3, 6)


def test_given_values_win_over_the_file(write_file):
    path = write_file("a.md", "---\npublished: 2020-11-03\n---\nBody.\n")
    assert read_report(path, published=dt.date(2021, 1, 1)).published == dt.date(2021, 1, 1)


@pytest.mark.parametrize("name, content, problem", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"   \n\n", "empty file"),
    ("binary.bin.txt", bytes(range(256)) * 20, "binary file"),
    ("garbage.txt", b"\xc3\x28\xa0\xa1" + bytes([0x80 + (i * 7) % 120 for i in range(400)]), "not valid UTF-8"),
    ("utf16.txt", b"\xff\xfe" + bytes([0x41, 0x00, 0x00, 0xd8]), "invalid UTF-16"),
])
def test_unreadable_files_are_one_clear_error(write_file, name, content, problem):
    path = write_file(name, content)
    with pytest.raises(ReportError) as err:
        read_report(path)
    assert problem in err.value.message
    assert err.value.source == str(path)
    assert "\n" not in err.value.one_line()


def test_missing_file_and_folder_are_errors(tmp_path):
    with pytest.raises(ReportError, match="no such file"):
        read_report(tmp_path / "nope.txt")
    with pytest.raises(ReportError, match="is a folder"):
        read_report(tmp_path)


def test_a_file_over_the_limit_is_refused_without_reading_it(write_file):
    path = write_file("big.txt", b"a" * 2048)
    with pytest.raises(ReportError, match="too large"):
        read_report(path, max_bytes=1024)


def test_windows_1252_text_is_detected_and_decoded(write_file):
    path = write_file("cp.txt", "\u201cLeaflets\u201d were found in Chongjin \u2013 residents said so, and police came.".encode("cp1252"))
    report = read_report(path)
    assert "Leaflets" in report.text and "\u201c" in report.text
    assert report.encoding.startswith("cp125")  # 1250 and 1252 agree on these bytes
    assert report.notes and "not UTF-8" in report.notes[0]


def test_declared_encoding_is_used(write_file):
    path = write_file("k.txt", "혜산시 단속".encode("euc-kr"))
    assert read_report(path, encoding="euc-kr").text == "혜산시 단속"


def test_folders_are_walked_skipping_gold_and_hidden_files(write_file, tmp_path):
    write_file("r/a.txt", "x")
    write_file("r/sub/b.md", "y")
    write_file("r/a.gold.json", "{}")
    write_file("r/.hidden.txt", "z")
    found = [p.replace(str(tmp_path), "") for p in iter_report_paths([str(tmp_path / "r")])]
    assert found == ["/r/a.txt", "/r/sub/b.md"]
