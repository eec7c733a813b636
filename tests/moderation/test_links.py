"""Finding the sites a comment points to, and contact details."""

import pytest

from masthead.moderation.links import clean_domain, contact_details, domain_allowed, domains_in


@pytest.mark.parametrize(
    ("body", "domains"),
    [
        ("See https://www.example.com/page for more", ("example.com",)),
        ("[the report](http://News.Example.org/x) says", ("news.example.org",)),
        ("<https://example.net/path>", ("example.net",)),
        ("www.harbourlight.co.uk/story", ("harbourlight.co.uk",)),
        ("visit cheap-pills.shop now", ("cheap-pills.shop",)),  # bare name, not a link
        ("https://a.example.com and https://a.example.com/again", ("a.example.com",)),
        ("Paid £5.50 at 3.30pm on the 8.15 ferry", ()),
        ("version 1.2.3 of file.py", ()),
        ("write to bob@example.com", ()),  # an address is contact details, not a link
        ("Nothing here", ()),
    ],
)
def test_domains_in_markdown(body, domains):
    assert domains_in(body) == domains


def test_domains_in_rendered_html():
    html = (
        '<p><a href="https://evil.example/x" rel="nofollow">here</a> <a href="//cdn.example.net/y">y</a></p>'
    )
    assert domains_in("here", html) == ("evil.example", "cdn.example.net")


def test_subdomains_of_allowed_domains_are_allowed():
    assert domain_allowed("news.bbc.co.uk", ["bbc.co.uk"])
    assert domain_allowed("gov.uk", ["gov.uk"])
    assert not domain_allowed("notbbc.co.uk", ["bbc.co.uk"])
    assert not domain_allowed("bbc.co.uk.evil.example", ["bbc.co.uk"])


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.Example.org/x", "example.org"),
        ("gov.uk", "gov.uk"),
        ("  BBC.co.uk.  ", "bbc.co.uk"),
        ("not a domain", None),
        ("localhost", None),
        ("", None),
    ],
)
def test_clean_domain(value, domain):
    assert clean_domain(value) == domain


@pytest.mark.parametrize(
    ("body", "kinds"),
    [
        ("call me on 07700 900456", ["phone number"]),
        ("WhatsApp +44 7700 900123", ["phone number"]),
        ("ring (01872) 555 123", ["phone number"]),
        ("email invest@harbour.example.com", ["email address"]),
        ("in 1952 and again in 2026", []),
        ("£500 a day", []),
        ("on 2026-03-14 at 10.30", []),
        ("ISBN 978-0-14-044913-6", []),
        ("the 8.15 ferry", []),
    ],
)
def test_contact_details(body, kinds):
    assert contact_details(body) == kinds
