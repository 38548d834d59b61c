"""Telling someone when a night goes wrong: a JSON message POSTed to a chat webhook.

Two things raise an alert: a run that fails (or crashes), and a completed run whose
share of quarantined rows is above a threshold. The webhook URL is a secret (anyone
holding it can post to the channel), so it comes from configuration only, never from
a parameter, and never appears in a log line, a message or an exception we raise:

- `VIRAGE_ALERT_WEBHOOK_URL`, else the Prefect Secret block named by
  `VIRAGE_ALERT_WEBHOOK_SECRET`; neither set means alerts are off;
- `VIRAGE_ALERT_FORMAT`: `slack` or `teams` (default: guessed from the webhook's host);
- `VIRAGE_ALERT_QUARANTINE_SHARE`: the share of rows read, from 0 to 1, above which a
  completed night alerts (default 0.05).

Payloads: Slack incoming webhooks take `{"text": ...}` with its mrkdwn formatting;
Teams webhooks made with the Workflows app take a `message` whose attachment is an
Adaptive Card (the older connector MessageCard is being retired by Microsoft). An
alert that cannot be delivered is logged and never fails the run it reports on.
"""

from __future__ import annotations

import logging
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

logger = logging.getLogger(__name__)

URL_VARIABLE = "VIRAGE_ALERT_WEBHOOK_URL"
SECRET_VARIABLE = "VIRAGE_ALERT_WEBHOOK_SECRET"
FORMAT_VARIABLE = "VIRAGE_ALERT_FORMAT"
SHARE_VARIABLE = "VIRAGE_ALERT_QUARANTINE_SHARE"
DEFAULT_QUARANTINE_SHARE = 0.05
_TEAMS_HOSTS = ("webhook.office.com", "logic.azure.com", "powerplatform.com", "powerautomate.com")
_DETAIL_LIMIT = 500  # a traceback's first line can be long; chat messages should not be

Style = Literal["slack", "teams"]


@dataclass(frozen=True)
class Alert:
    """What to say: a title, a few facts, and where to look."""

    title: str
    facts: dict[str, str] = field(default_factory=dict)
    link: str | None = None
    failed: bool = True


def webhook_url() -> str | None:
    """The configured webhook URL, or None when alerts are off. A Secret block that
    cannot be read is logged (by name, not value) and turns alerts off for this call."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if url:
        return url
    block = os.environ.get(SECRET_VARIABLE, "").strip()
    if not block:
        return None
    try:
        from prefect.blocks.system import Secret

        return str(Secret.load(block).get()).strip() or None
    except Exception as exc:  # no server, no such block: the run must go on
        logger.warning(
            "alert webhook Secret block %r cannot be read: %s", block, type(exc).__name__
        )
        return None


def quarantine_threshold() -> float:
    """$VIRAGE_ALERT_QUARANTINE_SHARE, else 0.05; a value that is not a share falls
    back to the default (logged), so a typo cannot silence alerts."""
    given = os.environ.get(SHARE_VARIABLE, "").strip()
    if not given:
        return DEFAULT_QUARANTINE_SHARE
    try:
        share = float(given)
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        logger.warning(
            "%s=%r is not a share between 0 and 1; using %s",
            SHARE_VARIABLE,
            given,
            DEFAULT_QUARANTINE_SHARE,
        )
        return DEFAULT_QUARANTINE_SHARE
    return share


def quarantine_share(summary: dict) -> float:
    """Rows quarantined (alone or with their file held back) over rows read; 0 when
    nothing was read."""
    read = int(summary.get("rows_read") or 0)
    bad = int(summary.get("rows_quarantined") or 0) + int(summary.get("rows_held_back") or 0)
    return bad / read if read else 0.0


def quarantine_alert(summary: dict, threshold: float, link: str | None = None) -> Alert | None:
    """An alert when the night's quarantine share is above `threshold`, else None."""
    share = quarantine_share(summary)
    if share <= threshold:
        return None
    return Alert(
        title=f"virage: {share:.1%} of rows quarantined on {summary.get('as_of')} "
        f"(threshold {threshold:.1%})",
        facts={
            "as of": str(summary.get("as_of")),
            "rows read": str(summary.get("rows_read")),
            "rows quarantined": str(summary.get("rows_quarantined")),
            "rows held back with their file": str(summary.get("rows_held_back")),
            "by rule": ", ".join(f"{k} {v}" for k, v in summary["quarantined_by_rule"].items())
            if summary.get("quarantined_by_rule")
            else "-",
            "warehouse": str(summary.get("warehouse")),
        },
        link=link,
        failed=False,
    )


