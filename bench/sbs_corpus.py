# ruff: noqa: S311 (seeded generators on purpose: the same thread every run)
"""The conversation every system in the side-by-side benchmark is fed: generated, not copied.

``thread(n, seed)`` returns ``n`` comments in posting order, each a dict ``{"i", "parent",
"author", "body"}`` (``parent`` is the index of an earlier top-level comment, or None).
The same seed gives the same thread, byte for byte, so Masthead and Isso hold the same
words in the same shape.

Shape: 40% top-level comments, 60% replies. Replies go to a top-level comment chosen by
preferential attachment (a Pólya urn: a comment that already has replies draws more), as
on a big story where a few sub-threads run long and most comments get none. Replies are
one level deep, the one shape both systems keep alike (Isso files a reply to a reply
under the top-level comment). Bodies are about 300 characters (200 to 420) of sentences
assembled from word lists about a local-news story, with occasional emphasis and a second
paragraph: the Markdown subset both systems render.
"""

import random

TOP_LEVEL_SHARE = 0.4
URN_WEIGHT = 0.6  # a top-level comment's weight in the urn starts here, +1 per reply it gets

_SUBJECTS = [
    "The council", "The harbour board", "The ferry company", "My neighbour", "The planning committee",
    "Our school", "The fishing co-op", "The old mill's owner", "The bus operator", "The mayor",
    "The lifeboat crew", "The allotment society", "The tenants' association", "The new landlord",
    "The library", "The market traders", "Everyone on my street", "The harbourmaster",
]  # fmt: skip
_VERBS = [
    "should have published", "never explained", "quietly dropped", "finally admitted", "underestimated",
    "keeps postponing", "deserves credit for", "ought to reconsider", "has misread", "paid too much for",
    "was right about", "forgot to mention", "voted against", "asked nobody about", "rushed through",
]  # fmt: skip
_OBJECTS = [
    "the sea wall repairs", "the parking charges", "the winter timetable", "the flood survey",
    "the rent figures", "the consultation results", "the new quay", "the budget for the pool",
    "the traffic count", "the bridge inspection", "the ferry subsidy", "the housing list",
    "the footpath closure", "the harbour dredging", "the evening bus", "the market licence fees",
]  # fmt: skip
_TAILS = [
    "and that matters more than the article lets on.", "which is the real story here.",
    "if you read the minutes closely.", "as anyone who lives by the harbour knows.",
    "and nobody seems to be asking why.", "though I am glad someone finally wrote it up.",
    "and the figures in the third paragraph back that up.", "so I would like to see the follow-up.",
    "which will hit the older residents hardest.", "and the numbers have not changed since spring.",
]  # fmt: skip
_OPENERS = [
    "I have lived here for twenty years.", "Good reporting, but one thing is missing.",
    "This is the third time this year.", "Thanks for covering this.", "I was at the meeting.",
    "Not sure I agree with the previous comment.", "Worth remembering how we got here.",
    "Fair point, though the detail matters.", "My family runs a shop on the front.",
]  # fmt: skip
_EMPHASIS = ["really", "still", "never", "every single", "not once", "entirely"]


def _sentence(rng: random.Random) -> str:
    obj = rng.choice(_OBJECTS)
    if rng.random() < 0.15:
        obj = f"*{rng.choice(_EMPHASIS)}* {obj}" if rng.random() < 0.5 else f"**{obj}**"
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {obj}, {rng.choice(_TAILS)}"


def body(rng: random.Random, number: int) -> str:
    """About 300 characters; ``number`` makes every body unique (no two comments repeat)."""
    target = rng.randint(200, 420)
    parts = [rng.choice(_OPENERS)] if rng.random() < 0.6 else []
    while sum(len(p) + 1 for p in parts) < target - 60:
        parts.append(_sentence(rng))
    text = " ".join(parts)
    if len(parts) > 2 and rng.random() < 0.3:
        cut = text.find(". ", len(text) // 2)
        if cut > 0:
            text = text[: cut + 1] + "\n\n" + text[cut + 2 :]
    return f"{text} ({number})"


def thread(n: int = 10_000, seed: int = 2026, authors: int = 400) -> list[dict]:
    rng = random.Random(seed)
    out: list[dict] = []
    tops: list[int] = []  # indexes of top-level comments
    weights: list[float] = []  # their weights in the urn
    total = 0.0
    for i in range(n):
        parent = None
        if tops and rng.random() >= TOP_LEVEL_SHARE:
            pick = rng.random() * total
            acc = 0.0
            slot = 0
            while slot < len(weights) - 1 and acc + weights[slot] < pick:  # linear: fine for 10k
                acc += weights[slot]
                slot += 1
            parent = tops[slot]
            weights[slot] += 1.0
            total += 1.0
        else:
            tops.append(i)
            weights.append(URN_WEIGHT)
            total += URN_WEIGHT
        out.append({"i": i, "parent": parent, "author": rng.randrange(authors), "body": body(rng, i)})
    return out


def shape(comments: list[dict]) -> dict:
    """Figures about a thread's shape, for the report."""
    replies: dict[int, int] = {}
    for c in comments:
        if c["parent"] is not None:
            replies[c["parent"]] = replies.get(c["parent"], 0) + 1
    top = sum(1 for c in comments if c["parent"] is None)
    lengths = sorted(len(c["body"]) for c in comments)
    return {
        "comments": len(comments),
        "top_level": top,
        "replies": len(comments) - top,
        "top_level_with_replies": len(replies),
        "top_level_with_more_than_3_replies": sum(1 for v in replies.values() if v > 3),
        "most_replies": max(replies.values(), default=0),
        "body_chars_median": lengths[len(lengths) // 2],
        "body_chars_min": lengths[0],
        "body_chars_max": lengths[-1],
    }


if __name__ == "__main__":
    import json

    t = thread()
    print(json.dumps(shape(t), indent=1))
    print(t[0]["body"])
    print(t[5]["body"])
