"""Alerts: JSON messages POSTed to a real local webhook server."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.worlds import AS_OF
from virage.tasks import alerts

SECRET_PATH = "/hooks/T000/B000/do-not-log-this-token"


@dataclass
class Webhook:
    """A chat webhook stand-in: answers with the queued statuses (then 200) and keeps
    every JSON body it was sent."""

    url: str
    statuses: list[int] = field(default_factory=list)
    bodies: list[dict] = field(default_factory=list)


@contextmanager
def webhook(*statuses: int) -> Iterator[Webhook]:
    state: dict[str, Webhook] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hook = state["hook"]
            length = int(self.headers.get("Content-Length", 0))
            hook.bodies.append(json.loads(self.rfile.read(length)))
            status = hook.statuses.pop(0) if hook.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = httpd.server_address[:2]
    state["hook"] = Webhook(f"http://{host}:{port}{SECRET_PATH}", list(statuses))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state["hook"]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_configured_alerts(monkeypatch) -> None:
    for name in (
        alerts.URL_VARIABLE,
        alerts.SECRET_VARIABLE,
        alerts.FORMAT_VARIABLE,
        alerts.SHARE_VARIABLE,
    ):
        monkeypatch.delenv(name, raising=False)


FAILURE = alerts.failure_alert(
    "nightly-scores", "blue-otter", "Failed", "ValueError: boom", "http://ui/runs/flow-run/1"
)


def test_a_slack_message_is_posted_and_the_url_never_logged(caplog):
    caplog.set_level(logging.DEBUG)
    with webhook() as hook:
        assert alerts.send_alert(FAILURE, hook.url, backoff=0.01)
    [body] = hook.bodies
    assert set(body) == {"text"}
    assert "*virage: nightly-scores run blue-otter failed*" in body["text"]
    assert "error: ValueError: boom" in body["text"]
    assert "<http://ui/runs/flow-run/1|" in body["text"]
    assert "do-not-log-this-token" not in caplog.text
    assert "alert sent" in caplog.text


def test_a_teams_message_carries_an_adaptive_card(monkeypatch):
    monkeypatch.setenv(alerts.FORMAT_VARIABLE, "teams")
    with webhook() as hook:
        assert alerts.send_alert(FAILURE, hook.url, backoff=0.01)
    [body] = hook.bodies
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["error"] == "ValueError: boom"
    assert card["actions"][0]["url"] == "http://ui/runs/flow-run/1"


def test_the_style_follows_the_webhook_host():
    assert alerts.guess_style("https://hooks.slack.com/services/x") == "slack"
    assert alerts.guess_style("https://acme.webhook.office.com/webhookb2/x") == "teams"
    assert alerts.guess_style("https://prod-1.westeurope.logic.azure.com/workflows/x") == "teams"


def test_a_busy_webhook_is_tried_again_and_a_refusal_is_final(caplog):
    with webhook(503, 429) as hook:
        assert alerts.send_alert(FAILURE, hook.url, backoff=0.01)
    assert len(hook.bodies) == 3
    caplog.set_level(logging.DEBUG)
    with webhook(404, 404) as hook:
        assert not alerts.send_alert(FAILURE, hook.url, backoff=0.01)
    assert len(hook.bodies) == 1
    assert "HTTP 404" in caplog.text
    assert "do-not-log-this-token" not in caplog.text


def test_an_unreachable_webhook_is_logged_not_raised(caplog):
    with webhook() as hook:
        url = hook.url
    caplog.set_level(logging.DEBUG)  # the server is gone: connection refused
    assert not alerts.send_alert(FAILURE, url, attempts=2, backoff=0.01)
    assert "ConnectError" in caplog.text
    assert "do-not-log-this-token" not in caplog.text


def test_no_webhook_configured_means_no_alert(caplog):
    caplog.set_level(logging.INFO)
    assert alerts.webhook_url() is None
    assert not alerts.send_alert(FAILURE)
    assert "no webhook configured" in caplog.text


def test_the_quarantine_share_decides(monkeypatch):
    summary = {
        "as_of": "2026-11-20",
        "rows_read": 200,
        "rows_quarantined": 8,
        "rows_held_back": 4,
        "quarantined_by_rule": {"bad_count": 8},
        "warehouse": "sqlite:///w.db",
    }
    share = (8 + 4) / 200
    assert alerts.quarantine_share(summary) == share
    assert alerts.quarantine_alert(summary, threshold=share) is None
    found = alerts.quarantine_alert(summary, threshold=share - 0.01)
    assert found is not None and not found.failed
    assert "6.0% of rows quarantined" in found.title
    assert alerts.quarantine_share({**summary, "rows_read": 0}) == 0.0
    monkeypatch.setenv(alerts.SHARE_VARIABLE, "0.2")
    assert alerts.quarantine_threshold() == 0.2
    monkeypatch.setenv(alerts.SHARE_VARIABLE, "20%")  # not a share: the default holds
    assert alerts.quarantine_threshold() == alerts.DEFAULT_QUARANTINE_SHARE


@pytest.mark.flow
def test_a_failed_night_alerts_and_still_fails(prefect_api_url, tmp_path: Path, monkeypatch):
    from virage.flows.nightly import nightly_scores

    with webhook(500, 500, 500) as hook:  # the alert itself fails too: the run's failure stands
        monkeypatch.setenv(alerts.URL_VARIABLE, hook.url)
        state = nightly_scores(
            landing=str(tmp_path / "missing"),
            warehouse_url=f"sqlite:///{tmp_path / 'w.db'}",
            as_of=AS_OF,
            return_state=True,
        )
    assert state.is_failed()
    assert len(hook.bodies) == 3  # tried with backoff, then given up
    assert "nightly-scores run" in hook.bodies[0]["text"]
    assert "failed" in hook.bodies[0]["text"]
    assert "does not exist" in hook.bodies[0]["text"]


@pytest.mark.flow
def test_a_night_with_too_many_bad_rows_alerts(
    prefect_api_url, tmp_path: Path, world: Path, monkeypatch
):
    bad = world / "exports" / "agency" / "report.posts.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "platform,handle,post_id,posted_at,text,url,impressions,likes,comments,shares,clicks\n"
        + "".join(f"x,@micro,q{n},2026-11-19T10:00:00Z,hi,,,-{n},0,0,\n" for n in range(1, 4))
        + "".join(f"x,@micro,ok{n},2026-11-19T10:00:00Z,hi,,,{n},0,0,\n" for n in range(1, 5)),
        encoding="utf-8",
    )
    monkeypatch.setenv(alerts.SHARE_VARIABLE, "0")
    with webhook() as hook:
        monkeypatch.setenv(alerts.URL_VARIABLE, hook.url)
        summary = nightly_scores_of(world, tmp_path)
    share = alerts.quarantine_share(summary)
    assert summary["rows_quarantined"] == 3 and share > 0
    [body] = hook.bodies
    assert f"{share:.1%} of rows quarantined on {AS_OF}" in body["text"]
    assert "bad_count 3" in body["text"]


def nightly_scores_of(world: Path, tmp_path: Path) -> dict:
    from virage.flows.nightly import nightly_scores

    return nightly_scores(
        landing=str(world), warehouse_url=f"sqlite:///{tmp_path / 'w.db'}", as_of=AS_OF
    )
