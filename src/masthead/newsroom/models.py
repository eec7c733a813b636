from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from masthead.core.models import BaseModel


class Section(BaseModel):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the navigation.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:section", args=[self.slug])


class Author(BaseModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    job_title = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)
    reader = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The account this journalist comments with (gives them the author badge).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:author", args=[self.slug])


class Tag(BaseModel):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:tag", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())


class Article(BaseModel):
    """A piece of reporting. Its state is derived: draft, scheduled (published in the future),
    or published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published (or scheduled, if the time is in the future)"

    slug = models.SlugField(max_length=140, unique=True)
    headline = models.CharField(max_length=200)
    standfirst = models.CharField(max_length=400, blank=True, help_text="The summary under the headline.")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles", blank=True)
    tags = models.ManyToManyField(Tag, related_name="articles", blank=True)
    body = models.TextField(help_text="Markdown; pasted rich-text HTML is kept where it is safe.")
    body_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    hero_image = models.ImageField(upload_to="heroes/%Y/%m/", blank=True)
    hero_alt = models.CharField("hero image alt text", max_length=250, blank=True)
    hero_caption = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    revised_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the words of a published story change (shown as Updated)."
    )
    is_live = models.BooleanField("live story", default=False, help_text="Carries timestamped live updates.")
    is_top_story = models.BooleanField(default=False, help_text="Lead the home page.")
    comments_enabled = models.BooleanField(default=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at", "-id"], name="article_pub_idx")]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("newsroom:article", args=[self.slug])

    @property
    def state(self) -> str:
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return "draft"
        return "scheduled" if self.published_at > timezone.now() else "published"

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    @property
    def last_modified(self):
        """When readers last saw the story change: publication, or the latest revision of its
        words (not housekeeping such as moving it off the front page)."""
        return max((t for t in (self.published_at, self.revised_at) if t), default=self.updated_at)


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="unique_byline")]

    def __str__(self) -> str:
        return f"{self.author} on {self.article}"


class LiveUpdate(BaseModel):
    """A timestamped entry on a live story, newest first."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="live_updates")
    posted_at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headline = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    body_html = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["article", "-posted_at", "-id"], name="liveupdate_article_idx")]

    def __str__(self) -> str:
        return f"{self.article} @ {self.posted_at:%H:%M}"


class SupportAppeal(BaseModel):
    """The appeal at the foot of every article; one row, edited by editors."""

    heading = models.CharField(max_length=160, default="This reporting is free. It isn't free to make.")
    body = models.TextField(
        default=(
            "No paywall, no billionaire owner. Our reporting is paid for by readers who can "
            "afford to chip in, so that everyone else can read it for nothing. If you can, "
            "support us today, once or every month."
        )
    )
    button_label = models.CharField(max_length=60, default="Support our reporting")

    class Meta:
        verbose_name = "reader-support appeal"
        verbose_name_plural = "reader-support appeal"

    def __str__(self) -> str:
        return self.heading

    @classmethod
    def current(cls) -> "SupportAppeal":
        appeal = cls.objects.order_by("id").first()
        return appeal or cls()
