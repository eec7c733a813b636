"""The demo newsroom's readers talking: the community under the Harbour Light's stories.

Everything here is invented, like the rest of Porthaven. The loader (``loader.py``) posts
these comments through the comments app's own services as their authors (so moderation,
rate limits and the notification fan-out all apply), has the demo moderator approve what
the moderation pipeline holds for new readers, reacts, features, and follows through the
community's services. Each comment is keyed by ``key`` (sent as its Idempotency-Key, and
looked up before posting), so a second run posts nothing twice.

Each comment's time is ``minutes_after`` the story was published (never later than a few
minutes before the load): the conversation happened over the story's life, replies after
what they answer.
"""

from dataclasses import dataclass

from masthead.newsroom.demo.content import md


@dataclass(frozen=True)
class VoiceSpec:
    """A reader of the demo newsroom who only talks: no password (nobody signs in as them;
    sign in as ``jenny`` or ``howard`` to join in)."""

    username: str
    display_name: str
    bio: str

    @property
    def email(self) -> str:
        return f"{self.username}@harbourlight.example"


@dataclass(frozen=True)
class CommentSpec:
    key: str  # stable and unique: the comment's Idempotency-Key is "demo:<key>"
    author: str  # a username: a demo account, a voice, or the journalist
    minutes_after: int  # after the story's publication
    body: str
    replies: tuple["CommentSpec", ...] = ()
    reactions: tuple[str, ...] = ()  # usernames of the readers who react to it
    featured: bool = False  # the demo moderator features it


@dataclass(frozen=True)
class ThreadSpec:
    article: str  # slug
    comments: tuple[CommentSpec, ...]


# The journalist's own account: linked to her Author page (content.AUTHORS), so her
# comments under her stories carry the "author" badge.
JOURNALIST = VoiceSpec(
    username="priya",
    display_name="Priya Raman",
    bio="Environment correspondent at the Harbour Light. Swims in the harbour, spill map permitting.",
)

VOICES: tuple[VoiceSpec, ...] = (
    JOURNALIST,
    VoiceSpec(
        username="gwyn",
        display_name="Gwyn Trelawney",
        bio="Retired harbour pilot: forty years bringing ships past the Pengarth light.",
    ),
    VoiceSpec(
        username="tamsin",
        display_name="Tamsin Rowe",
        bio="Heron Court, Saltmarsh. Secretary of the tenants' association; allotment on Heron Lane.",
    ),
    VoiceSpec(
        username="nadia",
        display_name="Nadia Haddow",
        bio="Dawn Dipper. Swims off Harbour Beach every morning of the year and checks the spill map first.",
    ),
    VoiceSpec(
        username="oskar",
        display_name="Oskar Lind",
        bio="Welder at Garrow's Yard. Came from Bergen for six months, twelve years ago.",
    ),
    VoiceSpec(
        username="beth",
        display_name="Beth Kitto",
        bio="Primary teacher in Northgate. Makes a lantern every December, never a waterproof one.",
    ),
    VoiceSpec(
        username="femi",
        display_name="Femi Adeyemi",
        bio="Season ticket at the Ropewalk end. Spreadsheets by day, Gulls by Saturday.",
    ),
    VoiceSpec(
        username="rosalind",
        display_name="Rosalind Vean",
        bio="Runs the second-hand bookshop on Fore Street. Old Town born and bred.",
    ),
)

LIVE = "live-storm-surge-porthaven-harbour"

