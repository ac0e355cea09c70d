"""Sending alerts out: a JSON POST to a watchlist's webhook, a mail through a configured SMTP server.

A delivery that fails is recorded on the alert (``webhook_status`` / ``mail_status``: ``"error: …"``, one line)
and logged; it never stops the cycle. The Atom feed needs no delivery: readers fetch it.
"""
from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Mapping, Optional

from ..errors import ClaimwatchError
from ..store import Alert, Store, Watchlist
from .atom import alert_summary, alert_title

log = logging.getLogger("claimwatch")
WEBHOOK_TIMEOUT_S = 10.0
SMTP_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail alerts go out (docs/WATCH.md, "Mail"): ``CLAIMWATCH_SMTP_*`` environment variables or options."""

    host: str
    port: int = 25
    sender: str = "claimwatch@localhost"
    username: Optional[str] = None
    password: Optional[str] = None
    starttls: bool = False

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> Optional["SmtpSettings"]:
        env = os.environ if env is None else env
        host = env.get("CLAIMWATCH_SMTP_HOST", "").strip()
        if not host:
            return None
        raw_port = env.get("CLAIMWATCH_SMTP_PORT", "25").strip() or "25"
        if not raw_port.isdigit():
            raise ClaimwatchError(f"CLAIMWATCH_SMTP_PORT must be a port number, got {raw_port!r}")
        return cls(host=host, port=int(raw_port),
                   sender=env.get("CLAIMWATCH_SMTP_FROM", "").strip() or cls.sender,
                   username=env.get("CLAIMWATCH_SMTP_USER") or None,
                   password=env.get("CLAIMWATCH_SMTP_PASSWORD") or None,
                   starttls=env.get("CLAIMWATCH_SMTP_STARTTLS", "").strip().lower() in ("1", "true", "yes"))


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def post_webhook(url: str, body: Mapping[str, Any], timeout: float = WEBHOOK_TIMEOUT_S) -> str:
    """POST ``body`` as JSON; the status to record ("200", or "error: …")."""
    import httpx

    try:
        response = httpx.post(url, content=json.dumps(body, ensure_ascii=False).encode(), timeout=timeout,
                              headers={"Content-Type": "application/json", "User-Agent": "claimwatch-alerts"})
    except (httpx.HTTPError, OSError, ValueError) as exc:
        return f"error: {_one_line(exc)}"
    return str(response.status_code) if response.is_success else f"error: HTTP {response.status_code}"


def send_mail(smtp: SmtpSettings, to: str, alert: Alert) -> str:
    """Mail the alert to ``to``; the status to record ("sent", or "error: …")."""
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = to
    msg["Subject"] = f"[claimwatch] {alert.payload.get('watchlist', {}).get('name', '')}: {alert_title(alert)}"[:200]
    msg.set_content(f"{alert_summary(alert)}\n\n{alert.payload.get('link', '')}\n")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username:
                server.login(smtp.username, smtp.password or "")
            server.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        return f"error: {_one_line(exc)}"
    return "sent"


def deliver(store: Store, alerts: list[Alert], smtp: Optional[SmtpSettings] = None) -> tuple[int, int]:
    """Send each new alert to its watchlist's webhook and mail address; (delivered, failed) deliveries."""
    lists: dict[str, Optional[Watchlist]] = {}
    ok = failed = 0
    for alert in alerts:
        if alert.watchlist_id not in lists:
            lists[alert.watchlist_id] = store.get_watchlist(alert.watchlist_id)
        wl = lists[alert.watchlist_id]
        if wl is None:
            continue
        hook = mail = None
        if wl.webhook:
            hook = post_webhook(wl.webhook, alert.payload)
        if wl.email:
            mail = send_mail(smtp, wl.email, alert) if smtp else "error: no SMTP server configured"
        for status in (hook, mail):
            if status is None:
                continue
            if status.startswith("error"):
                failed += 1
                log.warning("alert %s for watchlist %s: %s", alert.id, wl.id, status)
            else:
                ok += 1
        store.update_alert(alert.id, webhook_status=hook, mail_status=mail)
    return ok, failed
