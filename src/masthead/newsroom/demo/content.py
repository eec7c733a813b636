"""The demo newsroom: The Harbour Light, an independent newsroom in the harbour city of Porthaven.

Everything here is invented: the city, its people, its institutions and their quotes. The
reporting itself lives in ``stories.py``; this module holds the newsroom around it and the
shapes both modules share. The loader (``loader.py``) keys every row on a natural key (a slug,
a username), so editing a value here and re-running ``masthead demo`` updates that row.
"""

import textwrap
from dataclasses import dataclass

from masthead.newsroom.demo.images import Palette

NEWSROOM_NAME = "The Harbour Light"
CITY = "Porthaven"
HERO_CAPTION = "Illustration: The Harbour Light"


def md(text: str) -> str:
    """A Markdown body written indented in this source, as the editor would have typed it."""
    return textwrap.dedent(text).strip()


@dataclass(frozen=True)
class Art:
    """How a hero illustration is drawn, and the alt text that describes it."""

    motif: str  # a key of images.MOTIFS
    palette: Palette
    alt: str


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    name: str
    description: str
    art: Art


@dataclass(frozen=True)
class AuthorSpec:
    slug: str
    name: str
    job_title: str
    bio: str
    # The account this journalist comments with: a demo account's label, or the username of
    # one of the conversation's voices (conversation.VOICES).
    account: str = ""


@dataclass(frozen=True)
class AccountSpec:
    label: str  # who this account is, as the summary prints it
    username: str
    password: str
    role: str  # one of masthead.accounts.roles.ROLES
    display_name: str
    bio: str = ""
    premium: bool = False  # given a complimentary Premium membership by the loader

    @property
    def email(self) -> str:
        return f"{self.username}@harbourlight.example"


@dataclass(frozen=True)
class ArticleSpec:
    slug: str
    section: str
    headline: str
    standfirst: str
    authors: tuple[str, ...]  # author slugs, in byline order
    tags: tuple[str, ...]  # tag names
    body: str
    # Hours before the first load that the story went out; negative schedules it that far
    # ahead; None leaves it a draft. Only the first load sets the date: re-runs keep it.
    hours_ago: float | None
    is_top_story: bool = False
    is_live: bool = False
    image: bool = True
    art: Art | None = None  # defaults to the section's
    hero_alt: str = ""  # defaults to the art's


@dataclass(frozen=True)
class LiveUpdateSpec:
    minutes_ago: int  # before the first load, like ArticleSpec.hours_ago
    headline: str  # the update's natural key within its story
    body: str


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        slug="city-hall",
        name="City Hall",
        description="The council, the harbour trust, elections and where Porthaven's money goes.",
        art=Art(
            motif="columns",
            palette=Palette(
                sky=(226, 232, 240),
                ground=(160, 178, 204),
                light=(92, 116, 160),
                dark=(24, 38, 72),
                accent=(201, 162, 82),
            ),
            alt="Abstract illustration: a row of blue columns under a brass pediment, like a civic hall",
        ),
    ),
    SectionSpec(
        slug="housing",
        name="Housing",
        description="Renting, council homes, planning, and the cost of a roof in Porthaven.",
        art=Art(
            motif="rooftops",
            palette=Palette(
                sky=(248, 236, 222),
                ground=(232, 196, 170),
                light=(214, 140, 110),
                dark=(110, 52, 44),
                accent=(250, 214, 120),
            ),
            alt="Abstract illustration: rows of terracotta rooftops, some with lit windows",
        ),
    ),
    SectionSpec(
        slug="environment",
        name="Environment",
        description="Flooding, the estuary, water quality and the changing coast.",
        art=Art(
            motif="waves",
            palette=Palette(
                sky=(214, 234, 232),
                ground=(150, 196, 196),
                light=(110, 186, 176),
                dark=(16, 70, 84),
                accent=(246, 196, 112),
            ),
            alt="Abstract illustration: layered teal waves under a low golden sun",
        ),
    ),
    SectionSpec(
        slug="business",
        name="Business",
        description="Work and money in the harbour city: the fish market, the shipyard, the high street.",
        art=Art(
            motif="bars",
            palette=Palette(
                sky=(236, 238, 242),
                ground=(188, 196, 208),
                light=(120, 136, 160),
                dark=(44, 56, 78),
                accent=(232, 150, 52),
            ),
            alt="Abstract illustration: slate-blue bars with an amber line rising and falling across them",
        ),
    ),
    SectionSpec(
        slug="culture",
        name="Culture",
        description="Theatre, music, festivals, libraries and the city's history.",
        art=Art(
            motif="circles",
            palette=Palette(
                sky=(58, 30, 70),
                ground=(120, 50, 96),
                light=(240, 170, 150),
                dark=(30, 16, 44),
                accent=(255, 120, 100),
            ),
            alt="Abstract illustration: overlapping coral and plum circles, like stage lights",
        ),
    ),
    SectionSpec(
        slug="sport",
        name="Sport",
        description="Porthaven Athletic, gig rowing, sea swimming and grassroots sport.",
        art=Art(
            motif="stripes",
            palette=Palette(
                sky=(208, 232, 206),
                ground=(96, 160, 104),
                light=(160, 210, 150),
                dark=(24, 88, 52),
                accent=(250, 250, 240),
            ),
            alt="Abstract illustration: green and white diagonal stripes crossed by track lines",
        ),
    ),
)

