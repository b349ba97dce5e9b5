"""Reports written in the tests that tell the same happenings several times, for linking and the analyses.

Each telling is (publication date, outlet, text).  ``a``-``c`` tell one leaflet
at Hyesan station, ``d``-``e`` a market protest in Chongjin, ``f``-``g``
arrests in Hoeryong, ``h``-``i`` graffiti in Hamhung, ``j``-``k`` a refusal to
work in Kanggye and ``l``-``n`` an execution in Sinuiju: ``SIX`` happenings
told by fourteen reports, so that an analysis counted per incident sees each
happening two or three times and one counted per event sees it once.  The
Hamhung graffiti's RFA report (``i``) is the earlier but is stored after the
Daily NK one; the Sinuiju execution is first told by a blog crediting Yonhap,
whose own report is not collected.  ``o`` tells the Hyesan leaflet once more,
for a corpus that grows after it was linked.
"""

from __future__ import annotations

from pathlib import Path

TELLINGS = {
    "a.txt": ("2016-01-05", "Daily NK", "Leaflets criticizing Kim Jong Un were found near Hyesan station on New "
              "Year's Day, a source in Ryanggang Province told Daily NK."),
    "b.txt": ("2016-01-07", "RFA", "Anti-regime leaflets were discovered near Hyesan station on New Year's Day, a "
              "resident of Hyesan told RFA."),
    "c.txt": ("2016-01-08", "Asia Press", "Leaflets attacking Kim Jong Un turned up near the station in Hyesan on "
              "New Year's Day, a reporting partner of Asia Press said."),
    "d.txt": ("2016-03-20", "Daily NK", "Merchants protested against market fees at Chongjin's Sunam market on "
              "March 15, a source in North Hamgyong Province told Daily NK."),
    "e.txt": ("2016-03-24", "RFA", "Traders at the Sunam market in Chongjin protested against new market fees on "
              "March 15, a resident of Chongjin told RFA."),
    "f.txt": ("2016-02-16", "Daily NK", "State security agents arrested three people for using Chinese mobile phones "
              "in Hoeryong on February 10, a source in North Hamgyong Province told Daily NK."),
    "g.txt": ("2016-02-19", "RFA", "Three residents of Hoeryong were arrested by state security agents on February "
              "10 for making calls on Chinese mobile phones, a source told RFA."),
    "h.txt": ("2016-04-12", "Daily NK", "Graffiti insulting Kim Jong Un was discovered on a wall in Hamhung on "
              "April 2, a source in South Hamgyong Province told Daily NK."),
    "i.txt": ("2016-04-06", "RFA", "Anti-Kim Jong Un graffiti was found on a wall in Hamhung on April 2, a "
              "resident of South Hamgyong Province told RFA."),
    "j.txt": ("2016-05-09", "Daily NK", "Workers at a machine factory in Kanggye refused to work on May 3 after the "
              "factory failed to distribute food rations, a source in Chagang Province told Daily NK."),
    "k.txt": ("2016-05-13", "RFA", "About 200 workers at a machine factory in Kanggye refused to work on May 3 "
              "because food rations had not been distributed, a resident of Chagang Province told RFA."),
    "l.txt": ("2016-06-16", "One Free Korea", "Yonhap reports that a man was publicly executed in Sinuiju on June "
              "14 for selling South Korean dramas."),
    "m.txt": ("2016-06-17", "Daily NK", "A man was publicly executed in Sinuiju on June 14 for distributing South "
              "Korean dramas, a source in North Pyongan Province told Daily NK."),
    "n.txt": ("2016-06-20", "RFA", "North Korean authorities publicly executed a man in Sinuiju on June 14 for "
              "selling South Korean dramas, a resident of North Pyongan Province told RFA."),
    "o.txt": ("2016-01-12", "NK News", "Leaflets criticizing Kim Jong Un were found near Hyesan station on New "
              "Year's Day, a source in Ryanggang Province told NK News."),
}

# Six happenings, told by fourteen reports (one incident each).
SIX = tuple(f"{letter}.txt" for letter in "abcdefghijklmn")


def telling_text(name: str) -> str:
    published, outlet, text = TELLINGS[name]
    return f"Published: {published}\nOutlet: {outlet}\n\n{text}\n"


def write_tellings(folder: Path, names) -> list[str]:
    """The tellings as report files in ``folder`` (created), in the order named; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / name
        path.write_text(telling_text(name), encoding="utf-8")
        paths.append(str(path))
    return paths
