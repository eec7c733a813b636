"""Background work for comments (`masthead db_worker` runs it)."""

from django.tasks import task

from masthead.comments import services
from masthead.newsroom.models import Article


@task()
def recount_threads(article_ids: list[int] | None = None) -> int:
    """Recompute the stored counters of these articles' conversations (all when None).

    The services keep the counters right as they go; this repairs them after anyone edits
    the database by hand. Returns how many threads were recounted.
    """
    articles = Article.objects.filter(comment_thread__isnull=False)
    if article_ids is not None:
        articles = articles.filter(pk__in=article_ids)
    count = 0
    for article in articles.iterator():
        services.thread_recount(article=article)
        count += 1
    return count
