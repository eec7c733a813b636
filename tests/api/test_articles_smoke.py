import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_list_and_search(client, section):
    factories.article(headline="Flood defences fail at the river mouth", section=section)
    factories.article(headline="Library opening hours extended", section=section)
    body = client.get("/api/v1/articles").json()
    assert len(body["items"]) == 2
    found = client.get("/api/v1/articles", {"q": "flood"}).json()
    assert [a["headline"] for a in found["items"]] == ["Flood defences fail at the river mouth"]
    assert client.get("/api/v1/articles/nope").json() == {
        "error": {"code": "not_found", "message": "No article by that name."}
    }
