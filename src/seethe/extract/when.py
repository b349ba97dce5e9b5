"""When: find time expressions and resolve them against a reference date.

The reference date is the report's publication date, or, inside a paragraph
that quotes a source with a date ("a source told Daily NK on March 6"), the
date the source spoke.  A date attached to a verb of speaking is a *speech*
time: it moves the reference for "these days" and "recently" and is never
taken as the time of the incident itself.

Spans are inclusive date ranges with a precision from the interchange format:
``day``, ``week``, ``month``, ``season``, ``year``, ``unknown``.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass

from seethe.models import TimeSpan
from seethe.profile import Holiday
from seethe.text import WorkBudget

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3, "few": 3}

_MONTH = r"(?P<{g}>january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_DAYNUM = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
# "on March 5 last year", "in December this year": a month placed by the year named after it.
_OF_YEAR = r",?\s+(?:of\s+)?(?P<yrel>last|this|next)\s+year\b"
_NUM = r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few|few)"

_PATTERNS = [
    ("iso", r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    ("mdy", r"\b" + _MONTH.format(g="mon") + r"\s+" + _DAYNUM.format(g="day") + r"(?:,?\s+(?P<year>(?:19|20)\d\d)|" + _OF_YEAR + r")?\b"),
    ("dmy", r"\b" + _DAYNUM.format(g="day") + r"(?:\s+of)?\s+" + _MONTH.format(g="mon") + r"(?:,?\s+(?P<year>(?:19|20)\d\d)|" + _OF_YEAR + r")?\b"),
    ("part_month", r"\b(?P<part>early|mid|middle of|late|end of|the end of|beginning of|the beginning of|start of|the start of|the first half of|the second half of|first half of|second half of)[\s-]+(?:(?P<rel>last|this|next)\s+)?" + _MONTH.format(g="mon") + r"(?:,?\s+(?P<year>(?:19|20)\d\d)|" + _OF_YEAR + r")?\b"),
    ("month_year", r"\b" + _MONTH.format(g="mon") + r",?\s+(?P<year>(?:19|20)\d\d)\b"),
    ("rel_month", r"\b(?P<rel>last|this|next|in|during|since|until|by|from|early|earlier in|throughout|through)\s+" + _MONTH.format(g="mon") + r"(?!\s+\d)(?:" + _OF_YEAR + r")?\b"),
    ("ordinal_day", r"\bon\s+the\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b(?!\s+of\s+(?:this|last|the))"),
    ("weekday", r"\b(?P<rel>last|this|on|next|past)?\s*(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ("ago", r"\b" + _NUM + r"\s+(?P<unit>day|days|week|weeks|month|months|year|years)\s+ago\b"),
    # "the last year of high school" is an ordinal, not a time: no "the" before "last".
    ("rel_unit", r"(?<!\bthe )\b(?P<rel>last|this|past|previous|earlier this|late last|early last|earlier last|late this|early this|the end of last|the end of this|the beginning of this|the beginning of last|the start of this|the start of last|the first half of this|the second half of last|the first half of last|the second half of this)\s+(?P<unit>week|month|year|weekend)\b"),
    ("season", r"\b(?P<rel>last|this|next|in the|in|during the|early|late)\s+(?P<season>spring|summer|autumn|fall|winter)(?:\s+of\s+(?P<year>(?:19|20)\d\d))?\b"),
    ("year", r"\b(?P<prep>in|since|during|throughout|by|of|until|early|late|mid)[\s-]+(?P<year>(?:19|20)\d\d)\b"),
    ("deictic", r"\b(?P<word>yesterday|today|tonight|this morning|this evening|last night|the previous day|the day before|the other day|these days|nowadays|lately|recently|in recent days|in recent weeks|in recent months|of late|currently|right now|at the moment|at present)\b"),
]

_CLAUSE_BREAK = re.compile(r"[.;!?\"]")
_INNER_GROUPS = {name: re.findall(r"\(\?P<(\w+)>", pat) for name, pat in _PATTERNS}
_COMBINED = re.compile("|".join(f"(?P<k_{name}>{pat.replace('(?P<', f'(?P<{name}_')})" for name, pat in _PATTERNS))


@dataclass(frozen=True, slots=True)
class TimeMention:
    start: int
    end: int
    text: str
    kind: str  # event or speech
    pattern: str
    groups: dict


NEAR_FUTURE = dt.timedelta(days=21)  # a day this close after the reference is an announced date, not last year's


def _month_day_year(month: int, day: int, ref: dt.date, year: int | None) -> dt.date | None:
    """The date a day and month name; without a year, the latest one up to the reference, unless it falls
    within NEAR_FUTURE after it ("the inspection ends on Sept. 13", written on Sept. 10)."""
    try:
        if year is not None:
            return dt.date(year, month, day)
        this_year = dt.date(ref.year, month, day)
    except ValueError:
        return None
    if this_year <= ref + NEAR_FUTURE:
        return this_year
    try:
        return dt.date(ref.year - 1, month, day)
    except ValueError:
        return None


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _past_month_year(month: int, ref: dt.date, rel: str | None) -> int:
    if rel in ("next",):
        return ref.year if month > ref.month else ref.year + 1
    if rel == "last":
        return ref.year if month < ref.month else ref.year - 1
    return ref.year if month <= ref.month else ref.year - 1


def _named_year(g: dict, ref: dt.date) -> int | None:
    """The year a mention names: written out, or "last/this/next year" after the month."""
    if g.get("year"):
        return int(g["year"])
    return {"last": ref.year - 1, "this": ref.year, "next": ref.year + 1}.get(g.get("yrel") or "")


def _num(value: str) -> int:
    return int(value) if value.isdigit() else NUMBER_WORDS.get(value, 1)


def resolve(mention: TimeMention, ref: dt.date) -> TimeSpan | None:
    """The span a mention denotes, relative to ``ref``; None if it denotes no usable date."""
    g = mention.groups
    p = mention.pattern
    text = mention.text

    def span(a: dt.date, b: dt.date, precision: str) -> TimeSpan:
        return TimeSpan(a, b, precision, text, mention.start)

    if p == "iso":
        try:
            d = dt.date(int(g["y"]), int(g["m"]), int(g["d"]))
        except ValueError:
            return None
        return span(d, d, "day")
    if p in ("mdy", "dmy"):
        month = MONTHS[g["mon"].rstrip(".")]
        d = _month_day_year(month, int(g["day"]), ref, _named_year(g, ref))
        return span(d, d, "day") if d else None
    if p == "part_month":
        month = MONTHS[g["mon"].rstrip(".")]
        year = _named_year(g, ref) or _past_month_year(month, ref, g.get("rel"))
        a, b = _month_span(year, month)
        part = g["part"]
        if part in ("early", "beginning of", "the beginning of", "start of", "the start of"):
            return span(a, a.replace(day=10), "month")
        if part in ("mid", "middle of"):
            return span(a.replace(day=11), a.replace(day=20), "month")
        if "first half" in part:
            return span(a, a.replace(day=15), "month")
        if "second half" in part:
            return span(a.replace(day=16), b, "month")
        return span(a.replace(day=21), b, "month")
    if p == "month_year":
        a, b = _month_span(int(g["year"]), MONTHS[g["mon"].rstrip(".")])
        return span(a, b, "month")
    if p == "rel_month":
        month = MONTHS[g["mon"].rstrip(".")]
        written = next((w for w in text.split() if w.lower().rstrip(".,") == g["mon"]), "")
        if g["mon"] in ("may", "mar", "jan", "jun", "sep", "dec", "apr", "aug", "oct", "nov", "feb", "jul") \
                and not written[:1].isupper():
            return None  # the verb "may", the word "march": a month is written with a capital
        rel = g["rel"]
        year = _named_year(g, ref) or _past_month_year(month, ref, rel if rel in ("last", "next") else None)
        a, b = _month_span(year, month)
        if rel == "since":
            return span(a, ref, "month")
        return span(a, b, "month")
    if p == "ordinal_day":
        day = int(g["day"])
        year, month = ref.year, ref.month
        if day > ref.day:
            month -= 1
            if month == 0:
                year, month = year - 1, 12
        try:
            d = dt.date(year, month, day)
        except ValueError:
            return None
        return span(d, d, "day")
    if p == "weekday":
        if not mention.text.strip().split()[-1][:1].isupper():
            return None
        wd = WEEKDAYS[g["wd"]]
        back = (ref.weekday() - wd) % 7
        if g.get("rel") in ("last", "past") and back == 0:
            back = 7
        if g.get("rel") == "next":
            fwd = (wd - ref.weekday()) % 7 or 7
            d = ref + dt.timedelta(days=fwd)
        else:
            d = ref - dt.timedelta(days=back)
        return span(d, d, "day")
    if p == "ago":
        n = _num(g["n"])
        unit = g["unit"].rstrip("s")
        if unit == "day":
            d = ref - dt.timedelta(days=n)
            return span(d, d, "day")
        if unit == "week":
            d = ref - dt.timedelta(weeks=n)
            return span(d - dt.timedelta(days=3), d + dt.timedelta(days=3), "week")
        if unit == "month":
            y, m = ref.year, ref.month - n
            while m <= 0:
                y, m = y - 1, m + 12
            a, b = _month_span(y, m)
            return span(a, b, "month")
        return span(dt.date(ref.year - n, 1, 1), dt.date(ref.year - n, 12, 31), "year")
    if p == "rel_unit":
        rel, unit = g["rel"], g["unit"]
        if unit in ("week", "weekend"):
            monday = ref - dt.timedelta(days=ref.weekday())
            if rel in ("last", "previous", "past"):
                if unit == "weekend":
                    sat = monday - dt.timedelta(days=2)
                    return span(sat, sat + dt.timedelta(days=1), "day")
                return span(monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), "week")
            return span(monday, min(ref, monday + dt.timedelta(days=6)), "week")
        if unit == "month":
            y, m = ref.year, ref.month
            if "last" in rel or rel in ("previous", "past"):
                m -= 1
                if m == 0:
                    y, m = y - 1, 12
            a, b = _month_span(y, m)
            return span(a, min(b, ref), "month")
        # year
        year = ref.year - 1 if ("last" in rel or rel in ("previous", "past")) else ref.year
        a, b = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if rel.startswith("late") or "end of" in rel or "second half" in rel:
            a = dt.date(year, 9, 1) if not "second half" in rel else dt.date(year, 7, 1)
        elif rel.startswith(("early", "the beginning", "the start")) or "first half" in rel:
            b = dt.date(year, 4, 30) if "first half" not in rel else dt.date(year, 6, 30)
        elif rel.startswith("earlier this"):
            b = ref
        return span(a, min(b, ref) if year == ref.year else b, "year")
    if p == "season":
        lo, hi = SEASONS[g["season"]]
        rel = g.get("rel") or ""
        if g.get("year"):
            year = int(g["year"])
        else:
            # The most recent such season that has started (or the one before, for "last").
            year = ref.year if ref.month >= lo or (lo == 12 and ref.month <= 2) else ref.year - 1
            if lo == 12 and ref.month <= 2:
                year = ref.year - 1
            if rel == "last":
                current = lo <= ref.month <= hi if lo < hi else (ref.month >= 12 or ref.month <= 2)
                if current or year == ref.year and ref.month < lo:
                    year -= 1
        a = dt.date(year, lo, 1)
        end_year = year + 1 if hi < lo else year
        b = dt.date(end_year, hi, calendar.monthrange(end_year, hi)[1])
        return span(a, b, "season")
    if p == "year":
        year = int(g["year"])
        if year > ref.year:
            return None
        a, b = dt.date(year, 1, 1), dt.date(year, 12, 31)
        prep = g.get("prep")
        if prep == "since":
            return span(a, ref, "year")
        if prep == "late":
            a = dt.date(year, 9, 1)
        elif prep == "early":
            b = dt.date(year, 4, 30)
        return span(a, b, "year")
    if p == "deictic":
        w = g["word"]
        if w in ("yesterday", "last night", "the previous day", "the day before"):
            d = ref - dt.timedelta(days=1)
            return span(d, d, "day")
        if w in ("today", "tonight", "this morning", "this evening"):
            return span(ref, ref, "day")
        if w in ("these days", "nowadays", "currently", "right now", "at the moment", "at present", "in recent days", "the other day"):
            return span(ref - dt.timedelta(days=7), ref, "week")
        return span(ref - dt.timedelta(days=30), ref, "month")  # recently, lately, in recent weeks
    return None


@dataclass(frozen=True, slots=True)
class HolidayMatcher:
    pattern: re.Pattern[str]
    by_group: dict[str, Holiday]
    core: re.Pattern[str]


def compile_holidays(holidays: list[Holiday]) -> HolidayMatcher:
    """One regex for every holiday name, tolerant of hyphens and a missing 's."""
    parts = []
    by_group = {}
    for i, h in enumerate(holidays):
        names = []
        for n in sorted(h.names, key=len, reverse=True):
            words = re.split(r"[\s-]+", n.lower())
            pat = r"[\s-]+".join(re.escape(w).replace(r"'s", r"(?:'s)?") for w in words)
            names.append(pat)
        g = f"h{i}"
        by_group[g] = h
        parts.append(f"(?P<{g}>{'|'.join(names)})")
    rel = r"(?:(?P<hrel>last|this|next|this year's|last year's|the upcoming|the)\s+)?(?:(?P<night>night|eve|morning|day|eve)\s+of\s+(?:the\s+)?)?"
    # The last word of every holiday name, to find where to look.
    last_words = sorted({re.split(r"[\s-]+", n.lower())[-1].replace("'s", "") for h in holidays for n in h.names})
    core = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in last_words) + r")")
    return HolidayMatcher(re.compile(r"\b" + rel + "(?:" + "|".join(parts) + r")\b"), by_group, core)


