"""Toxicity scorers: one interface, a local model by default, an external service if wanted.

A scorer rates texts from 0 (civil) to 1 (abusive). It answers :meth:`score_many` with one
float per text or raises :class:`ScorerUnavailable`; the toxicity rule then holds the
comment for a moderator (fail open to *pending*: nothing is published unscored, nothing is
rejected because a service was down).

``MODERATION_SCORER`` picks one: ``local`` (default, :class:`LocalModelScorer`),
``perspective`` (:class:`PerspectiveScorer`), ``none`` (no toxicity rule), or the dotted
path of a class of your own. To add one, write a class with a ``name`` and a
``score_many(texts) -> list[float]`` and either name it by its dotted path or
:func:`register_scorer` it under a short name (docs/moderation.md, "Adding a scorer").
"""

import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from functools import cache
from typing import NoReturn, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("masthead.moderation")


class ScorerUnavailable(Exception):
    """The scorer could not rate the text (down, slow, misconfigured, answered nonsense)."""


@runtime_checkable
class ToxicityScorer(Protocol):
    name: str

    def score_many(self, texts: Sequence[str]) -> list[float]:
        """One score in [0, 1] per text, in order; raises ScorerUnavailable."""
        ...


class Scorer:
    """Convenience base: ``score`` for one text, ``warm`` to load ahead of traffic."""

    name = "scorer"

    def score_many(self, texts: Sequence[str]) -> list[float]:  # pragma: no cover - abstract
        raise NotImplementedError

    def score(self, text: str) -> float:
        return self.score_many([text])[0]

    def warm(self) -> None:
        """Load whatever the scorer needs, so the first comment does not wait for it."""


# --- The local model.


class _LinearModel:
    """alt-profanity-check's model (TF-IDF → five sigmoid-calibrated linear SVMs, averaged)
    computed directly. scikit-learn's ``transform`` + ``predict_proba`` validate their input
    and convert formats on every call, ~3 ms for one comment; the same arithmetic on the
    few words of one comment takes ~0.1 ms. The result is checked at load against
    ``predict_proba`` (to 1e-9), else the library's own path is used."""

    def __init__(self, vectorizer, model) -> None:
        import numpy as np

        self._np = np
        self.vectorizer = vectorizer
        self.model = model
        if (
            vectorizer.norm != "l2"
            or vectorizer.sublinear_tf
            or not vectorizer.use_idf
            or vectorizer.binary
            or vectorizer.analyzer != "word"
        ):
            raise TypeError("not the plain word TF-IDF this path reproduces")
        calibrated = model.calibrated_classifiers_
        if any(c.method != "sigmoid" or len(c.calibrators) != 1 for c in calibrated):
            raise TypeError("not a binary, sigmoid-calibrated linear model")
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=float)
        self.coef = np.vstack([c.estimator.coef_.ravel() for c in calibrated]).T  # (features, k)
        self.intercept = np.array([c.estimator.intercept_[0] for c in calibrated])
        self.a = np.array([c.calibrators[0].a_ for c in calibrated])
        self.b = np.array([c.calibrators[0].b_ for c in calibrated])

    def _decision(self, text: str):
        np = self._np
        counts: dict[int, int] = {}
        for token in self.analyze(text):
            index = self.vocabulary.get(token)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return self.intercept
        indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=float, count=len(counts)) * self.idf[indices]
        weights /= np.sqrt(weights @ weights)
        return weights @ self.coef[indices] + self.intercept

    def fast(self, texts: Sequence[str]):
        np = self._np
        decision = np.array([self._decision(text) for text in texts]).reshape(len(texts), -1)  # (n, k)
        return (1.0 / (1.0 + np.exp(self.a * decision + self.b))).mean(axis=1)

    def reference(self, texts: Sequence[str]):
        return self.model.predict_proba(self.vectorizer.transform(texts))[:, 1]


