"""Account mail (email verification): over SMTP when configured, else written to a folder
as JSON lines, so a local run or a test can read what would have been sent."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

__all__ = ["FileMailer", "Mail", "Mailer", "SmtpMailer", "mailer_for"]

logger = logging.getLogger("mediagateway.users.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class FileMailer:
    def __init__(self, folder: Path, sender: str) -> None:
        self.path = folder / "outbox.jsonl"
        self.sender = sender
        self._lock = asyncio.Lock()

    async def send(self, mail: Mail) -> None:
        line = json.dumps({"from": self.sender, **asdict(mail)}) + "\n"
        async with self._lock:
            await asyncio.to_thread(self._append, line)
        logger.info("mail to %s (%s) written to %s", mail.to, mail.subject, self.path)

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line)


class SmtpMailer:
    def __init__(self, url: str, sender: str, timeout_s: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("MG_USERS_SMTP_URL must look like smtp://user:password@host:587")
        self.host = parts.hostname
        self.implicit_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.timeout_s = timeout_s

    async def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, mail.to, mail.subject
        message.set_content(mail.body)
        await aiosmtplib.send(
            message, hostname=self.host, port=self.port, username=self.username,
            password=self.password, use_tls=self.implicit_tls,
            # STARTTLS whenever the server offers it; a plain local relay still works.
            start_tls=None if not self.implicit_tls else False, timeout=self.timeout_s,
        )


def mailer_for(smtp_url: str, sender: str, folder: str) -> Mailer:
    return SmtpMailer(smtp_url, sender) if smtp_url else FileMailer(Path(folder), sender)