# Every time expression contains one of these words; the full patterns run only
# in windows around them, which keeps the scan fast on long reports.
_CORE = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:19|20)\d\d|ago|weeks?|weekend|months?|years?|"
    r"spring|summer|autumn|fall|winter|[0-3]?\d(?:st|nd|rd|th)|yesterday|today|tonight|this morning|this evening|"
    r"last night|these days|previous day|day before|other day|nowadays|lately|recently|recent|currently|right now|"
    r"the moment|at present)\b"
)


_WORD_START = re.compile(r"(?<![a-z0-9'])[a-z0-9]")


def _anchored(folded: str, core: re.Pattern[str], pattern: re.Pattern[str], before: int,
              spans: list[tuple[int, int]] | None, budget: WorkBudget) -> list[re.Match[str]]:
    """Matches of ``pattern`` that start at a word at most ``before`` characters
    ahead of a core word.  Trying only word starts near core words keeps the
    scan linear and cheap."""
    out = []
    tried: set[int] = set()
    span_starts = [a for a, _ in spans] if spans is not None else []
    for c in core.finditer(folded):
        budget.tick()
        if spans is not None:
            k = bisect.bisect_right(span_starts, c.start()) - 1  # spans are sorted and apart
            if k < 0 or c.start() >= spans[k][1]:
                continue
        for w in _WORD_START.finditer(folded, max(0, c.start() - before), c.start() + 1):
            pos = w.start()
            if pos in tried:
                continue
            tried.add(pos)
            m = pattern.match(folded, pos)
            if m is not None and m.end() > c.start():
                out.append(m)
    return out


