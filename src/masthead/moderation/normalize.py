"""Text folding and word lists that see through the usual disguises.

Readers who want a banned word past a filter write ``1d10t``, ``i.d.i.o.t``, ``f u c k``,
``idiooooot``, "idiot" with a Turkish dotless i or a Cyrillic i, or hide a zero-width
space inside it. The moderation rules match against :func:`fold`-ed text with patterns built by
:class:`WordList`, which together undo all of those:

- :func:`fold` lower-cases (``casefold``), decomposes (NFKD) and drops accents, maps the
  common look-alike letters of other scripts to Latin, removes invisible characters, and
  joins runs of three or more single characters separated by spaces or punctuation
  (``f u c k`` → ``fuck``, ``i.d.i.o.t`` → ``idiot``);
- each term of a :class:`WordList` becomes a pattern in which every letter also accepts its
  usual stand-ins (``i``: ``1 ! |``; ``o``: ``0``; ``s``: ``5 $``…), a ``*`` after the
  first letter (``f*ck``), a single punctuation mark between letters (``id.iot``), and any
  number of repeats of each letter (``idiooot``) but never fewer than the term has
  (``ass`` never matches ``as``).

Matches need a word boundary on both sides of the folded text, so a term inside a longer
word never fires: ``Scunthorpe``, ``assessment``, ``Arsenal``, ``therapist`` are safe.
A term may end in ``*`` to match any word it begins (``fuck*``: fucking, fucked); plain
terms also match their plural (``idiots``). A term with spaces is a phrase
(``kill yourself``); its words may be separated by any spaces or punctuation.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Combining marks left by NFKD (accents), and characters that render as nothing.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)

# Letters of other scripts that look like Latin ones (a short list: the ones seen in the
# wild), Latin letters NFKD leaves alone, and typographic quotes as typed ones. Written as
# escapes: the characters themselves look exactly like what they stand for.
_LOOK_ALIKES = {
    # Cyrillic
    "\u0430": "a", "\u0432": "b", "\u0435": "e", "\u0451": "e", "\u043a": "k", "\u043c": "m",
    "\u043d": "h", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0442": "t", "\u0443": "y",
    "\u0445": "x", "\u0456": "i", "\u0457": "i", "\u0458": "j", "\u0455": "s", "\u0501": "d",
    # Greek
    "\u03b1": "a", "\u03b2": "b", "\u03b5": "e", "\u03b7": "n", "\u03b9": "i", "\u03ba": "k",
    "\u03bd": "v", "\u03bf": "o", "\u03c1": "p", "\u03c4": "t", "\u03c5": "u", "\u03c7": "x",
    "\u03c2": "s",
    # Armenian, IPA
    "\u0578": "n", "\u057d": "u", "\u0261": "g",
    # Latin: dotless i, l/o/d/h/t with strokes, ligatures, sharp s
    "\u0131": "i", "\u0142": "l", "\u00f8": "o", "\u0111": "d", "\u0127": "h", "\u0167": "t",
    "\u00e6": "ae", "\u0153": "oe", "\u00df": "ss",
    # Quotes and apostrophes: curly single, modifier letter, curly double, low double, guillemets
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u00ab": '"', "\u00bb": '"',
}  # fmt: skip
_CONFUSABLES = str.maketrans(_LOOK_ALIKES)

# What a disguised letter may be written as (after fold: lower case, no accents).
_STAND_INS = {
    "a": "a4@^",
    "b": "b8",
    "c": "c(",
    "e": "e3",
    "g": "g96",
    "i": "i1!|",
    "l": "l1|",
    "o": "o0",
    "s": "s5$",
    "t": "t7+",
    "u": "uv",
    "z": "z2",
}
# Characters that are part of a disguised word rather than breaking it.
_WORD_CHARS = "a-z0-9@$"
_GLYPH = f"[{_WORD_CHARS}]"
# Runs of ≥ 3 single glyphs separated by spaces/punctuation: "f u c k", "i.d.i.o.t", "b-i-t-c-h".
_SPACER = r"[\s.\-_~,:;/\\|+*'\"]{1,3}"
_SPACED = re.compile(rf"(?<![{_WORD_CHARS}]){_GLYPH}(?:{_SPACER}{_GLYPH}){{2,}}(?![{_WORD_CHARS}])")
_SEPARATORS = re.compile(r"[^a-z0-9@$]+")
_IN_WORD_PUNCT = "[.\\-_'~\"]?"  # one mark between two letters: "id.iot", "sh-it"
_BEFORE = rf"(?<![{_WORD_CHARS}])"
_AFTER = rf"(?![{_WORD_CHARS}])"
_LONG_RUNS = re.compile(r"([a-z])\1{2,}")


_ARE = re.compile(r"(?<=[a-z])'re(?![a-z])")


def fold(text: str) -> str:
    """The text as the word lists see it (never shown to anyone)."""
    text = unicodedata.normalize("NFKD", text)
    text = _INVISIBLE.sub("", _MARKS.sub("", text)).translate(_CONFUSABLES).casefold()
    text = _ARE.sub(" are", text)  # "you're", "they're": one spelling for the lists
    return _SPACED.sub(lambda m: _SEPARATORS.sub("", m.group(0)), text)


_LEET_DECODE = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o", "5": "s", "$": "s", "7": "t"}
)
# A word mixing letters and stand-ins (not ending in "!": that one ends a sentence).
_MIXED_WORD = re.compile(
    r"(?<![a-z0-9@$!])(?=[a-z0-9@$!]*[0-9@$!][a-z0-9@$!]*[a-z0-9@$])[a-z0-9@$!]*[a-z0-9@$]"
)


def _decode_word(match: re.Match) -> str:
    word = match.group(0)
    letters = sum(c.isalpha() for c in word)
    if letters < 2 or letters == len(word):
        return word
    return word.translate(_LEET_DECODE)


def for_scoring(text: str, *, ignore: "WordList | None" = None, folded: str | None = None) -> str:
    """Readable text for a toxicity model: :func:`fold`-ed; quotations cut (the writer's own
    words are rated, not what they quote); ``ignore``'s words removed (mild swearing a
    house style accepts); stand-ins inside words that mix letters and digits decoded
    (``1d10t`` → ``idiot``; ``2026`` stays); letters repeated three times or more cut to
    one (``sooo`` → ``so``). ``folded``: ``fold(text)``, if the caller has it already."""
    folded = without_quotes(fold(text) if folded is None else folded)
    if ignore:
        folded = ignore.remove(folded)
    decoded = _MIXED_WORD.sub(_decode_word, folded)
    return _LONG_RUNS.sub(r"\1", decoded)


def fingerprint(text: str, *, folded: str | None = None) -> str:
    """One short hash for texts that are the same once case, accents, disguises,
    punctuation and spacing are set aside: what "the same comment again" means."""
    key = " ".join(_SEPARATORS.sub(" ", fold(text) if folded is None else folded).split())
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def clean_terms(lines: Iterable[str]) -> list[str]:
    """A word list as an operator wrote it → its terms: one per line, ``#`` comments and
    blank lines dropped, spaces collapsed, lower-cased, duplicates removed (order kept)."""
    seen: dict[str, None] = {}
    for line in lines:
        term = " ".join(line.split("#", 1)[0].split()).casefold()
        if term:
            seen.setdefault(term, None)
    return list(seen)


def _letter(char: str, *, first: bool) -> str:
    options = _STAND_INS.get(char, char)
    if not first:
        options += "*"
    if len(options) == 1:
        return re.escape(options)
    return "[" + "".join("\\" + c if c in "^-]\\" else c for c in options) + "]"


def _word_pattern(word: str) -> str:
    """One (folded) word of a term: each run of a letter, at least as many times as written."""
    parts: list[str] = []
    for match in re.finditer(r"(.)\1*", word):
        char, count = match.group(1), len(match.group(0))
        if not re.match(_GLYPH, char):
            parts.append(re.escape(match.group(0)))
            continue
        letter = _letter(char, first=not parts)
        parts.append(f"{letter}{{{count},}}" if count > 1 else f"{letter}+")
    return _IN_WORD_PUNCT.join(parts)


@lru_cache(maxsize=4096)
def term_pattern(term: str) -> str:
    """The regular expression (without boundaries) for one term of a word list."""
    prefix = term.endswith("*")
    words = fold(term.rstrip("*")).split()
    body = r"[^a-z0-9@$]+".join(_word_pattern(word) for word in words)
    if prefix:
        return body + rf"[{_WORD_CHARS}*]*"
    return body + "(?:e?s)?"


@dataclass(frozen=True, slots=True)
class Hit:
    term: str  # the list's entry
    found: str  # what the folded text had
    start: int = 0  # where, in the folded text
    end: int = 0


class WordList:
    """A compiled word list: ``WordList(terms).find(fold(text))``."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(clean_terms(terms))
        self._each = {term: re.compile(_BEFORE + term_pattern(term) + _AFTER) for term in self.terms}
        if self.terms:
            union = "|".join(f"(?:{term_pattern(term)})" for term in self.terms)
            self._any = re.compile(f"{_BEFORE}(?:{union}){_AFTER}")
        else:
            self._any = None

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, folded: str, *, limit: int = 5) -> list[Hit]:
        """The terms found in already-folded text (at most ``limit``), in text order."""
        if self._any is None:
            return []
        hits: list[Hit] = []
        for match in self._any.finditer(folded):
            found = match.group(0)
            if found.count("*") * 2 > len(found):
                continue  # "****" or "f***": too little left to say which word it was
            term = next((t for t, p in self._each.items() if p.fullmatch(found)), found)
            hits.append(Hit(term=term, found=found, start=match.start(), end=match.end()))
            if len(hits) >= limit:
                break
        return hits

    def first(self, folded: str) -> Hit | None:
        hits = self.find(folded, limit=1)
        return hits[0] if hits else None

    def remove(self, folded: str) -> str:
        """The folded text without this list's terms (each replaced by a space)."""
        if self._any is None:
            return folded
        return self._any.sub(" ", folded)


# Quotation: a line quoted in Markdown ("> …"), or a span in quotation marks.
_QUOTED = re.compile(
    r"""^[ \t]{0,3}>.*$|"[^"\n]{1,400}"|(?<![a-z0-9])'[^'\n]{1,400}'(?![a-z0-9])""", re.MULTILINE
)


def quoted_spans(folded: str) -> list[tuple[int, int]]:
    """Where folded text quotes someone (Markdown quote lines, "…", '…')."""
    return [m.span() for m in _QUOTED.finditer(folded)]


def inside(position: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    start, end = position
    return any(a <= start and end <= b for a, b in spans)


def without_quotes(folded: str) -> str:
    """What the writer says in their own words (quotations cut), or the whole text if it
    is nothing but quotation."""
    own = _QUOTED.sub(" ", folded)
    return own if own.strip() else folded
