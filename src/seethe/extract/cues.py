"""Cues: find the codebook's categories in sentences.

Cue rules are data (``profiles/<id>/cues.jsonl``), one rule per line::

    {"id": "desecration.verb_symbol", "category": "dissent.symbol_desecration",
     "all": [["deface", "steal", ...], ["portrait", "flag", ...]], "window": 8,
     "unless": ["flood", ...], "supersedes": ["disorder.crime"]}

* ``any``: one term fires the rule; ``all``: one term from each list within
  ``window`` words (in order when ``ordered``; none of ``not_between`` between).
* Terms are phrases; every word not a stop word is inflected (deface →
  defaces, defaced, defacing; steal → stole, stolen) from the language lexicon.
  A term starting ``re:`` is a regular expression over the folded text.
* ``unless``: counter-cues anywhere in the sentence (or paragraph, with
  ``"unless_scope": "paragraph"``) drop the rule: leaflets *sent by balloon*
  are not domestic dissent.  ``move_to``/``move_when`` move the rule to
  another category when one of the terms is near (soldiers robbing → military);
  with ``move_after`` only a term after the cue counts (executed *officials*).
* ``supersedes``: when the rule fires in a sentence, those categories do not.
* Negation and hypothetical guards (from the lexicon) in the few words before
  the trigger drop it: "no leaflets were found", "if protests break out".

All literal terms of all rules go into one Aho–Corasick automaton, so the
text is scanned once, in time linear in its length.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple

import ahocorasick

from seethe.models import CueMatch
from seethe.profile import CueRule, Lexicon
from seethe.text import Document, Sentence, WorkBudget

_WORD = re.compile(r"[a-z0-9']+")


def inflections(word: str, irregular: dict[str, tuple[str, ...]]) -> set[str]:
    """Forms of one English word: plural/3rd person, past, participle, gerund."""
    out = {word}
    if word in irregular:
        out.update(irregular[word])
    if len(word) <= 2 or not word.isalpha():
        return out
    out.add(word + "s")
    if word.endswith(("s", "x", "z", "ch", "sh")):
        out.add(word + "es")
    if word.endswith("e"):
        out.update({word + "d", word[:-1] + "ing"})
    elif word.endswith("y") and word[-2] not in "aeiou":
        out.update({word[:-1] + "ied", word[:-1] + "ies", word + "ing"})
    else:
        out.update({word + "ed", word + "ing"})
        # rob → robbed, stop → stopped: consonant-vowel-consonant endings double.
        if len(word) >= 3 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            out.update({word + word[-1] + "ed", word + word[-1] + "ing"})
    for base, forms in irregular.items():
        if word in forms:
            out.add(base)
    return out


def term_forms(term: str, lexicon: Lexicon) -> set[str]:
    """Every written form of a cue phrase, as folded text with hyphens as spaces."""
    words = term.lower().replace("-", " ").split()
    irregular = lexicon.irregular
    stop = set(lexicon.stopwords)
    forms = [""]
    for w in words:
        variants = {w} if w in stop or "'" in w else inflections(w, irregular)
        forms = [f"{f} {v}".strip() for f in forms for v in variants]
    return set(forms)


@dataclass(slots=True)
class CompiledRule:
    id: str
    category: str
    slots: int
    weight: float
    window: int
    ordered: bool
    not_between: tuple[str, ...]
    unless_scope: str
    move_to: str | None
    supersedes: tuple[str, ...]
    move_after: bool = False


@dataclass(slots=True)
class CueSet:
    """Compiled cue rules: one automaton for every literal term."""

    rules: dict[str, CompiledRule]
    automaton: Any
    regex_terms: list[tuple[re.Pattern[str], tuple[tuple[str, str], ...]]]
    guard_automaton: Any
    guard_window: int
    anaphora: re.Pattern[str] | None = None
    conditional: re.Pattern[str] | None = None  # a sentence opening with "If ..." reports no incident
    capitalized_exempt: frozenset[str] = frozenset()  # guards that are other words when capitalized ("May")
    # "could face a year in a labor camp": a modal's sanction reaches further than the guard window
    hypothetical_reach: re.Pattern[str] | None = None
    # "officials told RFA", "China's official Xinhua reported": who tells it, not whom the act concerns
    speaker_after: re.Pattern[str] | None = None


def compile_cues(rules: Iterable[CueRule], lexicon: Lexicon) -> CueSet:
    """Build the automaton from the profile's rules and the language lexicon."""
    auto = ahocorasick.Automaton()
    table: dict[str, set[tuple[str, str]]] = {}
    patterns: dict[str, list[tuple[str, str]]] = {}  # one scan per distinct pattern, whichever rules use it
    compiled: dict[str, CompiledRule] = {}

    def add(term: str, tag: tuple[str, str]) -> None:
        if term.startswith("re:"):
            patterns.setdefault(term[3:], []).append(tag)
            return
        for form in term_forms(term, lexicon):
            table.setdefault(form, set()).add(tag)

    for rule in rules:
        rid = rule.id
        for k, terms in enumerate(rule.slots):
            for t in terms:
                add(t, (rid, f"s{k}"))
        for t in rule.unless:
            add(t, (rid, "unless"))
        for t in rule.move_when:
            add(t, (rid, "move"))
        for t in rule.not_between:
            add(t, (rid, "between"))
        compiled[rid] = CompiledRule(
            id=rid, category=rule.category, slots=len(rule.slots), weight=rule.weight, window=rule.window,
            ordered=rule.ordered, not_between=rule.not_between, unless_scope=rule.unless_scope,
            move_to=rule.move_to, supersedes=rule.supersedes, move_after=rule.move_after,
        )
    for form, tags in table.items():
        ordered = tuple(sorted(tags))
        slot_tags = tuple(t for t in ordered if t[1].startswith("s"))
        phrase = any(compiled[rule].slots == 1 for rule, _ in slot_tags)
        auto.add_word(form, (len(form), slot_tags, tuple(t for t in ordered if not t[1].startswith("s")), phrase))
    auto.make_automaton()

    guards = ahocorasick.Automaton()
    for kind in ("negation", "hypothetical"):
        for phrase in getattr(lexicon, kind):
            p = phrase.lower().replace("-", " ")
            guards.add_word(p, (p, kind))
    guards.make_automaton()
    anaphoric = lexicon.anaphoric
    # "these mobilizations", "these mobilizations, confiscations" — but not "those who", "those with".
    exempt = lexicon.patterns["anaphora_not_before"]
    anaphora = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in anaphoric)
                          + rf")\s+(?!(?:{exempt})\b)(?:[a-z']+,\s+){{0,3}}(?:and\s+)?$") if anaphoric else None
    regex_terms = [(re.compile(p), tuple(tags)) for p, tags in patterns.items()]
    return CueSet(compiled, auto, regex_terms, guards, lexicon.guard_window_tokens, anaphora,
                  re.compile(lexicon.patterns["conditional_opener"]),
                  frozenset(w.lower() for w in lexicon.capitalized_exempt_guards),
                  re.compile(lexicon.patterns["hypothetical_reach"]),
                  re.compile(lexicon.patterns["speaker_after"]))


