import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from masthead.accounts.models import Reader
from masthead.accounts.roles import has_role
from masthead.comments.models import Comment, Reaction
from masthead.community.models import Follow, Notification
from masthead.core.models import AuditLogEntry
from masthead.newsroom import selectors
from masthead.newsroom.demo import content, conversation, stories
from masthead.newsroom.demo.loader import demo_load
from masthead.newsroom.models import Article, ArticleAuthor, Author, LiveUpdate, Section, SupportAppeal, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Argon2 takes half a second a password; the demo hashes four of them per load."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _row_counts() -> dict[str, int]:
    models = (
        Reader, Section, Author, Tag, Article, ArticleAuthor, LiveUpdate, SupportAppeal, AuditLogEntry,
        Comment, Reaction, Follow,
    )  # fmt: skip
    counts = {model.__name__: model.objects.count() for model in models}
    counts["article tags"] = Article.tags.through.objects.count()
    counts["email addresses"] = EmailAddress.objects.count()
    return counts


def _media_files(settings) -> list[str]:
    return sorted(str(path) for path in settings.MEDIA_ROOT.rglob("*") if path.is_file())


def test_command_loads_the_newsroom_prints_the_accounts_and_can_run_again(settings):
    out = io.StringIO()
    call_command("demo", stdout=out)

    published = Article.objects.published()
    assert Section.objects.count() >= 5
    assert Author.objects.count() >= 6
    assert published.count() >= 24
    assert published.filter(is_top_story=True).exists()
    assert not Article.objects.filter(bylines__isnull=True).exists()
    printed = out.getvalue()
    for account in content.ACCOUNTS:
        assert f"{account.label}  " in printed
        assert f"{account.username} " in printed
        assert account.password in printed
    assert "Premium reader" in printed
    # The conversation's readers have no password; they are named below the accounts' table.
    table = printed[printed.index("Demo accounts") : printed.index("Readers in the conversation")]
    assert "gwyn" not in table and "Gwyn Trelawney" in printed
    assert "30 reader comments (30 posted this run)" in printed
    assert f"{settings.SITE_URL}/" in printed
    assert f"{settings.SITE_URL}/admin/" in printed

    counts = _row_counts()
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert _row_counts() == counts
    assert "0 articles created, 0 updated" in again.getvalue()


def test_editors_meet_every_state_and_dates_spread_over_three_weeks():
    now = timezone.now()
    demo_load(now=now)
    assert {article.state for article in Article.objects.all()} == {"published", "scheduled", "draft"}
    scheduled = Article.objects.get(status=Article.Status.PUBLISHED, published_at__gt=now)
    assert scheduled.published_at - now == timedelta(hours=48)
    dates = list(Article.objects.published(now).values_list("published_at", flat=True))
    assert len(set(dates)) == len(dates)
    assert timedelta(days=14) < now - min(dates) < timedelta(days=22)
    assert now - max(dates) < timedelta(days=1)


def test_each_article_is_a_story_with_bylines_tags_and_a_real_body():
    demo_load()
    for article in Article.objects.prefetch_related("bylines", "tags"):
        assert 1 <= len(article.bylines.all()) <= 3, article.slug
        assert 1 <= len(article.tags.all()) <= 3, article.slug
        assert article.standfirst
        assert article.body_html.count("<p>") >= 4, article.slug
    bodies = list(Article.objects.values_list("body_html", flat=True))
    assert sum("<h2>" in body for body in bodies) >= 3
    assert sum("<blockquote>" in body for body in bodies) >= 3
    assert sum("<ul>" in body for body in bodies) >= 3
    spec = next(s for s in stories.ARTICLES if len(s.authors) > 1)
    article = Article.objects.get(slug=spec.slug)
    assert [b.author.slug for b in article.bylines.select_related("author")] == list(spec.authors)


def test_search_finds_several_stories_for_the_city_s_big_subjects():
    demo_load()
    for word in ("flood", "harbour", "council", "ferry", "housing"):
        assert len(selectors.article_search(q=word).items) >= 3, word


def test_the_live_story_has_timestamped_updates_from_the_editor():
    now = timezone.now()
    demo_load(now=now)
    live = Article.objects.get(is_live=True)
    updates = list(live.live_updates.select_related("author"))
    assert len(updates) >= 8
    times = [u.posted_at for u in updates]
    assert len(set(times)) == len(times)
    assert all(live.published_at <= t <= now for t in times)
    assert times[0] - times[-1] > timedelta(hours=4)
    assert {u.author.username for u in updates} == {"morwenna"}
    assert all(u.headline and u.body_html for u in updates)
    page = selectors.live_update_page(article=live)
    assert page.items[0].posted_at == max(times)


