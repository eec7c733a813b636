from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed


class LatestRss(Feed):
    title = "Latest"
    link = "/"

    def items(self):
        return []


class LatestAtom(LatestRss):
    feed_type = Atom1Feed


class SectionRss(LatestRss):
    def get_object(self, request, slug):
        return slug


class SectionAtom(SectionRss):
    feed_type = Atom1Feed