STORM_ART = Art(
    motif="waves",
    palette=Palette(
        sky=(70, 80, 96),
        ground=(120, 132, 148),
        light=(140, 160, 176),
        dark=(18, 30, 46),
        accent=(230, 236, 240),
        stormy=True,
    ),
    alt="Abstract illustration: dark, towering waves with white crests under driving rain",
)

AUTHORS: tuple[AuthorSpec, ...] = (
    AuthorSpec(
        slug="morwenna-tregear",
        name="Morwenna Tregear",
        job_title="Editor",
        bio=(
            "Morwenna founded the Harbour Light with three colleagues after the regional daily closed "
            "its Porthaven office. Before that she spent fifteen years as a reporter and news editor on "
            "local papers. She edits the site, writes the Saturday newsletter and answers the newsdesk "
            "phone more often than she would like."
        ),
        account="Editor",
    ),
    AuthorSpec(
        slug="daniel-achterberg",
        name="Daniel Achterberg",
        job_title="City Hall reporter",
        bio=(
            "Daniel covers the council, the harbour trust and local elections. He has sat through more "
            "planning committees than anyone should, and reads the budget papers so you don't have to. "
            "He grew up in Northgate."
        ),
    ),
    AuthorSpec(
        slug="priya-raman",
        name="Priya Raman",
        job_title="Environment correspondent",
        bio=(
            "Priya reports on flooding, water quality, wildlife and the changing coast. She trained as a "
            "marine biologist before turning to journalism, and still swims in the harbour most mornings, "
            "spill map permitting."
        ),
        account="priya",
    ),
    AuthorSpec(
        slug="tomasz-wojcik",
        name="Tomasz Wójcik",
        job_title="Business reporter",
        bio=(
            "Tomasz writes about work and money in the harbour city: the fish market, the shipyard, the "
            "high street and the people trying to make a living in Porthaven. He used to cover shipping "
            "for a trade paper."
        ),
    ),
    AuthorSpec(
        slug="ifeoma-nwosu",
        name="Ifeoma Nwosu",
        job_title="Housing and data reporter",
        bio=(
            "Ifeoma covers housing and renting, and leads the Harbour Light's data reporting, turning "
            "council spreadsheets and public registers into stories. Send her your datasets, your "
            "freedom-of-information replies and your photos of damp."
        ),
    ),
    AuthorSpec(
        slug="carys-penrose",
        name="Carys Penrose",
        job_title="Culture editor",
        bio=(
            "Carys edits the culture pages and reviews theatre, music and exhibitions across Porthaven "
            "and Skerrow. She has walked in every Lantern Night procession since she was old enough to "
            "carry a lantern."
        ),
    ),
    AuthorSpec(
        slug="jack-delahunt",
        name="Jack Delahunt",
        job_title="Sport reporter",
        bio=(
            "Jack follows Porthaven Athletic home and away, and covers the gig rowing, sea swimming and "
            "grassroots sport that rarely reaches the national pages. He still plays five-a-side, badly."
        ),
    ),
    AuthorSpec(
        slug="ruth-abernethy",
        name="Ruth Abernethy",
        job_title="Community reporter",
        bio=(
            "Ruth is the Harbour Light's reader-funded community reporter. She follows up the stories "
            "readers send in: campaigns, closures, and questions nobody else is answering. Her job exists "
            "because readers pay for it."
        ),
    ),
)

# Published on purpose: `masthead demo` prints them for anyone trying the site locally. The
# usernames are people's, not roles': accounts.validators reserves "reader", "editor",
# "moderator" and the like so that nobody can pass for the newsroom, and the demo accounts
# go through the same rules as everyone's.
ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(
        label="Reader",
        username="jenny",
        password="reader-demo-2026",  # noqa: S106 - a published demo password
        role="reader",
        display_name="Jenny Tremayne",
        bio="Eastcliff. Reads the Harbour Light with the first coffee of the day.",
    ),
    # A Premium member: the loader gives this account a complimentary membership (and shows
    # the Supporter badge), so Premium perks such as bookmarks can be tried at once.
    AccountSpec(
        label="Premium reader",
        username="howard",
        password="premium-demo-2026",  # noqa: S106 - a published demo password
        role="reader",
        display_name="Howard Pellow",
        bio="Old Town. Supporter since the first issue.",
        premium=True,
    ),
    AccountSpec(
        label="Moderator",
        username="asha",
        password="moderator-demo-2026",  # noqa: S106 - a published demo password
        role="moderator",
        display_name="Asha Kapoor",
        bio="Looks after the conversation under Harbour Light stories.",
    ),
    AccountSpec(
        label="Editor",
        username="morwenna",
        password="editor-demo-2026",  # noqa: S106 - a published demo password
        role="editor",
        display_name="Morwenna Tregear",
        bio="Editor of the Harbour Light.",
    ),
)

APPEAL = {
    "heading": "Porthaven's news, paid for by Porthaven.",
    "body": (
        "The Harbour Light has no paywall and no owner but its readers. Every council meeting we sit "
        "through, every flood we cover through the night, is paid for by people who can afford to chip "
        "in, so that everyone else can read it for nothing. If you can, support us today, once or "
        "every month."
    ),
    "button_label": "Support the Harbour Light",
}