def find_times(folded: str, text: str, holidays: HolidayMatcher, communication_verbs: frozenset[str],
               spans: list[tuple[int, int]] | None = None,
               other_event: re.Pattern[str] | None = None, budget: WorkBudget | None = None,
               dateline: re.Pattern[str] | None = None,
               page_stamp: re.Pattern[str] | None = None) -> list[TimeMention]:
    """Every time expression in the report (or in ``spans`` of it), in text
    order, marked ``event``, ``speech`` (when a source spoke) or ``other``
    (the date of another event the sentence names: "with the anniversary
    approaching on October 10", "since he came to power in 2011")."""
    found: list[TimeMention] = []
    budget = budget or WorkBudget.unlimited()
    for m in _anchored(folded, _CORE, _COMBINED, 36, spans, budget):
        outer = m.lastgroup  # the pattern's own group closes last
        if outer is None or not outer.startswith("k_"):
            continue
        name = outer[2:]
        groups = {}
        for g in _INNER_GROUPS[name]:
            v = m.group(f"{name}_{g}")
            if v is not None:
                groups[g] = v
        start, end = m.start(f"k_{name}"), m.end(f"k_{name}")
        found.append(TimeMention(start, end, text[start:end], "event", name, groups))
    holiday_matches = _anchored(folded, holidays.core, holidays.pattern, 80, spans, budget)
    for m in holiday_matches:
        h = next((holidays.by_group[g] for g, v in m.groupdict().items() if g in holidays.by_group and v), None)
        if h is None:
            continue
        groups = {"holiday": h, "rel": m.group("hrel"), "night": m.group("night")}
        found.append(TimeMention(m.start(), m.end(), text[m.start():m.end()], "event", "holiday", groups))
    # Overlaps: keep the longest.
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[TimeMention] = []
    for t in found:
        if kept and t.start < kept[-1].end:
            if t.end - t.start > kept[-1].end - kept[-1].start:
                kept[-1] = t
            continue
        kept.append(t)
    out = []
    for t in kept:
        before = folded[max(0, t.start - 60):t.start]
        clause = _CLAUSE_BREAK.split(before)[-1]
        words = clause.split()
        # "told Daily NK on March 6", "said on Tuesday", "said in late November":
        # the date the source spoke (the verb within three words of it).
        if (dateline is not None and _in_dateline(text, t, dateline)) or (
                page_stamp is not None and page_stamp.search(text, _line_start(text, t.start, 25), t.start)):
            # "SEOUL, Jan. 26 (Yonhap) --", "Posted: 2020-09-04": when the report was filed or the page
            # stamped, as when a source spoke; never the incident's time.
            t = TimeMention(t.start, t.end, t.text, "speech", t.pattern, t.groups)
        elif words and words[-1] in ("on", "last", "this", "in") and any(w.strip(",") in communication_verbs for w in words[-4:-1]):
            t = TimeMention(t.start, t.end, t.text, "speech", t.pattern, t.groups)
        elif t.pattern == "weekday" and any(w.strip(",") in communication_verbs for w in words[-3:]):
            t = TimeMention(t.start, t.end, t.text, "speech", t.pattern, t.groups)
        elif other_event is not None and _names_other_event(folded, t, other_event):
            t = TimeMention(t.start, t.end, t.text, "other", t.pattern, t.groups)
        out.append(t)
    return out


