"""Folding and word lists: the disguises readers use, and the words they must not catch."""

import pytest

from masthead.moderation.normalize import (
    WordList,
    clean_terms,
    fingerprint,
    fold,
    for_scoring,
    quoted_spans,
    without_quotes,
)

WORDS = WordList(["idiot", "ass", "cunt*", "fuck*", "kill yourself", "twat", "dick", "rapist", "cock up"])


def terms_in(text: str, words: WordList = WORDS) -> list[str]:
    return [hit.term for hit in words.find(fold(text))]


@pytest.mark.parametrize(
    "text",
    [
        "You idiot",
        "YOU IDIOT",
        "You 1d10t",  # digits for letters
        "i.d.i.o.t",  # spelled out with dots
        "I D I O T",  # with spaces
        "i-d-i-o-t",
        "i d i o t s",  # spelled out, plural
        "idiooooooot",  # repeated letters
        "iiidiot",
        "idiots",  # plural
        "ídíót",  # accents
        "\u0131d\u0131ot",  # Turkish dotless i
        "\u0456diot",  # Cyrillic i
        "\uff49\uff44\uff49\uff4f\uff54",  # full-width letters
        "id\u200biot",  # zero-width space inside
        "id\u00adiot",  # soft hyphen inside
        "id.iot",  # one mark inside the word
        "!d!ot",  # ! for i
        "|d|ot",
        "(idiot)",
        "idiot!!!",
    ],
)
def test_disguised_idiot_is_found(text):
    assert terms_in(text) == ["idiot"]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("f u c k this", "fuck*"),
        ("f*ck off", "fuck*"),
        ("fuuuuck", "fuck*"),
        ("f.u.c.k.i.n.g ferry", "fuck*"),
        ("fvcking", "fuck*"),
        ("motherfucker", None),  # a prefix term matches words it begins, not words containing it
        ("c.u.n.t", "cunt*"),
        ("k1ll y0urself", "kill yourself"),
        ("kill    yourself", "kill yourself"),
        ("kill-your-self", "kill yourself"),
        ("t w a t", "twat"),
        ("tw@t", "twat"),
        ("what a cock-up", "cock up"),
    ],
)
def test_obfuscations(text, term):
    assert terms_in(text) == ([term] if term else [])


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United won at home",  # the Scunthorpe problem
        "an assessment of the sea wall",
        "a classic case of bad planning",
        "Arsenal fans on the coach",
        "my therapist suggested swimming",
        "reading Dickens on the ferry",
        "as a matter of fact",  # "ass" needs two s's
        "a twatter of birds",  # word boundary after the term
        "Essex and Sussex",
        "the cockpit of the ferry",
        "passive assistance",
        "****",  # nothing left to say which word it was
        "f***",
    ],
)
def test_a_term_inside_a_longer_word_or_a_shorter_one_never_fires(text):
    assert terms_in(text) == []


def test_hits_say_where_and_what():
    hits = WORDS.find(fold("Well, you 1d10t, and an ass."))
    assert [(h.term, h.found) for h in hits] == [("idiot", "1d10t"), ("ass", "ass")]
    folded = fold("Well, you 1d10t, and an ass.")
    assert folded[hits[0].start : hits[0].end] == "1d10t"


def test_find_stops_at_limit():
    assert len(WORDS.find(fold("idiot " * 20), limit=3)) == 3


def test_remove_takes_the_terms_out():
    assert WORDS.remove(fold("You idiot, what a cock-up")).split() == ["you", ",", "what", "a"]


def test_empty_word_list_finds_nothing():
    words = WordList([])
    assert not words
    assert words.find("anything") == []
    assert words.remove("anything") == "anything"


def test_clean_terms_drops_comments_blanks_and_duplicates():
    assert clean_terms(["# heading", "", "  Idiot  ", "idiot", "kill   yourself # phrase", "x"]) == [
        "idiot",
        "kill yourself",
        "x",
    ]


def test_contractions_read_as_two_words():
    words = WordList(["you are stupid"])
    assert terms_in("you're stupid", words) == ["you are stupid"]
    assert terms_in("You\u2019re stupid", words) == ["you are stupid"]  # typographic apostrophe
    assert terms_in("you are so stupid", words) == []


def test_fold_keeps_ordinary_text_readable():
    assert fold("Café on the Quay, 2026") == "cafe on the quay, 2026"


def test_for_scoring_decodes_disguises_but_not_numbers():
    assert for_scoring("You 1d10t, sooooo stupid in 2026") == "you idiot, so stupid in 2026"


def test_for_scoring_rates_the_writers_own_words_not_their_quotations():
    text = 'A man called the crew "useless idiots". Please be kind.\n> you are all idiots\nThanks.'
    scored = for_scoring(text)
    assert "idiots" not in scored
    assert "please be kind" in scored
    assert for_scoring('"only a quotation"') == '"only a quotation"'  # nothing else to rate


def test_for_scoring_ignores_allowed_words():
    assert for_scoring("Bloody hell, crap weather", ignore=WordList(["bloody", "hell", "crap"])).split() == [
        ",",
        "weather",
    ]


def test_quoted_spans_find_quotes_not_apostrophes():
    folded = fold("I don't think \u201cidiot\u201d is fair, it's 'rude'.\n> quoted line")
    quoted = [folded[a:b] for a, b in quoted_spans(folded)]
    assert quoted == ['"idiot"', "'rude'", "> quoted line"]
    assert "don't" in without_quotes(folded)


def test_fingerprint_ignores_case_spacing_punctuation_and_disguises():
    assert fingerprint("Reopen the BATHS!") == fingerprint("reopen   the baths")
    assert fingerprint("Réopen the baths") == fingerprint("reopen the baths")
    assert fingerprint("Reopen the baths") != fingerprint("Close the baths")