class LocalModelScorer(Scorer):
    """alt-profanity-check (PyPI ``alt-profanity-check``): a scikit-learn model trained on
    ~200k human-labelled comments, shipped inside the package. No network, no download.
    Loaded once per process (~1.5 s; ~130 MB with NumPy, SciPy and scikit-learn), on first use
    or :meth:`warm`."""

    name = "local"
    _lock = threading.Lock()
    _loaded: Callable[[Sequence[str]], Sequence[float]] | None = None

    def warm(self) -> None:
        self._model()

    @classmethod
    def _model(cls) -> Callable[[Sequence[str]], Sequence[float]]:
        if cls._loaded is None:
            with cls._lock:
                if cls._loaded is None:
                    cls._loaded = cls._load()
        return cls._loaded

    @staticmethod
    def _load() -> Callable[[Sequence[str]], Sequence[float]]:
        try:
            from profanity_check import profanity_check as package
        except Exception as exc:  # ImportError, or a model file scikit-learn cannot read
            raise ScorerUnavailable(f"the local model (alt-profanity-check) did not load: {exc}") from exc
        try:
            model = _LinearModel(package.vectorizer, package.model)
            probe = [
                "a perfectly civil remark about the ferry timetable",
                "you are a stupid idiot, a STUPID idiot",
                "",
                "zzzz qqqq",  # no known word
            ]
            if max(abs(x - y) for x, y in zip(model.fast(probe), model.reference(probe), strict=True)) > 1e-9:
                raise ValueError("fast path disagrees with predict_proba")
        except (AttributeError, TypeError, ValueError, IndexError) as exc:
            # A future version shaped differently: correct, only slower.
            log.info("Local toxicity model: using scikit-learn's predict_proba (%s)", exc)
            return lambda texts: package.predict_prob(list(texts))
        return model.fast

    def score_many(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        return [float(x) for x in self._model()(list(texts))]


# --- Perspective (an external service, as an example adapter).

PERSPECTIVE_DEFAULT_URL = "https://commentanalyzer.googleapis.com/v1alpha1/comments:analyze"
_MAX_RESPONSE_BYTES = 256 * 1024


class PerspectiveScorer(Scorer):
    """Perspective's ``comments:analyze``: POST ``{comment: {text}, requestedAttributes:
    {TOXICITY: {}}}``, read ``attributeScores.TOXICITY.summaryScore.value``.

    Every failure — a timeout (``timeout`` seconds per network operation), a refused
    connection, an HTTP error, a body that is not the expected JSON — raises
    ScorerUnavailable, so the comment goes to the moderators. After a failure the scorer
    stops calling for ``backoff`` seconds (each comment in that time is held at once rather
    than waiting for another timeout).
    """

    name = "perspective"

    def __init__(
        self,
        *,
        api_key: str,
        url: str = PERSPECTIVE_DEFAULT_URL,
        timeout: float = 2.0,
        backoff: float = 30.0,
        languages: Sequence[str] = ("en",),
    ) -> None:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"PERSPECTIVE_URL must be an http(s) address, not {url!r}")
        self.api_key = api_key
        self.url = url
        self.timeout = timeout
        self.backoff = backoff
        self.languages = list(languages)
        self._down_until = 0.0
        self._opener = urllib.request.build_opener()

    @classmethod
    def from_settings(cls) -> "PerspectiveScorer":
        return cls(
            api_key=settings.PERSPECTIVE_API_KEY,
            url=settings.PERSPECTIVE_URL,
            timeout=settings.PERSPECTIVE_TIMEOUT,
            backoff=settings.PERSPECTIVE_BACKOFF_SECONDS,
            languages=settings.PERSPECTIVE_LANGUAGES,
        )

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [self._score(text) for text in texts]  # the API rates one comment per request

    def _request(self, text: str) -> urllib.request.Request:
        payload = {
            "comment": {"text": text},
            "requestedAttributes": {"TOXICITY": {}},
            "languages": self.languages,
            "doNotStore": True,
        }
        url = self.url
        if self.api_key:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"key": self.api_key})
        # The scheme was checked in __init__ (http or https only).
        return urllib.request.Request(  # noqa: S310
            url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )

    def _score(self, text: str) -> float:
        if time.monotonic() < self._down_until:
            raise ScorerUnavailable("Perspective failed moments ago; not retried yet")
        try:
            with self._opener.open(self._request(text), timeout=self.timeout) as response:
                body = response.read(_MAX_RESPONSE_BYTES + 1)
            if len(body) > _MAX_RESPONSE_BYTES:
                raise ValueError("response too large")
            value = json.loads(body)["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"score out of range: {value!r}")
        except urllib.error.HTTPError as exc:
            self._failed(f"HTTP {exc.code}")
        except (OSError, http.client.HTTPException) as exc:  # timeouts, refused, reset, bad HTTP
            self._failed(f"{type(exc).__name__}: {exc}")
        except (ValueError, KeyError, TypeError) as exc:  # not JSON, or not Perspective's shape
            self._failed(f"unexpected answer: {exc}")
        return float(value)

    def _failed(self, why: str) -> NoReturn:
        self._down_until = time.monotonic() + self.backoff
        log.warning("Perspective scorer unavailable: %s", why)
        raise ScorerUnavailable(f"Perspective: {why}")


# --- Choosing one.

_SCORERS: dict[str, Callable[[], ToxicityScorer]] = {
    "local": LocalModelScorer,
    "perspective": PerspectiveScorer.from_settings,
}


def register_scorer(name: str, factory: Callable[[], ToxicityScorer]) -> None:
    """Make ``MODERATION_SCORER=name`` build a scorer with ``factory()``."""
    _SCORERS[name] = factory


def scorer_names() -> list[str]:
    return [*_SCORERS, "none"]


@cache
def _build(name: str) -> ToxicityScorer | None:
    if name in ("", "none", "off"):
        return None
    factory = _SCORERS.get(name) or import_string(name)
    scorer = factory()
    if not isinstance(scorer, ToxicityScorer):
        raise TypeError(f"MODERATION_SCORER={name!r} built {scorer!r}, which has no name/score_many")
    return scorer


def get_scorer() -> ToxicityScorer | None:
    """The configured scorer (one instance per process), or None when scoring is off."""
    return _build(settings.MODERATION_SCORER)


def reset() -> None:
    """Forget built scorers (settings changed: tests, or an operator in a shell)."""
    _build.cache_clear()
