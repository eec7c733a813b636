"""How much a reader's report weighs, from how their past reports fared.

A report counts 1 towards the reported-queue threshold (``report_threshold``, default 3)
while the reader's reports are mostly upheld. Once a moderator has decided at least
``MIN_DECIDED`` of the comments they reported, a reader whose reports were mostly
dismissed (the moderator kept the comment: "rejected as invalid") weighs less: full weight
up to half dismissed, then falling in a straight line to ``FLOOR`` when every one was
dismissed. A serial reporter can still flag a comment, alongside readers in good standing;
they can no longer pull a comment into the queue on their own.

=====================  ========
dismissed / decided    weight
=====================  ========
fewer than 5 decided   1.0
0 to 50 %              1.0
75 %                   0.5
90 %                   0.2
95 to 100 %            0.1
=====================  ========
"""

MIN_DECIDED = 5
FLOOR = 0.1
# Comparing summed float weights with a whole-number threshold: 0.1 + 0.2 + … may land a hair
# under what it should.
EPSILON = 1e-9


def report_weight(*, upheld: int, dismissed: int) -> float:
    decided = upheld + dismissed
    if decided < MIN_DECIDED:
        return 1.0
    dismissed_share = dismissed / decided
    return round(max(FLOOR, min(1.0, 2.0 * (1.0 - dismissed_share))), 4)


def reaches(weight: float, threshold: float) -> bool:
    return weight + EPSILON >= threshold
