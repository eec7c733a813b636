"""The pipeline's rules, one by one, and how their verdicts become one decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.moderation import recent
from masthead.moderation.config import ModerationConfig
from masthead.moderation.history import ReaderHistory
from masthead.moderation.normalize import fingerprint
from masthead.moderation.pipeline import PENDING, PUBLISHED, REJECTED, Decision, Draft, Reason, assess
from masthead.moderation.rules import RULES, Rule, Verdict, active_rules, register
from tests.moderation.conftest import BrokenScorer, FixedScorer

BANNED = ModerationConfig.build(banned_words="idiot\nkill yourself", suspect_words="moron")


def draft(body: str = "The council should reopen the baths.", **fields) -> Draft:
    fields.setdefault("author_id", 1)
    fields.setdefault("article_id", 10)
    fields.setdefault("section_id", 3)
    return Draft(body=body, **fields)


def run(
    body: str = "The council should reopen the baths.", *, config=None, scorer=None, rules=None, **fields
):
    return assess(
        draft(body, **fields), config=config or ModerationConfig.build(), scorer=scorer, rules=rules
    )


# --- A civil comment.


def test_a_civil_comment_is_published_with_no_reasons(established):
    decision = run(history=established, scorer=FixedScorer(0.05), config=ModerationConfig.defaults())

    assert decision.status == PUBLISHED
    assert decision.reasons == ()
    assert decision.reader_message == ""
    assert decision.score == 0.05
    assert not decision.held
    assert not decision.revise_suggested


# --- 1. Banned words.


def test_banned_word_rejects_and_tells_the_reader_which():
    decision = run("You are a 1d10t.", config=BANNED)

    assert decision.status == REJECTED
    assert decision.reasons == (Reason("banned_words", "banned: idiot"),)
    assert "1d10t" in decision.reader_message
    assert "not published" in decision.reader_message


def test_banned_phrase_spaced_out_rejects():
    assert run("k i l l yourself", config=BANNED).status == REJECTED


def test_rejection_stops_the_run_before_the_scorer():
    scorer = FixedScorer(0.99)
    decision = run("idiot", config=BANNED, scorer=scorer)

    assert decision.status == REJECTED
    assert scorer.calls == []
    assert decision.score is None
    assert not decision.revise_suggested


def test_banned_word_inside_a_longer_word_does_not_fire():
    config = ModerationConfig.build(banned_words="cunt")
    assert run("Scunthorpe United won 2-0.", config=config).status == PUBLISHED


def test_quoting_a_banned_word_goes_to_a_moderator_instead_of_rejection():
    decision = run('My son was called an "idiot" at the bus stop. Shameful.', config=BANNED)

    assert decision.status == PENDING
    assert decision.reasons == (Reason("banned_words", "banned, quoted: idiot"),)
    assert "quotes" in decision.reader_message


def test_a_banned_word_both_quoted_and_used_is_rejected():
    decision = run('He said "idiot" and you are an idiot too.', config=BANNED)
    assert decision.status == REJECTED


# --- 2. Suspect words.


def test_suspect_word_holds_without_naming_it():
    decision = run("What a m0r0n.", config=BANNED)

    assert decision.status == PENDING
    assert decision.reasons == (Reason("suspect_words", "suspect: moron (m0r0n)"),)
    assert "moron" not in decision.reader_message.lower()
    assert decision.held


# --- 3. Links.


def test_link_outside_the_allow_list_holds():
    config = ModerationConfig.build(link_allowlist="gov.uk")
    decision = run("Details at https://cheap-deals.example.shop/x", config=config)

    assert decision.status == PENDING
    assert decision.reasons == (Reason("links", "links to cheap-deals.example.shop"),)


def test_links_to_allowed_domains_and_the_site_itself_publish(settings):
    settings.SITE_URL = "https://harbourlight.example"
    config = ModerationConfig.build(link_allowlist="gov.uk")

    decision = run("See https://www.planning.gov.uk/a and https://harbourlight.example/story", config=config)
    assert decision.status == PUBLISHED


def test_link_policy_hold_all_and_allow_all():
    body = "See https://www.gov.uk/a"
    assert run(body, config=ModerationConfig.build(link_allowlist="gov.uk", link_policy="hold_all")).held
    assert not run(body, config=ModerationConfig.build(link_policy="allow_all"), author_id=2).held


def test_phone_numbers_and_email_addresses_hold():
    decision = run("Text me on 07700 900123 or write to deals@example.com")

    assert decision.status == PENDING
    assert decision.reasons == (Reason("links", "phone number; email address"),)


def test_link_domains_given_by_the_caller_are_used():
    assert run("no link in the text", link_domains=("spam.example",)).status == PENDING


# --- 4. New readers.


@pytest.mark.parametrize(("approved", "held"), [(0, True), (1, True), (2, False), (30, False)])
def test_new_readers_first_comments_wait(approved, held):
    decision = run(history=ReaderHistory(approved_count=approved))

    assert decision.held is held
    if held:
        assert decision.reasons == (Reason("new_readers", f"new reader: {approved} of 2 approved"),)
        assert "first comments" in decision.reader_message


def test_new_reader_count_is_a_setting():
    config = ModerationConfig.build(new_reader_count=5)
    assert run(config=config, history=ReaderHistory(approved_count=4)).held
    off = ModerationConfig.build(new_reader_count=0)
    assert not run(config=off, history=ReaderHistory(), author_id=2).held


def test_a_recent_rejection_makes_a_reader_new_again():
    recently = ReaderHistory(approved_count=40, last_rejected_at=timezone.now() - timedelta(days=2))
    long_ago = ReaderHistory(approved_count=40, last_rejected_at=timezone.now() - timedelta(days=30))

    decision = run(history=recently)
    assert decision.status == PENDING
    assert decision.reasons[0].rule == "new_readers"
    assert "rejected on" in decision.reasons[0].detail
    assert not run(history=long_ago, author_id=2).held


def test_unknown_history_never_assumes_a_reader_is_new():
    assert run(history=None).status == PUBLISHED


def test_history_given_as_a_callable_is_fetched_once_and_only_when_needed():
    calls = []

    def fetch():
        calls.append(1)
        return ReaderHistory(approved_count=0)

    assert run(history=fetch).status == PENDING
    assert calls == [1]
    calls.clear()
    assert run("idiot", config=BANNED, history=fetch).status == REJECTED
    assert calls == []  # rejected before any rule needed the history


# --- 5. Repeats, floods and rejection rate.


def test_same_text_as_a_recent_comment_from_the_history_waits(established):
    history = ReaderHistory(approved_count=12, recent_bodies=["The council should REOPEN the baths!"])
    decision = run("the council should reopen the baths", history=history)

    assert decision.status == PENDING
    assert decision.reasons == (Reason("repeats", "same text as one of the reader's recent comments"),)


def test_history_may_carry_fingerprints_instead_of_bodies():
    history = ReaderHistory(approved_count=12, recent_fingerprints=frozenset({fingerprint("Same again")}))
    assert run("same again!", history=history).status == PENDING


def test_posting_the_same_text_twice_is_held_the_second_time_even_without_history():
    first = run("I think the baths should reopen in May.", article_id=1)
    second = run("I think the baths should reopen in May.", article_id=2)  # another story

    assert first.status == PUBLISHED
    assert second.status == PENDING
    assert second.rules == ["repeats"]


def test_another_reader_may_say_the_same_short_thing():
    assert run("Agreed.", author_id=1).status == PUBLISHED
    assert run("Agreed.", author_id=2).status == PUBLISHED


def test_the_same_long_text_from_many_accounts_is_a_flood():
    body = "Earn five hundred pounds a day from home with this one simple trick, ask me how"
    decisions = [run(body, author_id=n) for n in range(1, 5)]

    assert [d.status for d in decisions] == [PUBLISHED, PUBLISHED, PENDING, PENDING]
    assert decisions[2].reasons == (Reason("repeats", "same text submitted 3 times in the last hour"),)


def test_an_edit_is_not_a_repeat_of_itself():
    run("I think the baths should reopen in May.")
    assert run("I think the baths should reopen in May.", is_edit=True, comment_id=5).status == PUBLISHED


@pytest.mark.parametrize(
    ("approved", "rejected", "held"),
    [(2, 2, True), (1, 3, True), (3, 1, False), (0, 3, False)],  # 0+3: too few to judge
)
def test_high_recent_rejection_rate_waits(approved, rejected, held):
    history = ReaderHistory(approved_count=50, recent_approved_count=approved, recent_rejected_count=rejected)
    decision = run(history=history)

    assert decision.held is held
    if held:
        assert decision.rules == ["rejection_rate"]


# --- 6. Toxicity, and the one chance to revise.


def test_toxic_first_attempt_is_sent_back_to_revise():
    decision = run("You are all useless.", scorer=FixedScorer(0.93))

    assert decision.revise_suggested
    assert decision.status == PUBLISHED  # nothing else held it; the caller stores nothing
    assert decision.held
    assert decision.score == 0.93
    assert "rephrase" in decision.reader_message
    assert decision.reasons[-1] == Reason("toxicity", "toxicity 0.93: reader asked to revise")
    assert decision.as_data()["revise_suggested"] is True


def test_sending_the_same_text_again_within_ten_minutes_waits():
    scorer = FixedScorer(0.93)
    run("You are all useless.", scorer=scorer)
    again = run("you are ALL useless", scorer=scorer)

    assert not again.revise_suggested
    assert again.status == PENDING
    assert again.rules == ["toxicity"]
    assert "sent again unchanged" in again.reasons[0].detail


def test_one_chance_per_conversation_not_one_per_wording():
    scorer = FixedScorer(0.93)
    run("You are all useless.", scorer=scorer)
    reworded = run("You lot are completely useless.", scorer=scorer)

    assert reworded.status == PENDING
    assert "already asked to revise" in reworded.reasons[0].detail


def test_a_revised_civil_text_is_published():
    scorer = FixedScorer(by_text={}, score=0.0)
    scorer.by_text["you are all useless."] = 0.93
    assert run("You are all useless.", scorer=scorer).revise_suggested
    assert run("I disagree with the council's plan.", scorer=scorer).status == PUBLISHED


def test_the_revise_memory_lasts_ten_minutes():
    run("You are all useless.", scorer=FixedScorer(0.93))
    assert recent.revise_chance_used(author_id=1, article_id=10, fp=fingerprint("You are all useless."))
    recent.cache.delete_many(
        [f"moderation:revise:1:{fingerprint('You are all useless.')}", "moderation:revise-thread:1:10"]
    )  # what the ten-minute expiry does
    assert run("You are all useless.", scorer=FixedScorer(0.93)).revise_suggested
    assert recent.REVISE_SECONDS == 600


def test_editing_into_a_toxic_text_waits_without_a_chance_to_revise():
    decision = run("You are all useless.", scorer=FixedScorer(0.93), is_edit=True, comment_id=3)

    assert decision.status == PENDING
    assert not decision.revise_suggested


def test_below_the_threshold_publishes_and_keeps_the_score():
    decision = run(scorer=FixedScorer(0.79))
    assert decision.status == PUBLISHED
    assert decision.score == 0.79


def test_threshold_is_a_setting():
    config = ModerationConfig.build(toxicity_threshold=0.5)
    assert run(scorer=FixedScorer(0.6), config=config).revise_suggested


def test_scorer_down_fails_open_to_pending():
    decision = run(scorer=BrokenScorer())

    assert decision.status == PENDING
    assert decision.reasons == (Reason("toxicity", "scorer unavailable: connection refused"),)
    assert not decision.revise_suggested


def test_no_scorer_means_no_toxicity_rule():
    assert run(scorer=None).status == PUBLISHED


def test_the_scorer_rates_the_text_without_quotes_or_allowed_words():
    scorer = FixedScorer(0.1)
    config = ModerationConfig.build(allowed_words="bloody")
    run('Bloody weather. A man shouted "you idiots" at the crew.', scorer=scorer, config=config)

    assert [text.split() for text in scorer.calls[0]] == [
        ["weather.", "a", "man", "shouted", "at", "the", "crew."]
    ]


def test_a_reader_with_a_toxic_text_and_another_reason_is_still_asked_to_revise():
    decision = run("Read https://spam.example now, you fools", scorer=FixedScorer(0.9))
    assert decision.revise_suggested
    assert decision.status == PENDING  # once revised, the link still holds it


# --- Modes.


def test_closed_stops_everything():
    config = ModerationConfig.build(article_modes={10: "closed"})
    decision = run(config=config, scorer=FixedScorer(0.99))

    assert decision.closed
    assert decision.status == REJECTED
    assert decision.reasons == (Reason("mode", "closed"),)
    assert decision.reader_message == "Comments are closed on this story."


def test_pre_moderation_holds_a_civil_comment():
    decision = run(config=ModerationConfig.build(mode="pre"))

    assert decision.status == PENDING
    assert decision.reasons == (Reason("mode", "pre-moderation"),)
    assert decision.mode == "pre"


def test_pre_moderation_still_rejects_banned_words():
    config = BANNED.with_changes(mode="pre")
    assert run("idiot", config=config).status == REJECTED


@pytest.mark.parametrize(
    ("site", "sections", "articles", "mode"),
    [
        ("post", {}, {}, "post"),
        ("pre", {}, {}, "pre"),
        ("post", {3: "pre"}, {}, "pre"),  # the section's own
        ("pre", {3: "post"}, {}, "post"),
        ("pre", {3: "closed"}, {10: "post"}, "post"),  # the article's own wins
        ("closed", {}, {}, "closed"),
        ("post", {4: "closed"}, {11: "closed"}, "post"),  # other sections and articles
    ],
)
def test_mode_is_the_articles_else_the_sections_else_the_sites(site, sections, articles, mode):
    config = ModerationConfig.build(mode=site, section_modes=sections, article_modes=articles)
    assert config.mode_for(article_id=10, section_id=3) == mode
    assert run(config=config).mode == mode


def test_staff_are_published_as_they_write_unless_closed():
    config = BANNED.with_changes(mode="pre")
    assert run("idiot", config=config, author_trusted=True, scorer=FixedScorer(0.99)).status == PUBLISHED
    closed = ModerationConfig.build(mode="closed")
    assert run(config=closed, author_trusted=True).closed


# --- How verdicts combine.


def test_every_rule_that_fires_is_a_reason_and_the_first_explains():
    config = ModerationConfig.build(suspect_words="moron")
    decision = run("What a moron, see https://spam.example", config=config, history=ReaderHistory())

    assert decision.rules == ["suspect_words", "links", "new_readers"]
    assert decision.reader_message.startswith("Your comment is waiting for a moderator: it uses language")
    assert decision.summary.startswith("suspect_words: suspect: moron (moron); links: links to spam.example")


def test_as_data_is_json_ready():
    decision = run("What a moron", config=BANNED, scorer=FixedScorer(0.123456))
    assert decision.as_data() == {
        "status": "pending",
        "reasons": [{"rule": "suspect_words", "detail": "suspect: moron (moron)"}],
        "rules": ["suspect_words"],
        "score": 0.1235,
        "scorer": "fixed",
        "mode": "post",
    }


def test_rules_can_be_chosen_and_added():
    @register
    class Shouting(Rule):
        name = "test_shouting"

        def check(self, draft, ctx):
            if draft.body.isupper():
                return Verdict(PENDING, "all capitals", "Please don't shout.")
            return None

    try:
        decision = run("STOP THE MARINA", rules=["test_shouting"])
        assert decision.reasons == (Reason("test_shouting", "all capitals"),)
        assert decision.reader_message == "Please don't shout."
        # Only the rules named run: the banned word is not looked for.
        assert run("STOP THE MARINA, IDIOT", config=BANNED, rules=["test_shouting"]).rules == [
            "test_shouting"
        ]
    finally:
        del RULES["test_shouting"]


def test_unknown_rule_names_are_refused():
    with pytest.raises(ValueError, match="Unknown moderation rules"):
        active_rules(["banned_words", "nonsense"])


def test_default_rules_come_from_settings(settings):
    settings.MODERATION_RULES = ["links"]
    assert [rule.name for rule in active_rules()] == ["links"]


def test_decision_refuses_an_unknown_status():
    with pytest.raises(ValueError):
        Decision(status="maybe")
