#!/usr/bin/env python
"""Replay the attack classes of issue 14 against a real VIK server and print what held.

    PYTHONPATH=$PWD python scripts/attack_replay.py [--port 8114] [--keep]

The script builds its own installation in a temporary directory: a fresh SQLite database, the
demo data (`vik demo --no-serve --requests 60`), collected static files, then `gunicorn`
serving `config.wsgi` and one `vik worker`, all with the production settings
(`config.settings.base`, DEBUG off, HTTPS site, the second factor required for its default
roles). The attacker is `httpx`, speaking HTTP to 127.0.0.1 as a TLS-terminating proxy would:
`X-Forwarded-Proto: https` and the client's address in `X-Forwarded-For` (one trusted proxy),
so each attack class comes from an address of its own and the per-address limits of one class
do not blur another's.

The script's own process opens the same database through the Django ORM only to look up ids
and to check outcomes (audit events, requests filed, files public), and for two pieces of
set-up no HTTP path gives: a second region with one member of staff (the demo has one region),
for the cross-region name enumeration.

One row per attack class: tried (requests sent), refused, leaked, and the outcome. Exit status
1 when anything leaked, 2 when an attack class could not run. docs/security/attacks.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import html
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "vik-demo-2026"  # noqa: S105 - the demo's published password
SITE = "https://vik.example.cz"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP = re.compile(r'name="vik_shown" value="([^"]+)"')
SECRET = re.compile(r'data-testid="mfa-secret">\s*([A-Z2-7 ]+?)\s*<')
SPAM_MIN_SECONDS = 3.5  # VIK_SPAM_MIN_SECONDS is 3: a patient robot waits that long


# --- the installation ---------------------------------------------------------------------------


def environment(base: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "VIK_VAR_DIR": str(base / "var"),
        "VIK_DATABASE_URL": f"sqlite:///{base / 'vik.sqlite3'}",
        "VIK_DEMO_ENABLED": "true",
        "VIK_DEBUG": "false",
        "VIK_SECRET_KEY": secrets.token_urlsafe(50),
        "VIK_SITE_URL": SITE,
        "VIK_ALLOWED_HOSTS": "127.0.0.1,localhost,vik.example.cz",
        "VIK_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "VIK_TRUSTED_PROXY_COUNT": "1",
    }


def run(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "vik.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def server(env: dict[str, str], port: int, base: Path) -> Iterator[None]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log = (base / "server.log").open("w")
    processes = [
        subprocess.Popen(
            [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--timeout", "120"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "vik.cli", "worker"], env=env, cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or processes[0].poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {base / 'server.log'}")
            time.sleep(0.3)
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


# --- the attacker -------------------------------------------------------------------------------


# Fresh addresses on every run: the counters of a shared cache (Redis) outlive a run.
_NET = f"10.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}"
_addresses = iter(f"{_NET}.{n}" for n in range(1, 255))


class Attacker:
    """One browser (cookies) behind the proxy, from an address of its own."""

    def __init__(self, port: int) -> None:
        self.address = next(_addresses)
        self.origin = f"https://127.0.0.1:{port}"
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": self.address,
                "Origin": self.origin,
                "Accept-Language": "cs",
                "User-Agent": "vik-attack-replay",
            },
            follow_redirects=False,
            timeout=120,
        )
        self.http.event_hooks["request"] = [self._cookies]
        self.sent = 0

    def _cookies(self, request: httpx.Request) -> None:
        """The proxy speaks HTTPS to the browser, so the browser sends its Secure cookies; the
        client keeps them from our plain hop to gunicorn, so they are written here."""
        jar = self.http.cookies.jar
        if jar:
            request.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in jar)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        self.sent += 1
        return self.http.get(url, headers={"Referer": self.origin + "/"}, **kwargs)

    def post(
        self, url: str, data: dict[str, Any], *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        self.sent += 1
        if csrf:
            data = {"csrfmiddlewaretoken": self.csrf(), **data}
        return self.http.post(url, data=data, headers={"Referer": self.origin + "/"}, **kwargs)

    def csrf(self) -> str:
        token = self.http.cookies.get("csrftoken")
        if token is None:  # a page with a form sets it
            self.http.get("/staff/login/")
            token = self.http.cookies.get("csrftoken", "")
        return token

    def login(
        self, username: str, password: str = PASSWORD, path: str = "/staff/login/"
    ) -> httpx.Response:
        self.get(path)
        return self.post(path, {"username": username, "password": password, "next": ""})

    @property
    def signed_in(self) -> bool:
        return "sessionid" in self.http.cookies


@dataclass
class Row:
    name: str
    tried: int = 0
    refused: int = 0
    leaked: int = 0
    outcome: str = ""
    error: bool = False


def text_of(response: httpx.Response) -> str:
    return html.unescape(response.text)


def goes_to(response: httpx.Response, *paths: str) -> bool:
    location = response.headers.get("location", "")
    return response.status_code in (301, 302, 303) and any(p in location for p in paths)


# --- the ORM of the same installation (look-ups and outcomes only) -------------------------------


def orm() -> Any:
    import django  # local import: after the environment names the temporary database

    django.setup()
    return django


def user(username: str) -> Any:
    from vik.tenancy.models import User  # local import: needs django.setup()

    return User.objects.get(username=username)


def events(action: str, actor: str) -> int:
    from vik.audit.models import AuditEvent  # local import: needs django.setup()

    return AuditEvent.objects.filter(action=action, actor__username=actor).count()


def wait_for(check: Callable[[], Any], seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


# --- the attack classes -------------------------------------------------------------------------


class Replay:
    def __init__(self, port: int) -> None:
        self.port = port
        self.ctx: dict[str, Any] = {}

    def attacker(self) -> Attacker:
        return Attacker(self.port)

    def staff(self, username: str) -> Attacker:
        who = self.attacker()
        response = who.login(username)
        if not goes_to(response, "/staff/"):
            raise RuntimeError(f"{username} could not sign in: {response.status_code}")
        return who

    # 1, 2. password guessing ---------------------------------------------------------------
    def brute_force(self, path: str, username: str) -> Row:
        who = self.attacker()
        statuses = []
        who.get(path)
        for n in range(30):
            statuses.append(
                who.post(path, {"username": username, "password": f"spatne-{n}"}).status_code
            )
        right = who.post(path, {"username": username, "password": PASSWORD, "next": ""})
        statuses.append(right.status_code)
        page = text_of(right)
        after = who.get("/staff/requests/" if path.startswith("/staff") else "/admin/")
        leaked = int(after.status_code == 200)
        locks = self._lock_events(username)
        czech = "Přihlášení je dočasně zablokováno" in page and "Zkuste to znovu za" in page
        first_429 = statuses.index(429) + 1 if 429 in statuses else None
        return Row(
            f"brute force {path}", tried=31, refused=31 - leaked, leaked=leaked,
            outcome=(
                f"429 from try {first_429}; right password: {right.status_code}, "
                f"{'Czech lock page' if czech else 'NO Czech lock page'}, "
                f"{'signed in' if leaked else 'no session'}; lockout audited: {bool(locks)}"
            ),
        )  # fmt: skip

    @staticmethod
    def _lock_events(username: str) -> int:
        from vik.audit.models import AuditEvent  # local import: needs django.setup()

        return sum(
            1
            for event in AuditEvent.objects.filter(action="auth.lockout")
            if username in str(event.details) or username in event.object_id
        )

    # 3. the second factor ------------------------------------------------------------------
    def mfa_bypass(self) -> Row:
        from vik.conversations.models import Interaction, Request  # local import: django.setup()

        item = Request.objects.order_by("pk").first()
        interaction = Interaction.objects.filter(request=item).order_by("pk").first()
        second_step = ("/staff/login/code/", "/staff/account/security/setup/")
        targets = [
            "/staff/requests/", f"/staff/requests/{item.reference}/",
            f"/staff/requests/{item.reference}/interactions/{interaction.pk}/html",
            f"/staff/contacts/{item.requester_id}/", "/staff/knowledge/", "/admin/",
            "/admin/contacts/contact/", f"/admin/conversations/request/{item.pk}/change/",
        ]  # fmt: skip
        row = Row("2nd factor bypass (right password)")
        notes = []
        # A coordinator through the staff login, the superuser through the admin's own login.
        for username, path in (("koordinator", "/staff/login/"), ("admin", "/admin/login/")):
            who = self.attacker()
            response = who.login(username, path=path)
            row.tried += 1
            row.refused += 1  # the password alone: accepted, but only as the first step
            notes.append(f"{username} via {path} → {response.headers.get('location', '?')}")
            for url in targets:
                got = who.get(url)
                row.tried += 1
                if goes_to(got, *second_step) and item.reference not in text_of(got):
                    row.refused += 1
                else:
                    row.leaked += 1
                    notes.append(f"{url} → {got.status_code} {got.headers.get('location', '')}")
        row.outcome = "; ".join(notes) + (
            "" if row.leaked else f"; then each of {len(targets)} URLs → 302 to the second factor"
        )
        return row

    # 4. knowledge files ---------------------------------------------------------------------
    def knowledge_file(self) -> Row:
        from vik.knowledge.models import Article, ArticleAttachment  # local import: django.setup()
        from vik.tenancy.choices import Audience  # local import: needs django.setup()

        trebic = user("agent.trebic")
        article = (
            Article.objects.filter(
                region__isnull=False, centre__isnull=True, audience=Audience.PUBLIC,
                published_version__isnull=False,
            )
            .exclude(owners=trebic)
            .order_by("pk")
            .first()
        )  # fmt: skip
        row = Row("knowledge file on live article")
        who = self.staff("agent.trebic")
        name = f"podvrh-{secrets.token_hex(4)}.pdf"
        response = who.post(
            f"/staff/knowledge/{article.pk}/attachments/",
            {"attachment-title": "Nový formulář"},
            files={"attachment-file": (name, b"%PDF-1.4\n% replay\n", "application/pdf")},
        )
        row.tried = 1
        added = ArticleAttachment.objects.filter(article=article, filename=name).first()
        citizen = self.attacker()
        page = citizen.get(f"/znalosti/clanek/{article.slug}/")
        listed = name in text_of(page)
        downloaded = False
        if added is not None:
            got = citizen.get(f"/znalosti/clanek/{article.slug}/priloha/{added.pk}/")
            downloaded = got.status_code == 200 and b"replay" in got.content
        row.tried += citizen.sent
        public = added is not None and added.published_at is not None
        row.leaked = int(listed) + int(downloaded) + int(public)
        row.refused = row.tried - row.leaked
        row.outcome = (
            f"upload → {response.status_code}; "
            + ("file kept as draft (published_at empty)" if added is not None and not public
               else "file not stored" if added is None else "file PUBLISHED")
            + f"; citizen page lists it: {listed}; citizen download: "
            + ("200" if downloaded else "refused (404)")
        )  # fmt: skip
        return row

    # 5, 6. the public form flooded ---------------------------------------------------------
    def _form(self, who: Attacker) -> dict[str, str]:
        page = who.get("/")
        stamp = STAMP.search(page.text)
        return {"vik_shown": stamp.group(1) if stamp else ""}

    def _submission(self, marker: str, **extra: str) -> dict[str, str]:
        return {
            "submission_id": str(uuid.uuid4()), "name": "Jan Útočník",
            "email": f"{marker}@example.cz", "phone": "", "municipality": "Jihlava",
            "topic": "", "message": f"Dobrý den, potřebuji poradit s občankou. {marker}",
            "consent": "on", "website": "", **extra,
        }  # fmt: skip

    @staticmethod
    def _timed_post(who: Attacker, data: dict[str, str], started: float) -> tuple[int, float]:
        sent = time.monotonic() - started
        return who.post("/", data).status_code, sent

    def flood(self, *, honeypot: bool) -> Row:
        from vik.channels.core.choices import PayloadState  # local import: needs django.setup()
        from vik.channels.core.models import InboundPayload  # local import: needs django.setup()
        from vik.conversations.models import Request  # local import: needs django.setup()

        who = self.attacker()
        guard = self._form(who)
        time.sleep(SPAM_MIN_SECONDS)
        count = 20 if not honeypot else 10
        posts = [
            self._submission(
                f"flood{int(honeypot)}-{n}-{secrets.token_hex(3)}",
                **guard, **({"website": "https://levne-leky.example"} if honeypot else {}),
            )
            for n in range(count)
        ]  # fmt: skip
        keys = [data["submission_id"] for data in posts]
        who.csrf()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=count) as pool:  # all at once, as a script would
            futures = [pool.submit(self._timed_post, who, data, started) for data in posts]
            answers = [future.result() for future in futures]
        statuses = [status for status, _sent in answers]
        last_sent = max(sent for _status, sent in answers)
        elapsed = time.monotonic() - started
        payloads = InboundPayload.objects.filter(idempotency_key__in=keys)
        held = payloads.filter(state=PayloadState.HELD).count()
        to_queue = payloads.exclude(state=PayloadState.HELD).count()
        filed = wait_for(
            lambda: (
                to_queue
                == Request.objects.filter(interactions__inbound_payload__idempotency_key__in=keys)
                .distinct()
                .count()
            ),
            30,
        )
        in_queues = (
            Request.objects.filter(interactions__inbound_payload__idempotency_key__in=keys)
            .distinct()
            .count()
        )
        refused_http = sum(1 for s in statuses if s in (400, 429))
        allowance = 0 if honeypot else 3  # form_soft: 3 per 10 min before the ALTCHA
        name = "form honeypot filled" if honeypot else "form flood, one address"
        return Row(
            name, tried=count, refused=count - in_queues, leaked=max(0, in_queues - allowance),
            outcome=(
                f"{count} posts sent in {last_sent:.1f} s (answered in {elapsed:.1f} s): "
                f"{in_queues} in clerks' queues, {held} held "
                f"for review, {refused_http} refused ({statuses.count(400)}×400 ALTCHA, "
                f"{statuses.count(429)}×429); {count - refused_http} passed the ALTCHA gate "
                f"(form_soft 3)" + ("" if filed else "; worker did not file in 30 s")
            ),
        )  # fmt: skip

    # 7. bad input keeps the citizen's words -------------------------------------------------
    def bad_input(self) -> Row:
        from vik.channels.core.models import InboundPayload  # local import: needs django.setup()

        who = self.attacker()
        guard = self._form(who)
        time.sleep(SPAM_MIN_SECONDS)
        row = Row("oversized body, long file name")
        notes = []
        cases: list[tuple[str, dict[str, str], dict[str, Any]]] = [
            ("3 MB field", {"vyplň": "x" * (3 * 1024 * 1024)}, {}),
            ("3 MB message", {"message": "a" * (3 * 1024 * 1024)}, {}),
            ("300-char name", {}, {"attachments": ("ž" * 296 + ".txt", b"obsah", "text/plain")}),
        ]
        for label, extra, files in cases:
            marker = f"slova-{secrets.token_hex(4)}"
            data = self._submission(marker, **guard)
            if "message" in extra:
                extra = {"message": f"Moje otázka {marker} " + extra["message"]}
            data.update(extra)
            response = who.post(
                "/", data, files=files or {"_": ("", b"", "application/octet-stream")}
            )
            row.tried += 1
            kept = marker in response.text
            bare = response.status_code == 400 and "<form" not in response.text
            if response.status_code in (302, 303):  # accepted: were the words stored?
                stored = InboundPayload.objects.filter(
                    idempotency_key=data["submission_id"]
                ).first()
                kept = stored is not None and marker.encode() in bytes(stored.body)
                names = [len(f.filename) for f in stored.files.all()] if stored else []
                shown = f", file name stored as {names[0]} chars" if names else ""
                row.refused += int(kept)
                row.leaked += int(not kept)
                notes.append(f"{label}: 302 filed, text {'kept' if kept else 'LOST'}{shown}")
            elif kept and not bare and response.status_code < 500:
                row.refused += 1
                notes.append(f"{label}: {response.status_code} same form, text kept")
            else:
                row.leaked += 1
                notes.append(f"{label}: {response.status_code} text LOST")
        row.outcome = "; ".join(notes)
        return row

    # 8. reading another centre's request ------------------------------------------------------
    def cross_centre(self) -> Row:
        from vik.conversations import models  # local import: needs django.setup()
        from vik.tenancy import permissions  # local import: needs django.setup()
        from vik.workspace.models import Macro  # local import: needs django.setup()

        Attachment, Interaction, Request = models.Attachment, models.Interaction, models.Request
        trebic = user("agent.trebic")
        # The request the form attack made (it has an attachment), else any of Jihlava's.
        candidates = [self.ctx["xss_request"]] if "xss_request" in self.ctx else []
        candidates += list(Request.objects.filter(centre__slug="vys-jihlava").order_by("pk"))
        item = next(r for r in candidates if not permissions.can_view_request(trebic, r))
        attachment = Attachment.objects.filter(interaction__request=item).order_by("pk").first()
        interaction = Interaction.objects.filter(request=item).order_by("pk").first()
        macro = Macro.objects.order_by("pk").first()
        who = self.staff("agent.trebic")
        name = item.requester.name
        urls = [
            f"/staff/requests/{item.reference}/",
            f"/staff/requests/{item.reference}/attachments/{attachment.pk if attachment else 1}",
            f"/staff/requests/{item.reference}/interactions/{interaction.pk}/html",
            f"/staff/requests/{item.reference}/interactions/{interaction.pk}/raw",
            f"/staff/requests/{item.reference}/macros/{macro.pk}",
            f"/staff/contacts/{item.requester_id}/",
            f"/staff/requests/?text={item.reference}",
            f"/staff/requests/?text={name}",
        ]
        row = Row("cross-centre read (Třebíč→Jihlava)")
        codes = []
        for url in urls:
            got = who.get(url)
            row.tried += 1
            # A search echoes its text: only a link to the request shows it.
            shown = got.status_code == 200 and (
                "/staff/requests/?" not in url or f"/staff/requests/{item.reference}/" in got.text
            )
            if shown:
                row.leaked += 1
                codes.append(f"{url} → {got.status_code} SHOWN")
            else:
                row.refused += 1
                codes.append(str(got.status_code))
        # Writing to it: a note.
        before = Interaction.objects.filter(request=item).count()
        got = who.post(f"/staff/requests/{item.reference}/note", {"text": "cizí poznámka"})
        row.tried += 1
        if Interaction.objects.filter(request=item).count() == before:
            row.refused += 1
        else:
            row.leaked += 1
        codes.append(f"note {got.status_code}")
        row.outcome = "page, attachment, html, raw, macro, contact, 2 searches, note: " + " ".join(
            codes
        )
        return row

    # 9. listing staff names through request_assign ------------------------------------------------
    def assign_enumeration(self) -> Row:
        from vik.conversations.models import Request  # local import: needs django.setup()
        from vik.tenancy.models import Membership, User  # local import: needs django.setup()

        item = Request.objects.filter(centre__slug="vys-trebic").order_by("pk").first()
        own = set(Membership.objects.filter(centre=item.centre).values_list("user_id", flat=True))
        foreign = list(User.objects.exclude(pk__in=own).order_by("pk"))
        other_region = [
            u for u in foreign if not Membership.objects.filter(user=u, region=item.region).exists()
        ]
        names = {n for u in other_region for n in (u.get_full_name(), u.last_name, u.username) if n}
        who = self.staff("agent.trebic")
        row = Row("staff names via request_assign")
        seen: set[str] = set()
        accepted: list[str] = []
        messages: set[str] = set()
        for target in foreign:
            who.post(f"/staff/requests/{item.reference}/assign", {"assignee": str(target.pk)})
            page = who.get(f"/staff/requests/{item.reference}/")
            row.tried += 1
            body = text_of(page)
            found = {n for n in names if n in body}
            item.refresh_from_db()
            if item.assignee_id == target.pk:
                accepted.append(target.username)
            if found or (item.assignee_id == target.pk and target in other_region):
                row.leaked += 1
                seen |= found
            else:
                row.refused += 1
            for message in re.findall(r'role="alert"[^>]*>(.*?)</', page.text, re.S):
                messages.add(" ".join(html.unescape(message).split())[:90])
        row.outcome = (
            f"{len(foreign)} user ids outside the centre ({len(other_region)} of another region): "
            + (f"names SHOWN: {sorted(seen)}" if seen else "no other region's name on the page")
            + (f"; assignable region staff accepted: {', '.join(accepted)}" if accepted else "")
            + (f"; error: {sorted(messages)[0]!r}" if messages else "")
        )
        return row

    # 10. CSRF ----------------------------------------------------------------------------------
    def csrf(self) -> Row:
        from vik.channels.core.models import InboundPayload  # local import: needs django.setup()
        from vik.conversations.models import Interaction, Request  # local import: django.setup()

        row = Row("POST without CSRF token")
        item = Request.objects.filter(centre__slug="vys-jihlava").order_by("pk").first()
        who = self.staff("agent.jihlava")
        before = Interaction.objects.filter(request=item).count()
        note = who.post(
            f"/staff/requests/{item.reference}/note",
            {"text": "Poznámka, kterou poslala cizí stránka bez tokenu."},
            csrf=False,
        )
        citizen = self.attacker()
        data = self._submission(f"csrf-{secrets.token_hex(3)}")
        form = citizen.post(
            "/", data, csrf=False, files={"_": ("", b"", "application/octet-stream")}
        )
        results = []
        for response, stored in (
            (note, Interaction.objects.filter(request=item).count() != before),
            (form, InboundPayload.objects.filter(idempotency_key=data["submission_id"]).exists()),
        ):
            row.tried += 1
            friendly = (
                response.status_code == 403
                and "vik-" in response.text
                and ("CSRF verification failed" not in response.text)
            )
            kept = data["message"] in text_of(response) if response is form else True
            if response.status_code == 403 and not stored:
                row.refused += 1
            else:
                row.leaked += 1
            results.append(
                f"{response.status_code}{' friendly page' if friendly else ' BARE page'}"
                f"{', text kept' if kept and response is form else ''}"
                f"{', STORED' if stored else ''}"
            )
        row.outcome = f"staff note: {results[0]}; public form: {results[1]}"
        return row

    # 11. a script in the citizen's message -------------------------------------------------------
    def xss(self) -> Row:
        from vik.conversations.models import Interaction, Request  # local import: django.setup()
        from vik.tenancy.models import Membership  # local import: needs django.setup()

        marker = f"xss{secrets.token_hex(4)}"
        script = f'<script>alert("{marker}")</script><img src=x onerror="alert(1)">'
        who = self.attacker()
        guard = self._form(who)
        time.sleep(SPAM_MIN_SECONDS)
        data = self._submission(f"{marker}-mail", **guard)
        data["message"] = f"Dobrý den, {script} prosím o radu s občankou."
        sent = who.post(
            "/",
            data,
            files={"attachments": ("poznamka.txt", f"obsah {marker}".encode(), "text/plain")},
        )
        item = wait_for(
            lambda: Request.objects.filter(interactions__text__contains=marker).first(), 60
        )
        if item is None:
            raise RuntimeError(f"the form post ({sent.status_code}) made no request in 60 s")
        self.ctx["xss_request"] = item
        agent = (
            Membership.objects.filter(centre=item.centre, user__username__startswith="agent.")
            .values_list("user__username", flat=True)
            .first()
        )
        self.ctx["xss_agent"] = agent
        clerk = self.staff(agent)
        interaction = Interaction.objects.filter(request=item).order_by("pk").first()
        row = Row("script in form message")
        pages = [
            clerk.get(f"/staff/requests/{item.reference}/"),
            clerk.get(f"/staff/requests/{item.reference}/interactions/{interaction.pk}/html"),
            clerk.get(f"/staff/requests/?text={marker}"),
            self.attacker().get(f"/sledovani/{item.public_token}/"),
        ]
        raw = f'<script>alert("{marker}")'
        for page in pages:
            row.tried += 1
            if raw in page.text or 'onerror="alert(1)"' in page.text:
                row.leaked += 1
            else:
                row.refused += 1
        escaped = sum(1 for p in pages if "&lt;script&gt;" in p.text)
        row.outcome = (
            f"request page, message frame, list search, tracking page: {row.leaked} ran raw, "
            f"{escaped} show it escaped (&lt;script&gt;), statuses "
            + "/".join(str(p.status_code) for p in pages)
        )
        return row

    # 12. headers over HTTPS ---------------------------------------------------------------
    def headers(self) -> Row:
        item = self.ctx.get("xss_request")
        clerk = self.staff(self.ctx.get("xss_agent") or "agent.jihlava")
        anonymous = self.attacker()
        pages: list[tuple[str, httpx.Response, bool]] = [
            ("/", anonymous.get("/"), False),
            ("/znalosti/", anonymous.get("/znalosti/"), False),
            ("/staff/login/", anonymous.get("/staff/login/"), True),
            ("/staff/requests/", clerk.get("/staff/requests/"), True),
        ]
        if item is not None:
            pages.append(
                ("/staff/requests/<ref>/", clerk.get(f"/staff/requests/{item.reference}/"), True)
            )
            pages.append(
                ("/sledovani/<token>/", anonymous.get(f"/sledovani/{item.public_token}/"), True)
            )
        row = Row("security headers (HTTPS)")
        missing = []
        for label, response, private in pages:
            checks = {
                "HSTS": int(
                    re.search(
                        r"max-age=(\d+)", response.headers.get("strict-transport-security", "")
                    ).group(1)  # type: ignore[union-attr]
                    if "max-age" in response.headers.get("strict-transport-security", "")
                    else 0
                )
                >= 15_552_000,
                "CSP": "default-src" in response.headers.get("content-security-policy", ""),
                "X-Frame-Options": response.headers.get("x-frame-options", "").upper()
                in ("DENY", "SAMEORIGIN"),
                "nosniff": response.headers.get("x-content-type-options", "") == "nosniff",
            }
            if private:
                checks["no-store"] = "no-store" in response.headers.get("cache-control", "")
            for header, present in checks.items():
                row.tried += 1
                if present:
                    row.refused += 1
                else:
                    row.leaked += 1
                    missing.append(f"{label} {header} ({response.status_code})")
        # Plain HTTP is sent to HTTPS; the session cookie is Secure and HttpOnly.
        plain = httpx.get(
            f"http://127.0.0.1:{self.port}/znalosti/", headers={"X-Forwarded-For": f"{_NET}.255"}
        )
        row.tried += 1
        if plain.status_code == 301 and plain.headers.get("location", "").startswith("https://"):
            row.refused += 1
        else:
            row.leaked += 1
            missing.append(f"plain HTTP → {plain.status_code}")
        cookie = next((c for c in clerk.http.cookies.jar if c.name == "sessionid"), None)
        row.tried += 1
        if cookie is not None and cookie.secure and cookie.has_nonstandard_attr("HttpOnly"):
            row.refused += 1
        else:
            row.leaked += 1
            missing.append("session cookie not Secure+HttpOnly")
        row.outcome = (
            f"{len(pages)} pages × HSTS/CSP/XFO/nosniff (+no-store on private ones), HTTP→HTTPS, "
            "cookie flags: " + ("all present" if not missing else "MISSING " + ", ".join(missing))
        )
        return row

    # 13. every read of personal data audited ------------------------------------------------------
    def audit_reads(self) -> Row:
        from vik.conversations.models import Attachment  # local import: needs django.setup()
        from vik.workspace.models import Macro  # local import: needs django.setup()

        item = self.ctx["xss_request"]
        agent = self.ctx["xss_agent"]
        clerk = self.staff(agent)
        attachment = Attachment.objects.filter(interaction__request=item).order_by("pk").first()
        macro = Macro.objects.filter(region=item.region).order_by("pk").first()
        surname = item.requester.name.split()[-1]
        reads: list[tuple[Attacker, str, str, str]] = [
            (clerk, agent, f"/staff/requests/{item.reference}/", "request.view"),
            (clerk, agent, f"/staff/requests/{item.reference}/attachments/{attachment.pk}",
             "request.attachment_download"),
            (clerk, agent, f"/staff/requests/?text={surname}", "request.search"),
            (clerk, agent, "/staff/requests/", "request.list"),
            (clerk, agent, f"/staff/requests/{item.reference}/macros/{macro.pk}",
             "request.macro_render"),
            (clerk, agent, f"/staff/contacts/{item.requester_id}/", "contact.view"),
        ]  # fmt: skip
        admin = self.admin_with_second_factor()
        reads += [
            (admin, "admin", f"/admin/contacts/contact/{item.requester_id}/change/", "admin.view"),
            (admin, "admin", "/admin/contacts/contact/?q=Jan", "admin.list"),
            (admin, "admin", f"/admin/conversations/request/{item.pk}/change/", "admin.view"),
            (admin, "admin", "/admin/channels/inboundpayload/", "admin.list"),
        ]
        row = Row("personal-data reads audited")
        missing = []
        for who, actor, url, action in reads:
            before = events(action, actor)
            got = who.get(url)
            row.tried += 1
            if got.status_code != 200:
                missing.append(f"{url} → {got.status_code} (not read)")
                row.refused += 1
                continue
            if wait_for(lambda a=action, u=actor, n=before: events(a, u) > n, 5):
                row.refused += 1
            else:
                row.leaked += 1
                missing.append(f"{url} NO {action}")
        row.outcome = (
            f"{row.tried} reads (request, attachment, search, list, canned answer, contact, "
            "4 admin pages): " + ("each left its event" if not missing else "; ".join(missing))
        )
        return row

    def admin_with_second_factor(self) -> Attacker:
        """Sign in as the demo's superuser and enrol an authenticator, as the admin would."""
        from django_otp.oath import totp  # local import: needs django.setup()

        who = self.attacker()
        first = who.login("admin")
        enrol = "/staff/account/security/setup/"
        if not goes_to(first, "/staff/"):
            raise RuntimeError(f"admin sign-in: {first.status_code}")
        page = who.get(enrol)
        found = SECRET.search(page.text)
        if found is None:
            raise RuntimeError(f"no key on the enrolment page ({page.status_code})")
        key = base64.b32decode(
            found.group(1).replace(" ", "") + "=" * (-len(found.group(1).replace(" ", "")) % 8)
        )
        done = who.post(enrol, {"code": f"{totp(key):06d}", "next": "/admin/"})
        if done.status_code not in (302, 303):
            raise RuntimeError(f"enrolment refused the code: {done.status_code}")
        return who

    # 14. the public search API hammered -----------------------------------------------------------
    def api_hammer(self) -> Row:
        who = self.attacker()
        statuses = [
            who.get("/api/v1/knowledge/search", params={"q": "občanský průkaz"}).status_code
            for _ in range(75)
        ]
        allowed = statuses.count(200)
        refused = statuses.count(429)
        return Row(
            "search API hammered (75 GET)", tried=75, refused=refused,
            leaked=max(0, allowed - 60),
            outcome=f"{allowed}×200 then {refused}×429 (limit api_search 60/min); first 429 at "
            f"request {statuses.index(429) + 1 if 429 in statuses else '—'}",
        )  # fmt: skip

    # 15. an open redirect after sign-in ---------------------------------------------------
    def open_redirect(self) -> Row:
        who = self.attacker()
        who.get("/staff/login/")
        got = who.post(
            "/staff/login/?next=https://zly.example/", {"username": "agent.jihlava",
            "password": PASSWORD, "next": "https://zly.example/"},
        )  # fmt: skip
        location = got.headers.get("location", "")
        leaked = int("zly.example" in location)
        return Row(
            "open redirect after sign-in", tried=1, refused=1 - leaked, leaked=leaked,
            outcome=f"next=https://zly.example/ → {location or got.status_code}",
        )  # fmt: skip

    # 16. the account lock from many addresses --------------------------------------------
    def lock_across_addresses(self, username: str) -> Row:
        row = Row("lockout, one address per guess")
        for n in range(6):
            self.attacker().login(username, password=f"spatne-{n}")
            row.tried += 1
            row.refused += 1
        who = self.attacker()
        right = who.login(username)
        row.tried += 1
        after = who.get("/staff/requests/")
        if after.status_code == 200:
            row.leaked += 1
        else:
            row.refused += 1
        row.outcome = (
            f"6 wrong passwords from 6 addresses, the right one from a 7th: {right.status_code}"
            + (" (account locked)" if right.status_code == 429 else "")
            + (", SIGNED IN" if row.leaked else ", no session")
        )
        return row

    # 17. the citizen's tracking page ------------------------------------------------------
    def tracking_guess(self) -> Row:
        from vik.conversations.models import Attachment, Request  # local import: django.setup()

        row = Row("tracking links guessed, crossed")
        who = self.attacker()
        codes: dict[int, int] = {}
        for _ in range(20):
            got = who.get(f"/sledovani/{secrets.token_urlsafe(16)}/")
            codes[got.status_code] = codes.get(got.status_code, 0) + 1
            row.tried += 1
            row.leaked += int(got.status_code == 200)
            row.refused += int(got.status_code != 200)
        # A real token with an attachment of somebody else's request.
        item = self.ctx.get("xss_request") or Request.objects.order_by("pk").first()
        other = Attachment.objects.exclude(interaction__request=item).order_by("-pk").first()
        crossed = "none to try"
        if other is not None:
            got = who.get(f"/sledovani/{item.public_token}/prilohy/{other.pk}")
            row.tried += 1
            row.leaked += int(got.status_code == 200)
            row.refused += int(got.status_code != 200)
            crossed = str(got.status_code)
        row.outcome = (
            "20 random tokens: "
            + ", ".join(f"{n}×{code}" for code, n in sorted(codes.items()))
            + f"; a real token with another request's attachment: {crossed}"
        )
        return row

    # 18. an agent on the pages of leads, the DPO and editors ------------------------------
    def agent_escalation(self) -> Row:
        from vik.channels.core.choices import PayloadState  # local import: needs django.setup()
        from vik.channels.core.models import InboundPayload  # local import: needs django.setup()
        from vik.conversations.models import Request  # local import: needs django.setup()
        from vik.knowledge.models import ArticleAttachment  # local import: needs django.setup()

        row = Row("agent on privileged pages")
        who = self.staff("agent.trebic")
        held = InboundPayload.objects.filter(state=PayloadState.HELD).order_by("pk").first()
        contact = Request.objects.filter(centre__slug="vys-trebic").order_by("pk").first()
        notes = []
        gets = [
            "/staff/audit/",
            "/staff/security/lockouts/",
            "/staff/spam/",
            *([f"/staff/spam/{held.pk}/"] if held else []),
            "/staff/quarantine/",
            "/admin/",
        ]
        for url in gets:
            got = who.get(url)
            row.tried += 1
            # The two queues answer an agent with an empty list: shown only if a row is in it.
            lists = url in ("/staff/spam/", "/staff/quarantine/")
            shown = got.status_code == 200 and (not lists or "Útočník" in text_of(got))
            row.leaked += int(shown)
            row.refused += int(not shown)
            notes.append(f"{url.split('/')[2] if url.startswith('/staff') else 'admin'} "
                         f"{got.status_code}")  # fmt: skip
        export = who.post(f"/staff/gdpr/contacts/{contact.requester_id}/export", {})
        row.tried += 1
        zipped = export.status_code == 200 and "zip" in export.headers.get("content-type", "")
        row.leaked += int(zipped)
        row.refused += int(not zipped)
        notes.append(f"GDPR export {export.status_code}")
        if held is not None:
            who.post(f"/staff/spam/{held.pk}/release", {})
            held.refresh_from_db()
            row.tried += 1
            released = held.state != PayloadState.HELD
            row.leaked += int(released)
            row.refused += int(not released)
            notes.append("spam release " + ("DONE" if released else "refused"))
        draft = ArticleAttachment.objects.filter(published_at__isnull=True).order_by("pk").first()
        if draft is not None:
            who.post(f"/staff/knowledge/{draft.article_id}/publish", {})
            draft.refresh_from_db()
            row.tried += 1
            published = draft.published_at is not None
            row.leaked += int(published)
            row.refused += int(not published)
            notes.append("publish own file " + ("DONE" if published else "refused"))
        row.outcome = ", ".join(notes)
        return row


