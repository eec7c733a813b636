from django.http import HttpResponse

SITEMAPS: dict = {}


def news_sitemap(request):
    return HttpResponse("", content_type="application/xml")