class _Hit(NamedTuple):
    start: int
    end: int
    rule: str
    role: str  # s0, s1, unless, move, between


def _boundary(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end >= len(text) or not text[end].isalnum())


def _scan(cue_text: str, cues: CueSet) -> list[_Hit]:
    """Every cue term in the text, as hits of (rule, role), in text order."""
    occurrences = []  # (start, end, slot tags, other tags, is a complete phrase)
    n = len(cue_text)
    for end_idx, (length, slot_tags, other_tags, phrase) in cues.automaton.iter(cue_text):
        start = end_idx - length + 1
        end = end_idx + 1
        if (start > 0 and cue_text[start - 1].isalnum()) or (end < n and cue_text[end].isalnum()):
            continue
        occurrences.append((start, end, slot_tags, other_tags, phrase))
    for pattern, tags in cues.regex_terms:
        slot_tags = tuple(t for t in tags if t[1].startswith("s"))
        # Like a literal term, a pattern is a complete phrase only for a one-part rule.
        phrase = any(cues.rules[rule].slots == 1 for rule, _ in slot_tags)
        for m in pattern.finditer(cue_text):
            occurrences.append((m.start(), m.end(), slot_tags, tuple(t for t in tags if not t[1].startswith("s")), phrase))
    # A complete cue phrase wins over a shorter cue inside it ("anti-regime
    # slogan" over "slogan"); fragments of two-part rules do not suppress.
    phrases = sorted((a, b) for a, b, _, _, p in occurrences if p)
    starts = [a for a, _ in phrases]
    hits: list[_Hit] = []
    for a, b, slot_tags, other_tags, _ in occurrences:
        for rule, role in other_tags:
            hits.append(_Hit(a, b, rule, role))
        if not slot_tags:
            continue
        inside = False
        for pa, pb in phrases[bisect.bisect_left(starts, a - 80):bisect.bisect_right(starts, a)]:
            if b <= pb and (pb - pa) > (b - a):
                inside = True
                break
        if not inside:
            for rule, role in slot_tags:
                hits.append(_Hit(a, b, rule, role))
    hits.sort()
    return hits


