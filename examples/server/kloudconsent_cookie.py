"""Reads the visitor's KloudConsent decision from a request's Cookie header,
with the checks the widget itself applies (docs/stored-decision.md,
"Reading it on your server"). Standard library only; Python 3.8+.

    from kloudconsent_cookie import read_consent
    consent = read_consent(request.headers.get("Cookie"),
        revision=1,                                   # your config's `revision`
        categories=["necessary", "performance", "functionality", "security", "marketing"],
        required=["necessary", "security"],
        shared_cookie=False)       # True with `cookie.domain`, or on plain http
    if consent and consent.granted("performance"):
        ...                        # None: no decision: refuse

It never raises: a missing, malformed, expired, stale or tampered value is
None, which means no consent, exactly as the widget treats it.
"""

import re
import time

DAY_MS = 86_400_000
MAX_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
ID = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")
CONSENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}\Z")
WHOLE = re.compile(r"(0|[1-9][0-9]{0,18})\Z")
METHODS = {"a": "accept-all", "r": "reject-all", "c": "custom"}


def _whole(text, most):
    """A whole number written as the widget writes it (no sign, no leading 0)."""
    if not WHOLE.match(text):
        return None
    n = int(text)
    return n if n <= most else None


class Consent:
    """A decision that counts: `method`, `revision`, `decided_at`,
    `expires_at` (Unix ms), `id`, and `granted(id)`."""

    def __init__(self, revision, decided_at, expires_at, method, consent_id, grants, categories, required):
        self.revision, self.decided_at, self.expires_at = revision, decided_at, expires_at
        self.method, self.id = method, consent_id
        self._grants, self._categories, self._required = grants, categories, required

    def granted(self, id):
        """Whether category (or service, `analytics.ga`) `id` is granted."""
        category = str(id).split(".")[0]
        if category not in self._categories:
            return False
        return category in self._required or self._grants.get(str(id)) is True


def parse_value(value, revision, categories, required=(), now=None):
    """One cookie value, checked; None when it does not count. A revision one
    above yours counts (a page from a stale cache amends the newer decision);
    two or more above, the value is not from your site."""
    now = int(time.time() * 1000) if now is None else now
    if not isinstance(value, str) or len(value) > 4096:
        return None
    fields = value.split("|")
    if len(fields) != 8 or fields[0] != "1":
        return None
    _, rev, decided, expires, method, consent_id, granted, denied = fields
    rev = _whole(rev, 4294967295)
    decided, expires = _whole(decided, MAX_MS), _whole(expires, MAX_MS)
    if None in (rev, decided, expires) or method not in METHODS or not CONSENT_ID.match(consent_id):
        return None
    grants, count = {}, 0
    for text, on in ((granted, True), (denied, False)):
        if text == "":
            continue
        for entry in text.split("."):
            # A service is written `<category>:<service>`; its id is `<category>.<service>`.
            parts = entry.split(":")
            if len(parts) > 2 or not all(ID.match(p) for p in parts):
                return None
            key = ".".join(parts)
            if key in grants:
                return None
            grants[key] = on
            count += len(parts) == 1
    if not 1 <= count <= 64:
        return None
    if decided > now + DAY_MS:  # decided in the future
        return None
    if expires <= decided or expires - decided > 3650 * DAY_MS:
        return None
    if expires <= now:  # expired: ask again
        return None
    if rev < revision or rev > revision + 1:  # an older policy's, or not from this site
        return None
    if not any(c in grants for c in categories):
        return None
    return Consent(rev, decided, expires, METHODS[method], consent_id, grants, list(categories), list(required))


def _values(header, name):
    """Every value of cookie `name` in a raw Cookie header, in header order."""
    found = []
    for pair in str(header or "").split(";"):
        key, eq, value = pair.partition("=")
        if eq and key.strip() == name:
            found.append(value.strip())
    return found


def read_consent(header, revision, categories, required=(), shared_cookie=False, now=None):
    """The decision in force for this request, or None (no consent).

    Reads the raw header, not a framework's parsed cookies: several
    `kloudconsent` cookies can arrive (a host-only one beside a parent-domain
    one) and frameworks keep either the first or the last; the newest valid
    one counts.

    `shared_cookie`: whether a plain `kloudconsent` cookie is yours to trust.
    True when your config sets `cookie.domain` (every subdomain writes it) or
    the site is plain http (no `__Host-` cookie there). Otherwise, on https,
    only `__Host-kloudconsent` counts: a sibling subdomain can plant a plain
    `kloudconsent` for the parent domain.
    """
    names = ["__Host-kloudconsent", "kloudconsent"] if shared_cookie else ["__Host-kloudconsent"]
    best = None
    for name in names:
        for value in _values(header, name):
            read = parse_value(value, revision, categories, required, now)
            if read and (best is None or read.decided_at > best.decided_at):
                best = read
    return best