# --- the run ------------------------------------------------------------------------------------


def second_region_staff() -> None:
    """Set-up the demo lacks: a member of staff of another region, for the enumeration."""
    from vik.tenancy.choices import Role  # local import: needs django.setup()
    from vik.tenancy.models import Membership, User  # local import: needs django.setup()
    from vik.territory.models import Region  # local import: needs django.setup()

    region = Region.objects.exclude(code="3107").order_by("code").first()
    if region is None:
        raise RuntimeError("the territory has one region only")
    stranger, _ = User.objects.get_or_create(
        username="koordinator.jinde", defaults={"first_name": "Zbyněk", "last_name": "Cizokrajný"}
    )
    Membership.objects.get_or_create(user=stranger, region=region, centre=None, role=Role.ANALYST)


def table(rows: list[Row]) -> str:
    lines = [
        f"| {'attack class':<34} | tried | refused | leaked | outcome",
        f"|{'-' * 36}|-------|---------|--------|--------",
    ]
    for row in rows:
        state = " ERROR" if row.error else ""
        lines.append(
            f"| {row.name:<34} | {row.tried:>5} | {row.refused:>7} | {row.leaked:>6} | "
            f"{row.outcome}{state}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8114)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--cache-url",
        default="",
        help="VIK_CACHE_URL for the server, e.g. redis://127.0.0.1:6379/13 (default: the "
        "file-based cache of a single-machine install, in the temporary directory)",
    )
    options = parser.parse_args()
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="vik-attacks-"))
    env = environment(base)
    if options.cache_url:
        env["VIK_CACHE_URL"] = options.cache_url
    os.environ.update({k: v for k, v in env.items() if k.startswith(("VIK_", "DJANGO_"))})
    sys.path.insert(0, str(ROOT))
    print(f"Installation in {base}: demo data, static files …", flush=True)
    run(env, "demo", "--no-serve", "--requests", "60")
    run(env, "collectstatic", "--noinput")
    orm()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    second_region_staff()
    agents = sorted(
        u
        for u in (m.username for m in _agents())
        if u not in ("agent.trebic", "agent.jihlava", "agent.kraj")
    )
    replay = Replay(options.port)
    attacks: list[tuple[str, Callable[[], Row]]] = [
        ("brute force /staff/login/", lambda: replay.brute_force("/staff/login/", agents[0])),
        ("brute force /admin/login/", lambda: replay.brute_force("/admin/login/", agents[1])),
        ("2nd factor bypass", replay.mfa_bypass),
        ("knowledge file", replay.knowledge_file),
        ("form flood", lambda: replay.flood(honeypot=False)),
        ("form honeypot", lambda: replay.flood(honeypot=True)),
        ("bad input", replay.bad_input),
        ("xss", replay.xss),
        ("cross-centre read", replay.cross_centre),
        ("assign enumeration", replay.assign_enumeration),
        ("csrf", replay.csrf),
        ("headers", replay.headers),
        ("audit reads", replay.audit_reads),
        ("api hammer", replay.api_hammer),
        ("open redirect", replay.open_redirect),
        ("lock across addresses", lambda: replay.lock_across_addresses(agents[2])),
        ("tracking guess", replay.tracking_guess),
        ("agent escalation", replay.agent_escalation),
    ]
    rows: list[Row] = []
    with server(env, options.port, base):
        print(f"gunicorn on 127.0.0.1:{options.port}, attacking …", flush=True)
        for label, attack in attacks:
            try:
                rows.append(attack())
            except Exception as error:  # one broken class must not hide the rest
                traceback.print_exc()
                rows.append(Row(label, outcome=f"{type(error).__name__}: {error}", error=True))
            print(f"  {label}: done", flush=True)
    print()
    print(table(rows))
    total = time.monotonic() - started
    requests = sum(r.tried for r in rows)
    leaked = sum(r.leaked for r in rows)
    print(f"\n{requests} hostile requests, {leaked} leaked, {sum(r.error for r in rows)} classes "
          f"failed to run; total run time {total:.0f} s")  # fmt: skip
    if options.keep:
        print(f"Kept: {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)
    if leaked:
        return 1
    return 2 if any(r.error for r in rows) else 0


def _agents() -> list[Any]:
    from vik.tenancy.models import User  # local import: needs django.setup()

    return list(User.objects.filter(username__startswith="agent."))


if __name__ == "__main__":
    sys.exit(main())