def _words_between(text: str, a: int, b: int) -> int:
    if b <= a:
        return 0
    return len(_WORD.findall(text, a, b))


def _guarded(doc: Document, cue_text: str, sentence: Sentence, trigger_start: int, cues: CueSet,
             floor: int | None = None, anaphora: bool = True) -> bool:
    """A negation, hypothetical or anaphoric word in the few words before the trigger.

    Anaphora ("these mobilizations", "such crackdowns") points back at
    incidents already told, so it is not a new incident; before the later part
    of a cue it points back at people ("a fight broke out between these
    security teams and peddlers"), and the act is still new.
    """
    lo = sentence.start if floor is None else max(sentence.start, floor)
    # A conditional sentence ("If confirmed, he would be ...") reports no incident.
    if cues.conditional is not None and cues.conditional.match(cue_text[sentence.start:sentence.start + 12]):
        return True
    if anaphora and cues.anaphora is not None and cues.anaphora.search(cue_text, max(lo, trigger_start - 30),
                                                                     trigger_start):
        return True
    if cues.hypothetical_reach is not None and cues.hypothetical_reach.search(cue_text, max(lo, trigger_start - 100),
                                                                               trigger_start):
        return True
    # Only the last few words matter; looking back a bounded stretch keeps a
    # sentence with many cues linear (a word is rarely over 40 characters).
    words = [m for m in _WORD.finditer(cue_text, max(lo, trigger_start - 40 * cues.guard_window), trigger_start)]
    if not words:
        return False
    window_start = words[-cues.guard_window].start() if len(words) >= cues.guard_window else words[0].start()
    segment = cue_text[window_start:trigger_start]
    # A clause break (comma, semicolon, quote, dash) between guard and trigger ends its reach.
    for mark in (";", ":", " - ", '"', "("):
        cut = segment.rfind(mark)
        if cut >= 0:
            window_start += cut + len(mark)
            segment = cue_text[window_start:trigger_start]
    for end_idx, (phrase, kind) in cues.guard_automaton.iter(segment):
        s = end_idx - len(phrase) + 1
        if not _boundary(segment, s, end_idx + 1):
            continue
        if phrase in cues.capitalized_exempt and doc.text[window_start + s].isupper():
            continue  # "May" the month, not "may" the guard
        return True
    return False


def find_cues(doc: Document, cues: CueSet, sentences: Iterable[Sentence] | None = None,
              budget: WorkBudget | None = None) -> dict[int, list[CueMatch]]:
    """Categories each sentence expresses: ``{sentence index: [CueMatch, ...]}``."""
    cue_text = doc.folded.replace("-", " ")
    hits = _scan(cue_text, cues)
    sents = list(sentences) if sentences is not None else list(doc.sentences)
    out: dict[int, list[CueMatch]] = {}
    if not hits or not sents:
        return out
    # Bucket hits by sentence and by paragraph.
    by_sentence: dict[int, list[_Hit]] = {}
    by_paragraph_unless: dict[int, set[str]] = {}
    in_document_unless: set[str] = set()
    # Hits and sentences are both in text order: walk them together.
    k = 0
    n_sents = len(sents)
    for h in hits:
        while k < n_sents and sents[k].end <= h.start:
            k += 1
        if k == n_sents:
            break
        if h.start < sents[k].start:
            continue
        by_sentence.setdefault(k, []).append(h)
        if h.role == "unless":
            by_paragraph_unless.setdefault(sents[k].paragraph, set()).add(h.rule)
            in_document_unless.add(h.rule)
    budget = budget or WorkBudget.unlimited()
    for k, shits in by_sentence.items():
        budget.tick(len(shits))
        sentence = sents[k]
        unless: set[str] = set()
        movers: dict[str, list[int]] = {}  # rule -> where its move terms start
        rule_hits: dict[str, list[_Hit]] = {}
        first_hits: dict[str, list[_Hit]] = {}
        for h in shits:
            role = h.role
            if role == "unless":
                unless.add(h.rule)
            elif role == "move":
                if cues.speaker_after is None or not cues.speaker_after.match(cue_text, h.end, h.end + 50):
                    movers.setdefault(h.rule, []).append(h.start)
            else:
                rule_hits.setdefault(h.rule, []).append(h)
                if role == "s0":
                    first_hits.setdefault(h.rule, []).append(h)
        found: list[CueMatch] = []
        for rid in first_hits:
            rule = cues.rules[rid]
            if rid in unless or (rule.unless_scope == "paragraph" and rid in by_paragraph_unless.get(sentence.paragraph, ())) \
                    or (rule.unless_scope == "document" and rid in in_document_unless):
                continue
            firsts = first_hits[rid]
            grouped = _RuleHits.of(rule_hits[rid]) if rule.slots > 1 else None
            match = None
            for h in firsts:
                if rule.slots == 1:
                    if not _guarded(doc, cue_text, sentence, h.start, cues):
                        match = (h.start, h.end)
                        break
                    continue
                partners = _partners(cue_text, h, grouped, rule)
                if partners is not None:
                    start = min(h.start, partners[0])
                    # A guard before either part ("would be punished", "no soldiers deserted") counts.
                    # (Looking back from the later part stops at the earlier one: "crack down on
                    # vendors" is one cue, not a guard before "vendors".)
                    partner_first = partners[2] < h.start
                    if not (_guarded(doc, cue_text, sentence, start, cues)
                            or _guarded(doc, cue_text, sentence, h.start if partner_first else partners[2], cues,
                                        floor=partners[3] if partner_first else h.end, anaphora=False)):
                        match = (start, max(h.end, partners[1]))
                        break
            if match is None:
                continue
            moved = rule.move_to and any(at >= match[0] or not rule.move_after for at in movers.get(rid, ()))
            category = rule.move_to if moved else rule.category
            found.append(CueMatch(category, rid, match[0], match[1], rule.weight))
        superseded = {c for m in found for c in cues.rules[m.rule_id].supersedes if c != m.category}
        found = [m for m in found if m.category not in superseded]
        # One match per category per sentence: the strongest, then the earliest.
        best: dict[str, CueMatch] = {}
        for m in found:
            cur = best.get(m.category)
            if cur is None or (m.weight, -m.start) > (cur.weight, -cur.start):
                best[m.category] = m
        if best:
            out[sentence.index] = sorted(best.values(), key=lambda m: m.start)
    return out