def _line_start(text: str, at: int, reach: int) -> int:
    """Where the line holding ``at`` starts, looking back at most ``reach`` characters (a bounded look keeps
    a report of one long line linear in its length)."""
    lo = max(0, at - reach)
    return max(lo, text.rfind("\n", lo, at) + 1)


def _in_dateline(text: str, t: TimeMention, dateline: re.Pattern[str]) -> bool:
    line = _line_start(text, t.start, 41)
    if t.start - line > 40:
        return False
    m = dateline.match(text, line)
    return m is not None and m.end() >= t.end


def other_event_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in sorted(words, key=len, reverse=True)) + r")\b")


def _names_other_event(folded: str, t: TimeMention, other_event: re.Pattern[str]) -> bool:
    """The words just before or after a date in its clause name another event (an anniversary, a founding)."""
    before = _CLAUSE_BREAK.split(folded[max(0, t.start - 50):t.start])[-1]
    before_words = before.split()[-10:]
    after = _CLAUSE_BREAK.split(folded[t.end:t.end + 25])[0]
    return other_event.search(" ".join(before_words)) is not None or other_event.match(after.strip()) is not None


def resolve_holiday(mention: TimeMention, ref: dt.date) -> TimeSpan | None:
    h: Holiday = mention.groups["holiday"]
    rel = mention.groups.get("rel")
    year = ref.year if (h.month, h.day) <= (ref.month, ref.day) else ref.year - 1
    if rel in ("next", "the upcoming"):
        year = ref.year if (h.month, h.day) > (ref.month, ref.day) else ref.year + 1
    elif rel in ("last year's",):
        year = ref.year - 1
    try:
        d = dt.date(year, h.month, h.day)
    except ValueError:
        return None
    night = mention.groups.get("night")
    if night == "eve":
        d = d - dt.timedelta(days=1)
        return TimeSpan(d, d, "day", mention.text, mention.start)
    end = d + dt.timedelta(days=1) if night == "night" else d
    return TimeSpan(d, end, "day", mention.text, mention.start)


def resolve_mention(mention: TimeMention, ref: dt.date) -> TimeSpan | None:
    if mention.pattern == "holiday":
        return resolve_holiday(mention, ref)
    return resolve(mention, ref)


def default_span(ref: dt.date) -> TimeSpan:
    """No time named: the weeks before publication, precision unknown."""
    return TimeSpan(ref - dt.timedelta(days=60), ref, "unknown", None, None)