def failure_alert(
    flow_name: str, run_name: str, state_name: str, message: str | None, link: str | None = None
) -> Alert:
    """An alert for a flow run that ended Failed or Crashed."""
    detail = " ".join((message or "no message").split())
    if len(detail) > _DETAIL_LIMIT:
        detail = detail[: _DETAIL_LIMIT - 1] + "…"
    return Alert(
        title=f"virage: {flow_name} run {run_name} {state_name.lower()}",
        facts={"flow": flow_name, "run": run_name, "state": state_name, "error": detail},
        link=link,
    )


def guess_style(url: str) -> Style:
    """Teams for Microsoft's webhook hosts, else Slack (whose `text` payload most chat
    webhooks also accept)."""
    configured = os.environ.get(FORMAT_VARIABLE, "").strip().lower()
    if configured in ("slack", "teams"):
        return configured  # type: ignore[return-value]
    host = (urlsplit(url).hostname or "").lower()
    return "teams" if host.endswith(_TEAMS_HOSTS) else "slack"


def payload(alert: Alert, style: Style) -> dict[str, Any]:
    """The JSON body for a Slack or a Teams (Workflows) webhook."""
    if style == "slack":
        lines = [f"{':red_circle:' if alert.failed else ':warning:'} *{alert.title}*"]
        lines += [f"• {name}: {value}" for name, value in alert.facts.items()]
        if alert.link:
            lines.append(f"<{alert.link}|Open the flow run in Prefect>")
        return {"text": "\n".join(lines)}
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": alert.title,
            "weight": "Bolder",
            "size": "Medium",
            "color": "Attention" if alert.failed else "Warning",
            "wrap": True,
        },
        {
            "type": "FactSet",
            "facts": [{"title": name, "value": value} for name, value in alert.facts.items()],
        },
    ]
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if alert.link:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": "Open the flow run in Prefect", "url": alert.link}
        ]
    return {
        "type": "message",
        "summary": alert.title,
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


class _HideUrl(logging.Filter):
    """Drops httpx's own request log lines that would print the webhook URL."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def filter(self, record: logging.LogRecord) -> bool:
        return self.url not in record.getMessage()


def send_alert(
    alert: Alert,
    url: str | None = None,
    *,
    attempts: int = 3,
    backoff: float = 1.0,
    timeout: float = 10.0,
) -> bool:
    """POST `alert` to `url` (default: the configured webhook). True when a webhook
    took it (2xx); False when alerts are off or every attempt failed. Timeouts,
    connection errors, 429 and 5xx are tried again with exponential backoff and
    jitter; anything else is final. Never raises, never logs the URL."""
    url = url or webhook_url()
    if not url:
        logger.info("alert not sent (no webhook configured): %s", alert.title)
        return False
    body = payload(alert, guess_style(url))
    hide = _HideUrl(url)
    httpx_logger = logging.getLogger("httpx")
    httpx_logger.addFilter(hide)
    try:
        for attempt in range(1, attempts + 1):
            try:
                with httpx.Client(timeout=timeout, follow_redirects=False) as client:
                    response = client.post(url, json=body)
                problem = None if response.is_success else f"HTTP {response.status_code}"
                final = problem is None or not (
                    response.status_code == 429 or response.status_code >= 500
                )
            except httpx.HTTPError as exc:  # the message may hold the URL: type only
                problem, final = type(exc).__name__, False
            except Exception as exc:  # a malformed URL, say: still never fails the run
                problem, final = type(exc).__name__, True
            if problem is None:
                logger.info("alert sent: %s", alert.title)
                return True
            if final or attempt == attempts:
                logger.warning(
                    "alert not delivered after %d attempt(s) (%s): %s",
                    attempt,
                    problem,
                    alert.title,
                )
                return False
            ceiling = backoff * 2 ** (attempt - 1)
            time.sleep(ceiling / 2 + random.uniform(0, ceiling / 2))  # equal jitter
    finally:
        httpx_logger.removeFilter(hide)
    return False


def flow_run_link(flow_run_id: object) -> str | None:
    """The flow run's page in the Prefect UI, when the UI's address is known."""
    try:
        from prefect.settings import PREFECT_UI_URL

        base = PREFECT_UI_URL.value()
    except Exception:
        return None
    return f"{base.rstrip('/')}/runs/flow-run/{flow_run_id}" if base else None


def alert_on_failure(flow, flow_run, state) -> None:
    """Flow hook (on_failure, on_crashed): tell the webhook the run failed. Runs in
    the flow run's process after its final state is set; a failed alert is logged
    to the run's log and nothing else."""
    from prefect.logging.loggers import flow_run_logger

    run_logger = flow_run_logger(flow_run, flow)
    try:
        alert = failure_alert(
            flow.name, flow_run.name, state.name, state.message, flow_run_link(flow_run.id)
        )
        delivered = send_alert(alert)
        run_logger.info("failure alert %s", "sent" if delivered else "not sent")
    except Exception as exc:  # a hook that raises would only add noise to the failure
        run_logger.warning("failure alert not sent: %s", type(exc).__name__)