THREADS: tuple[ThreadSpec, ...] = (
    ThreadSpec(
        article=LIVE,
        comments=(
            CommentSpec(
                key="live-gates",
                author="gwyn",
                minutes_after=20,
                body=md("""
                    Forty years as a harbour pilot and I have seen the sea come over the Quayside
                    wall perhaps a dozen times. Never this early in the tide.

                    The gate crews deserve a medal: they had the last section bolted in with the
                    water already round their boots.
                """),
                reactions=("jenny", "nadia", "howard", "tamsin"),
                replies=(
                    CommentSpec(
                        key="live-gates-wharf-road",
                        author="jenny",
                        minutes_after=35,
                        body=md("""
                            We could hear the gates going in from Eastcliff. Is anyone checking on
                            the older people along Wharf Road? My neighbour's mum lives on her own
                            at number 14 and isn't answering her phone.
                        """),
                        replies=(
                            CommentSpec(
                                key="live-gates-wharf-road-desk",
                                author="morwenna",
                                minutes_after=48,
                                body=md("""
                                    Thank you, Jenny. We have passed Wharf Road on to the council's
                                    emergency line, and the rest centre at St Piran's says its
                                    volunteers are knocking on doors there now. If you still can't
                                    reach her, ring the line and give them the address.
                                """),
                                replies=(
                                    CommentSpec(
                                        key="live-gates-wharf-road-safe",
                                        author="jenny",
                                        minutes_after=70,
                                        body="She's fine! Staying at her sister's in Northgate, phone on "
                                        "silent. Thank you for passing it on.",
                                        reactions=("gwyn", "nadia"),
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            CommentSpec(
                key="live-ferry",
                author="oskar",
                minutes_after=90,
                body=md("""
                    No ferry means the island school's teachers can't get across tomorrow either.
                    That is the third time this term. One more reason the Skerrow crossing needs a
                    boat that can sail in more than a stiff breeze.
                """),
                reactions=("femi",),
                replies=(
                    CommentSpec(
                        key="live-ferry-tern",
                        author="femi",
                        minutes_after=110,
                        body=md("""
                            The *Tern* is nearly forty years old. Whatever replaces her, I hope the
                            council asks the people who use the crossing every day, not only the
                            budget committee.
                        """),
                    ),
                ),
            ),
            CommentSpec(
                key="live-strand",
                author="nadia",
                minutes_after=150,
                body=md("""
                    Please, nobody swim tomorrow morning, even if the sun comes out. After a surge
                    like this the overflows by the Strand will have run all night. Check the spill
                    map and give the sea a few days.
                """),
                reactions=("jenny", "gwyn", "beth", "tamsin", "femi"),
                replies=(
                    CommentSpec(
                        key="live-strand-map",
                        author="priya",
                        minutes_after=170,
                        body=md("""
                            Good advice, Nadia. Alder Water's map shows two overflows near the
                            Strand spilling since about six this evening. We will add the first
                            test results to this page as soon as the council publishes them.
                        """),
                    ),
                ),
            ),
        ),
    ),
    ThreadSpec(
        article="council-backs-harbour-flood-barrier",
        comments=(
            CommentSpec(
                key="barrier-saltmarsh",
                author="tamsin",
                minutes_after=60,
                body=md("""
                    Cllr Tallack is right about one thing: on the Saltmarsh it is the drains, not
                    the sea, that flood us. I'm glad the Quayside is getting its gates, but where
                    is the plan for Marsh Lane? We were promised a drainage survey in 2019.
                """),
                reactions=("gwyn", "jenny", "beth"),
                replies=(
                    CommentSpec(
                        key="barrier-saltmarsh-both",
                        author="jenny",
                        minutes_after=95,
                        body=md("""
                            Can't both be true? A barrier at the harbour mouth also stops a surge
                            backing up the river, which is part of what floods the estate. I would
                            still like to see that drainage survey, though. @tamsin, did the
                            council ever say why it stalled?
                        """),
                        reactions=("tamsin", "gwyn", "rosalind", "beth"),
                        replies=(
                            CommentSpec(
                                key="barrier-saltmarsh-meeting",
                                author="tamsin",
                                minutes_after=130,
                                body=md("""
                                    They said it was waiting for the barrier decision. Well, the
                                    barrier is decided now, so we'll be asking at the next
                                    residents' meeting. You'd be very welcome: first Tuesday of
                                    the month, at the community centre.
                                """),
                            ),
                        ),
                    ),
                ),
            ),
            CommentSpec(
                key="barrier-grant",
                author="rosalind",
                minutes_after=200,
                body=md("""
                    £4.9m depending on a grant that said no last time. What happens if it says
                    no again? Do we build half a barrier?
                """),
                replies=(
                    CommentSpec(
                        key="barrier-grant-stages",
                        author="gwyn",
                        minutes_after=240,
                        body=md("""
                            As the engineers explained it at the meeting, the gates can go in
                            two stages. The first stage alone would have kept the water off the
                            Quayside in two of the last three floods.
                        """),
                        reactions=("rosalind",),
                    ),
                ),
            ),
        ),
    ),
    ThreadSpec(
        article="saltmarsh-estate-damp-survey",
        comments=(
            CommentSpec(
                key="damp-heron-court",
                author="tamsin",
                minutes_after=45,
                body=md("""
                    I live in Heron Court. What the survey says about cold bridging is exactly
                    what tenants have told the council for years: it isn't drying washing
                    indoors, it's the concrete.

                    Painting over the mould every winter costs more in the end than fixing it
                    once. Thank you for getting this report out where tenants can read it.
                """),
                reactions=("jenny", "howard", "beth", "rosalind", "nadia", "gwyn"),
                featured=True,
                replies=(
                    CommentSpec(
                        key="damp-heron-court-winter",
                        author="howard",
                        minutes_after=80,
                        body=md("""
                            Well put. Ten years for the whole programme seems long, but the 41
                            worst homes, at £1.1m, should be done this winter, not "within weeks"
                            of an action plan.
                        """),
                        reactions=("tamsin",),
                    ),
                ),
            ),
        ),
    ),
    ThreadSpec(
        article="seagrass-planting-alder-estuary",
        comments=(
            CommentSpec(
                key="seagrass-swimmers",
                author="nadia",
                minutes_after=100,
                body=md("""
                    We swim past the marker buoys most mornings: lovely to know what is going on
                    under our feet. Is there anything swimmers should avoid near the planted
                    patch?
                """),
                reactions=("beth", "gwyn"),
                replies=(
                    CommentSpec(
                        key="seagrass-swimmers-anchors",
                        author="priya",
                        minutes_after=130,
                        body=md("""
                            Mostly: don't stand on it at low tide, and keep boats and anchors
                            off the marked area. The trust is putting up a sign by the slipway
                            next month, with a map.
                        """),
                        reactions=("nadia",),
                        replies=(
                            CommentSpec(
                                key="seagrass-swimmers-thanks",
                                author="nadia",
                                minutes_after=160,
                                body="Thank you! I'll pass that on to the Dawn Dippers.",
                            ),
                        ),
                    ),
                ),
            ),
            CommentSpec(
                key="seagrass-classroom",
                author="beth",
                minutes_after=240,
                body=md("""
                    My class has been growing seagrass in a tank this term, so this story went
                    straight up on the whiteboard. I now have thirty eight-year-olds who want to
                    be marine ecologists.
                """),
                reactions=("nadia", "jenny", "rosalind"),
            ),
        ),
    ),
    ThreadSpec(
        article="garrows-yard-electric-ferries-order",
        comments=(
            CommentSpec(
                key="ferries-bergen",
                author="oskar",
                minutes_after=40,
                body=md("""
                    Proud day at the yard. I came here from Bergen twelve years ago on a
                    six-month contract, and now we are building boats for the fjords back home.
                    The apprentices cheered louder than anyone.
                """),
                reactions=("femi", "rosalind", "jenny", "howard", "gwyn"),
                replies=(
                    CommentSpec(
                        key="ferries-bergen-grandfather",
                        author="howard",
                        minutes_after=70,
                        body="Congratulations to everyone at Garrow's. My grandfather riveted hulls "
                        "there in the fifties; he would have been delighted.",
                        reactions=("oskar",),
                    ),
                ),
            ),
            CommentSpec(
                key="ferries-cable",
                author="femi",
                minutes_after=120,
                body=md("""
                    The story says charging on Skerrow would need a new cable from the mainland.
                    Has anyone seen an estimate of what that would cost? The island's power
                    already goes off in every big storm.
                """),
            ),
        ),
    ),
    ThreadSpec(
        article="lantern-night-crowdfunder",
        comments=(
            CommentSpec(
                key="lantern-schools",
                author="beth",
                minutes_after=30,
                body=md("""
                    1,437 people! Our school is one of the four getting workshops for the first
                    time, and the children are already arguing about whether to make fish or
                    lighthouses.
                """),
                reactions=("jenny", "tamsin", "howard"),
                replies=(
                    CommentSpec(
                        key="lantern-schools-lighthouses",
                        author="rosalind",
                        minutes_after=55,
                        body="Lighthouses, obviously. The bookshop will have lantern-making books in "
                        "the window from next week, and the first ten children through the door get "
                        "one free.",
                        reactions=("beth",),
                    ),
                ),
            ),
            CommentSpec(
                key="lantern-grown-ups",
                author="jenny",
                minutes_after=90,
                body=md("""
                    Donated on the second day: the best tenner I've spent all year. @beth, can
                    grown-ups come to the workshops too, or are they only for schools?
                """),
                replies=(
                    CommentSpec(
                        key="lantern-grown-ups-welcome",
                        author="beth",
                        minutes_after=120,
                        body=md("""
                            The public workshops are for everyone! In my experience grown-ups make
                            the most ambitious lanterns, and the least waterproof.
                        """),
                        reactions=("jenny",),
                    ),
                ),
            ),
        ),
    ),
    ThreadSpec(
        article="gulls-top-after-late-winner",
        comments=(
            CommentSpec(
                key="gulls-ropewalk",
                author="femi",
                minutes_after=20,
                body=md("""
                    Best afternoon at the Ropewalk in years. Blewett was immense all game, even
                    before the header. Pryor is right not to get carried away, but I'm allowed to.
                """),
                reactions=("howard", "jenny", "oskar"),
                replies=(
                    CommentSpec(
                        key="gulls-ropewalk-yard",
                        author="oskar",
                        minutes_after=45,
                        body="We heard the roar from the yard. Top of the league and two electric ferries "
                        "in one week: not a bad time to live in Porthaven.",
                        reactions=("femi",),
                    ),
                ),
            ),
        ),
    ),
    ThreadSpec(
        article="harbour-beach-swimming-advice-lifted",
        comments=(
            CommentSpec(
                key="swimming-fast-tests",
                author="nadia",
                minutes_after=30,
                body=md("""
                    Hannah speaks for all of us. A test that takes three days to tell you the sea
                    was dirty last week is not a warning system. Faster tests exist: the council
                    should find the money for them in the budget.
                """),
                reactions=("jenny", "beth", "tamsin"),
            ),
        ),
    ),
)

# (follower, followed). The demo reader jenny follows three voices, so her Following feed
# has their comments; two of them follow her back (her bell says so).
FOLLOWS: tuple[tuple[str, str], ...] = (
    ("jenny", "gwyn"),
    ("jenny", "nadia"),
    ("jenny", "tamsin"),
    ("gwyn", "jenny"),
    ("nadia", "jenny"),
    ("howard", "rosalind"),
    ("howard", "gwyn"),
    ("tamsin", "nadia"),
    ("femi", "oskar"),
    ("oskar", "femi"),
    ("beth", "rosalind"),
    ("rosalind", "beth"),
    ("nadia", "priya"),
)

# Posted after the follows: what the readers following its author hear about (jenny's bell
# has "Gwyn Trelawney commented on …").
LATER: tuple[ThreadSpec, ...] = (
    ThreadSpec(
        article=LIVE,
        comments=(
            CommentSpec(
                key="live-high-water-passed",
                author="gwyn",
                minutes_after=320,
                body=md("""
                    High water has passed on the harbour office gauge and the wind is backing
                    westerly. The worst should be over for tonight. Thank you to everyone who was
                    out in it.
                """),
                reactions=("nadia", "jenny"),
            ),
        ),
    ),
)
