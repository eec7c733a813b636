"""The toxicity scorers: the local model offline, and Perspective against a fake server."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from masthead.moderation import scorers
from masthead.moderation.config import ModerationConfig
from masthead.moderation.pipeline import PENDING, Draft, assess
from masthead.moderation.scorers import (
    LocalModelScorer,
    PerspectiveScorer,
    ScorerUnavailable,
    ToxicityScorer,
    get_scorer,
    register_scorer,
)

# --- The local model (alt-profanity-check), no network.


@pytest.fixture(scope="module")
def local():
    scorer = LocalModelScorer()
    scorer.warm()
    return scorer


def test_local_model_loads_and_scores_offline(local):
    civil, abusive = local.score_many(
        ["The council should reopen the baths next summer.", "You are a fucking idiot and a liar"]
    )
    assert 0.0 <= civil < 0.3
    assert 0.9 < abusive <= 1.0


def test_local_fast_path_gives_the_libraries_own_numbers(local):
    from profanity_check import profanity_check as package

    texts = ["Ferry late again", "what a load of shit", "go to hell you moron", "", "Lovely regatta"]
    expected = package.predict_prob(texts)
    assert local.score_many(texts) == pytest.approx(list(expected), abs=1e-9)


def test_local_model_batches(local):
    texts = [f"comment number {n} about the harbour" for n in range(500)]
    started = time.perf_counter()
    scores = local.score_many(texts)
    assert len(scores) == 500
    assert time.perf_counter() - started < 2.0  # a batch is one matrix product
    assert local.score_many([]) == []
    assert local.score("You idiot") > 0.8


def test_local_model_is_a_toxicity_scorer(local):
    assert isinstance(local, ToxicityScorer)
    assert local.name == "local"


def test_a_missing_model_package_is_unavailable(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_profanity_check(name, *args, **kwargs):
        if name.startswith("profanity_check"):
            raise ImportError("No module named 'profanity_check'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_profanity_check)
    with pytest.raises(ScorerUnavailable, match="did not load"):
        LocalModelScorer._load()


# --- Perspective, against a fake server on 127.0.0.1.


class FakePerspective(BaseHTTPRequestHandler):
    behaviour = "ok"  # ok, slow, error, malformed, wrong_shape, out_of_range
    score = 0.42
    requests: list[dict] = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        type(self).requests.append({"path": self.path, "body": body, "type": self.headers["Content-Type"]})
        behaviour = type(self).behaviour
        if behaviour == "slow":
            time.sleep(1.0)
        if behaviour == "error":
            self._send(500, b'{"error": {"code": 500, "message": "backend error"}}')
            return
        if behaviour == "malformed":
            self._send(200, b'{"attributeScores": {"TOXICITY": ')
            return
        if behaviour == "wrong_shape":
            self._send(200, json.dumps({"attributeScores": {"INSULT": {}}}).encode())
            return
        value = 7 if behaviour == "out_of_range" else type(self).score
        answer = {
            "attributeScores": {
                "TOXICITY": {
                    "spanScores": [{"begin": 0, "end": 10, "score": {"value": value, "type": "PROBABILITY"}}],
                    "summaryScore": {"value": value, "type": "PROBABILITY"},
                }
            },
            "languages": ["en"],
            "detectedLanguages": ["en"],
        }
        self._send(200, json.dumps(answer).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def perspective(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    FakePerspective.behaviour = "ok"
    FakePerspective.score = 0.42
    FakePerspective.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePerspective)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1alpha1/comments:analyze"
    yield url
    server.shutdown()
    server.server_close()


def make(url: str, **options) -> PerspectiveScorer:
    options = {"api_key": "test-key", "timeout": 0.3, "backoff": 0.0, **options}
    return PerspectiveScorer(url=url, **options)


def test_perspective_success_reads_the_summary_score(perspective):
    assert make(perspective).score("The ferry is late again") == 0.42

    (request,) = FakePerspective.requests
    assert request["path"] == "/v1alpha1/comments:analyze?key=test-key"
    assert request["type"] == "application/json"
    assert request["body"] == {
        "comment": {"text": "The ferry is late again"},
        "requestedAttributes": {"TOXICITY": {}},
        "languages": ["en"],
        "doNotStore": True,
    }


def test_perspective_scores_many_one_request_each(perspective):
    assert make(perspective).score_many(["one", "two"]) == [0.42, 0.42]
    assert [r["body"]["comment"]["text"] for r in FakePerspective.requests] == ["one", "two"]


@pytest.mark.parametrize(
    ("behaviour", "why"),
    [
        ("slow", "timed out"),
        ("error", "HTTP 500"),
        ("malformed", "unexpected answer"),
        ("wrong_shape", "unexpected answer"),
        ("out_of_range", "out of range"),
    ],
)
def test_perspective_failures_are_unavailable(perspective, behaviour, why):
    FakePerspective.behaviour = behaviour
    started = time.perf_counter()
    with pytest.raises(ScorerUnavailable, match=why):
        make(perspective).score("text")
    assert time.perf_counter() - started < 0.9  # the timeout, not the slow server, decides


@pytest.mark.parametrize("behaviour", ["slow", "error", "malformed"])
def test_perspective_failure_holds_the_comment_as_pending(perspective, behaviour):
    FakePerspective.behaviour = behaviour
    decision = assess(
        Draft(body="A civil remark", author_id=1, article_id=1),
        config=ModerationConfig.build(),
        scorer=make(perspective),
    )

    assert decision.status == PENDING
    assert decision.rules == ["toxicity"]
    assert decision.reasons[0].detail.startswith("scorer unavailable: Perspective")
    assert not decision.revise_suggested


def test_perspective_high_score_asks_to_revise(perspective):
    FakePerspective.score = 0.97
    decision = assess(
        Draft(body="You lot are useless", author_id=1, article_id=1),
        config=ModerationConfig.build(),
        scorer=make(perspective),
    )

    assert decision.revise_suggested
    assert decision.score == 0.97
    assert decision.scorer == "perspective"


def test_perspective_refused_connection_is_unavailable():
    scorer = PerspectiveScorer(api_key="k", url="http://127.0.0.1:9/analyze", timeout=0.3, backoff=0)
    with pytest.raises(ScorerUnavailable):
        scorer.score("text")


def test_perspective_backs_off_after_a_failure(perspective):
    FakePerspective.behaviour = "error"
    scorer = make(perspective, backoff=60)
    with pytest.raises(ScorerUnavailable, match="HTTP 500"):
        scorer.score("one")
    FakePerspective.behaviour = "ok"
    with pytest.raises(ScorerUnavailable, match="not retried yet"):
        scorer.score("two")
    assert len(FakePerspective.requests) == 1


def test_perspective_only_speaks_http():
    with pytest.raises(ValueError, match="http"):
        PerspectiveScorer(api_key="k", url="file:///etc/passwd")


# --- Choosing a scorer.


def test_scorer_chosen_by_setting(settings, perspective):
    settings.MODERATION_SCORER = "local"
    assert isinstance(get_scorer(), LocalModelScorer)
    assert get_scorer() is get_scorer()  # one per process

    settings.MODERATION_SCORER = "perspective"
    settings.PERSPECTIVE_API_KEY = "from-settings"
    settings.PERSPECTIVE_URL = perspective
    scorers.reset()
    scorer = get_scorer()
    assert isinstance(scorer, PerspectiveScorer)
    assert scorer.score("x") == 0.42
    assert FakePerspective.requests[0]["path"].endswith("?key=from-settings")

    settings.MODERATION_SCORER = "none"
    assert get_scorer() is None


def test_a_scorer_of_your_own_by_dotted_path_or_registered_name(settings):
    settings.MODERATION_SCORER = "tests.moderation.conftest.FixedScorer"
    assert get_scorer().name == "fixed"

    register_scorer(
        "always_fine", lambda: __import__("tests.moderation.conftest").moderation.conftest.FixedScorer(0.0)
    )
    settings.MODERATION_SCORER = "always_fine"
    assert get_scorer().score_many(["x"]) == [0.0]


def test_a_class_without_the_interface_is_refused(settings):
    settings.MODERATION_SCORER = "collections.OrderedDict"
    with pytest.raises(TypeError, match="score_many"):
        get_scorer()