def test_most_articles_get_an_original_hero_image(settings):
    demo_load()
    with_image = Article.objects.exclude(hero_image="")
    assert with_image.count() >= Article.objects.count() * 3 / 4
    for article in with_image:
        assert article.hero_alt.startswith("Abstract illustration")
        assert article.hero_caption == "Illustration: The Harbour Light"
        assert article.hero_image.name.endswith(f"/{article.slug}.png")
        assert article.hero_image.size < 100_000
        with Image.open(article.hero_image.path) as image:
            assert image.format == "PNG"
            assert image.size == (1200, 675)
    assert not Article.objects.filter(hero_image="").exclude(hero_alt="").exists()


def test_demo_accounts_sign_in_with_the_printed_passwords_and_have_their_roles():
    demo_load()
    for spec in content.ACCOUNTS:
        reader = authenticate(None, username=spec.username, password=spec.password)
        assert reader is not None, spec.username
        assert list(reader.groups.values_list("name", flat=True)) == [spec.role]
        assert has_role(reader, spec.role)
        assert reader.is_staff == (spec.role != "reader")
        assert not reader.is_superuser
        assert EmailAddress.objects.filter(user=reader, email=spec.email, verified=True).exists()
        validate_password(spec.password, reader)  # the demo passwords would pass a real sign-up
    editor = Reader.objects.get(username="morwenna")
    assert editor.author_profile.slug == "morwenna-tregear"
    assert editor.has_perm("newsroom.change_article")


def test_a_second_run_changes_nothing(settings):
    first = demo_load()
    counts, files = _row_counts(), _media_files(settings)
    stamps = dict(Article.objects.values_list("slug", "updated_at"))
    dates = dict(Article.objects.values_list("slug", "published_at"))

    again = demo_load(now=timezone.now() + timedelta(days=3))

    assert first.articles_created == len(stories.ARTICLES)
    assert (again.articles_created, again.articles_updated, again.images_drawn) == (0, 0, 0)
    assert _row_counts() == counts  # no duplicates, and no audit entries for non-changes
    assert _media_files(settings) == files
    assert dict(Article.objects.values_list("slug", "updated_at")) == stamps
    assert dict(Article.objects.values_list("slug", "published_at")) == dates


def test_a_rerun_puts_back_what_was_changed_without_recreating_it():
    demo_load()
    spec = next(s for s in stories.ARTICLES if len(s.authors) > 1)
    article = Article.objects.get(slug=spec.slug)
    article.headline = "Edited by someone trying the demo"
    article.save()
    article.bylines.first().delete()
    article.tags.clear()
    editor = Reader.objects.get(username="morwenna")
    editor.set_password("something-else-entirely")
    editor.save()
    reader = Reader.objects.get(username="jenny")
    reader.groups.clear()

    summary = demo_load()

    restored = Article.objects.get(slug=spec.slug)
    assert restored.pk == article.pk
    assert restored.headline == spec.headline
    assert [b.author.slug for b in restored.bylines.select_related("author")] == list(spec.authors)
    assert sorted(restored.tags.values_list("name", flat=True)) == sorted(spec.tags)
    assert summary.articles_updated == 1
    assert authenticate(None, username="morwenna", password="editor-demo-2026") is not None
    assert has_role(Reader.objects.get(username="jenny"), "reader")
    assert Article.objects.filter(slug=spec.slug).count() == 1


def test_an_image_left_in_storage_is_reused_rather_than_copied(settings):
    demo_load()
    article = Article.objects.exclude(hero_image="").first()
    name = article.hero_image.name
    files = _media_files(settings)
    Article.objects.filter(pk=article.pk).update(hero_image="")

    summary = demo_load()

    assert Article.objects.get(pk=article.pk).hero_image.name == name
    assert _media_files(settings) == files
    assert summary.images_drawn == 0


def test_the_appeal_is_written_when_there_is_none():
    demo_load()
    assert SupportAppeal.objects.get().heading == content.APPEAL["heading"]


def test_an_appeal_editors_wrote_is_never_replaced():
    SupportAppeal.objects.create(heading="Written by our editors")
    demo_load()
    assert list(SupportAppeal.objects.values_list("heading", flat=True)) == ["Written by our editors"]


def test_content_is_well_formed():
    slugs = [spec.slug for spec in stories.ARTICLES]
    assert len(slugs) == len(set(slugs))
    assert len(slugs) >= 28
    sections = {spec.slug for spec in content.SECTIONS}
    authors = {spec.slug for spec in content.AUTHORS}
    for spec in stories.ARTICLES:
        assert spec.section in sections
        assert set(spec.authors) <= authors
        paragraphs = [block for block in spec.body.split("\n\n") if not block.startswith("#")]
        assert 4 <= len(paragraphs) <= 7, spec.slug
    assert set(stories.LIVE_UPDATES) == {spec.slug for spec in stories.ARTICLES if spec.is_live}
    assert len({u.headline for updates in stories.LIVE_UPDATES.values() for u in updates}) >= 8


