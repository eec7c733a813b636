import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
# Anonymous pages Django caches for everyone are answered from memory in front of it
# (masthead.core.edgecache; EDGE_CACHE_SECONDS=0 turns that off).
application = get_asgi_application()

from masthead.core.edgecache import wrap  # noqa: E402 (after Django is set up)

application = wrap(application)