@dataclass(slots=True)
class _RuleHits:
    """One rule's hits in one sentence, by slot, in text order."""

    by_slot: dict[str, list[_Hit]]
    starts: dict[str, list[int]]
    between: list[_Hit]
    between_starts: list[int]

    @classmethod
    def of(cls, hits: list[_Hit]) -> "_RuleHits":
        by_slot: dict[str, list[_Hit]] = {}
        between = []
        for h in hits:
            if h.role == "between":
                between.append(h)
            else:
                by_slot.setdefault(h.role, []).append(h)
        return cls(by_slot, {k: [h.start for h in v] for k, v in by_slot.items()}, between,
                   [h.start for h in between])


def _partners(text: str, first: _Hit, hits: _RuleHits, rule: CompiledRule) -> tuple[int, int, int, int] | None:
    """Span covering one hit of every other slot within the window, and the
    span of the last partner; None when a slot has no hit in the window.

    The best partner of a slot is the one with the fewest words between it
    and ``first``.  Only the ``_NEAR`` hits on either side of ``first`` are
    looked at (a window is a few words; no more hits than that fit in it), so
    a sentence with many hits costs a few look-ups per hit, not one per pair.
    """
    lo, hi = first.start, first.end
    last_start, last_end = first.start, first.end
    for slot in range(1, rule.slots):
        role = _ROLES[slot]
        candidates = hits.by_slot.get(role, [])
        at = bisect.bisect_left(hits.starts.get(role, []), first.start)
        best = None
        for k in range(max(0, at - _NEAR), min(len(candidates), at + _NEAR)):
            h = candidates[k]
            if h.start < first.end and h.end > first.start:
                continue  # the same words cannot fill two slots
            if rule.ordered and h.start < first.end:
                continue
            a, b = (first.end, h.start) if h.start >= first.end else (h.end, first.start)
            gap = _words_between(text, a, b)
            if gap > rule.window:
                continue
            if hits.between and _any_between(hits, a, b):
                continue
            if best is None or gap < best[0]:
                best = (gap, h)
        if best is None:
            return None
        lo, hi = min(lo, best[1].start), max(hi, best[1].end)
        last_start, last_end = best[1].start, best[1].end
    return lo, hi, last_start, last_end


_ROLES = tuple(f"s{i}" for i in range(16))
_NEAR = 24  # hits looked at on each side of the trigger: far beyond any window in words


def _any_between(hits: _RuleHits, a: int, b: int) -> bool:
    """Whether a ``not_between`` term lies wholly between offsets a and b."""
    k = bisect.bisect_left(hits.between_starts, a)
    while k < len(hits.between) and hits.between[k].start < b:
        if hits.between[k].end <= b:
            return True
        k += 1
    return False