def test_demo_refuses_a_public_site_unless_forced(settings):
    settings.SITE_URL = "https://news.example.org"
    with pytest.raises(CommandError, match="--force"):
        call_command("demo", stdout=io.StringIO())
    assert not Article.objects.exists()


# --- The conversation under the stories ----------------------------------------------------------


def _all_specs():
    def walk(specs, parent=None):
        for spec in specs:
            yield spec, parent
            yield from walk(spec.replies, spec)

    for thread in (*conversation.THREADS, *conversation.LATER):
        for spec, parent in walk(thread.comments):
            yield thread.article, spec, parent


def test_the_conversation_is_posted_through_the_services_and_moderated(settings):
    """With the moderation pipeline's real reader history, new readers' first comments wait
    for a moderator: the demo's moderator approves them, in the audit log."""
    settings.MODERATION_READER_HISTORY = "masthead.comments.selectors.reader_moderation_history"
    now = timezone.now()
    summary = demo_load(now=now)

    specs = list(_all_specs())
    assert summary.comments == summary.comments_posted == len(specs) >= 25
    comments = Comment.objects.select_related("article", "author", "parent")
    assert set(comments.values_list("status", flat=True)) == {"published"}
    assert AuditLogEntry.objects.filter(action="comment.approve", actor__username="asha").count() >= 10
    assert {c.article.slug for c in comments} >= {thread.article for thread in conversation.THREADS}
    assert len({thread.article for thread in conversation.THREADS}) >= 8
    assert Article.objects.get(is_live=True).slug in {c.article.slug for c in comments}
    assert max(c.depth for c in comments) == 3
    for comment in comments:
        assert comment.article.published_at < comment.created_at < now, comment.pk
        if comment.parent is not None:
            assert comment.parent.created_at < comment.created_at
    # Written in the voices' own words, each once.
    bodies = [spec.body for _, spec, _ in specs]
    assert len(set(bodies)) == len(bodies)
    assert Reaction.objects.count() == sum(len(spec.reactions) for _, spec, _ in specs) >= 40
    [featured] = comments.filter(featured_at__isnull=False)
    assert featured.author.username == "tamsin"


def test_a_journalist_answers_under_her_own_story_with_the_author_badge(client):
    demo_load()
    priya = Reader.objects.get(username="priya")
    assert Author.objects.get(slug="priya-raman").reader == priya
    answer = Comment.objects.filter(author=priya, article__slug="seagrass-planting-alder-estuary").get()
    item = client.get(f"/api/v1/comments/{answer.pk}").json()
    assert item["author"]["badges"] == ["author"]
    editor = Comment.objects.get(author__username="morwenna")
    assert client.get(f"/api/v1/comments/{editor.pk}").json()["author"]["badges"] == ["staff", "author"]


def test_the_demo_reader_follows_readers_and_her_following_feed_has_their_comments(client):
    demo_load()
    jenny = Reader.objects.get(username="jenny")
    followed = set(Follow.objects.filter(follower=jenny).values_list("followed__username", flat=True))
    assert followed == {"gwyn", "nadia", "tamsin"}
    assert Follow.objects.filter(followed=jenny).count() == 2
    client.force_login(jenny)
    items = client.get("/api/v1/me/feed?limit=100").json()["items"]
    assert {item["author"]["username"] for item in items} == followed
    assert any(item["in_reply_to"] for item in items)
    page = client.get("/me/following/").content.decode()
    assert "Gwyn Trelawney" in page and "High water has passed" in page


def test_a_second_run_posts_nothing_and_puts_back_a_follow():
    demo_load()
    counts = _row_counts()
    jenny = Reader.objects.get(username="jenny")
    Follow.objects.filter(follower=jenny, followed__username="gwyn").delete()

    again = demo_load()

    assert again.comments_posted == 0
    assert _row_counts() == counts


@pytest.mark.django_db(transaction=True)
def test_the_bells_ring_for_what_happened_in_order():
    """Each service call commits, and its fan-out runs before the next phase: jenny hears of
    replies, reactions and new followers, and of the one comment a reader she follows posted
    after she followed them (not of what they wrote before)."""
    demo_load()
    jenny = Reader.objects.get(username="jenny")
    kinds = sorted(Notification.objects.filter(recipient=jenny).values_list("kind", flat=True))
    assert kinds == [
        "followed_reader_commented", "new_follower", "new_follower", "reaction", "reaction", "reply", "reply",
        "reply",
    ]  # fmt: skip
    followed = Notification.objects.get(recipient=jenny, kind="followed_reader_commented")
    assert followed.actor.username == "gwyn"
    batched = Notification.objects.filter(recipient=jenny, kind="reaction").order_by("-count").first()
    assert batched.count == 4
    assert Notification.objects.filter(recipient__username="tamsin", kind="comment_featured").exists()
    assert demo_load().notifications["jenny"] == 8  # a second run tells nobody anything twice
