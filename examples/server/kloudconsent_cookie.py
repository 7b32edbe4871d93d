"""Reads the visitor's KloudConsent decision from a request's Cookie header,
with the checks the widget itself applies (docs/stored-decision.md,
"Reading it on your server"). Standard library only; Python 3.8+.

    from kloudconsent_cookie import read_consent
    consent = read_consent(request.headers.get("Cookie"),
        revision=1,                                   # your config's `revision`
        categories=["necessary", "analytics", "functionality", "security", "marketing"],
        required=["necessary", "security"],
        services={"analytics": ["ga", "appinsights"]},  # if your categories have services
        shared_cookie=False)                          # see read_consent below
    if consent and consent.granted("analytics"):
        ...                                           # None: no decision: refuse

It never raises on what the request carries: a missing, malformed, expired,
stale or tampered value is None, which means no consent, exactly as the
widget treats it. Options that make no sense (your code's mistake, not the
visitor's) raise a TypeError at once.
"""

import re
import time

DAY_MS = 86_400_000
MAX_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
ID = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")
CONSENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}\Z")
WHOLE = re.compile(r"(0|[1-9][0-9]{0,18})\Z")
METHODS = {"a": "accept-all", "r": "reject-all", "c": "custom"}
ASCII_SPACE = " \t\n\f\r"  # the widget trims these only, not str.strip()'s wider set


def _whole(text, most):
    """A whole number written as the widget writes it (no sign, no leading 0)."""
    if not WHOLE.match(text):
        return None
    n = int(text)
    return n if n <= most else None


def _ids(value, what):
    try:
        ids = None if isinstance(value, str) else list(value)
    except TypeError:
        ids = None
    if ids is None or not all(isinstance(i, str) and ID.match(i) for i in ids):
        raise TypeError("kloudconsent_cookie: %s must be a list of ids" % what)
    return ids


def _checked(revision, categories, required, services, now):
    """Your options, checked once: a wrong one would silently count or refuse everything."""
    if isinstance(revision, bool) or not isinstance(revision, int) or not 0 <= revision <= 4294967295:
        raise TypeError("kloudconsent_cookie: revision must be your config's revision, a whole number")
    if now is None:
        now = int(time.time() * 1000)
    if isinstance(now, bool) or not isinstance(now, (int, float)):
        raise TypeError("kloudconsent_cookie: now must be Unix milliseconds")
    if not isinstance(services, dict):
        raise TypeError("kloudconsent_cookie: services must be {category: [service ids]}")
    services = {c: _ids(s, "services[%r]" % c) for c, s in services.items()}
    return _ids(categories, "categories"), _ids(required, "required"), services, now


class Consent:
    """A decision that counts: `method`, `revision`, `decided_at`,
    `expires_at` (Unix ms), `id`, and `granted(id)`."""

    def __init__(self, revision, decided_at, expires_at, method, consent_id, grants, categories, required, services):
        self.revision, self.decided_at, self.expires_at = revision, decided_at, expires_at
        self.method, self.id = method, consent_id
        self._grants, self._categories, self._required, self._services = grants, categories, required, services

    def granted(self, id):
        """As the widget's `accepted(id)`: a category, or a service as `analytics.ga`."""
        parts = str(id).split(".")
        category, known = parts[0], self._services.get(parts[0], [])
        if category not in self._categories or len(parts) > 2:
            return False
        if len(parts) == 2 and parts[1] not in known:  # not your service
            return False
        if category in self._required:
            return True
        if len(parts) == 1 and known:  # a category with services: granted when one of them is
            return any(self._grants.get(category + "." + s) is True for s in known)
        return self._grants.get(str(id)) is True


def parse_value(value, revision, categories, required=(), services=None, now=None):
    """One cookie value, checked; None when it does not count. A revision one
    above yours counts (a page from a stale cache amends the newer decision);
    two or more above, the value is not from your site."""
    categories, required, services, now = _checked(revision, categories, required, services or {}, now)
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
    return Consent(rev, decided, expires, METHODS[method], consent_id, grants, categories, required, services)


def _values(header, name):
    """Every value of cookie `name` in a raw Cookie header, in header order."""
    if isinstance(header, (bytes, bytearray)):  # raw ASGI headers
        header = header.decode("latin-1")
    found = []
    for pair in header.split(";") if isinstance(header, str) else []:
        key, eq, value = pair.partition("=")
        if eq and key.strip(ASCII_SPACE) == name:
            found.append(value.strip(ASCII_SPACE))
    return found


def read_consent(header, revision, categories, required=(), services=None, shared_cookie=False, now=None):
    """The decision in force for this request, or None (no consent).

    Reads the raw header (Flask: `request.headers.get("Cookie")`, Django:
    `request.META.get("HTTP_COOKIE")`), not a framework's parsed cookies:
    several `kloudconsent` cookies can arrive (a host-only one beside a
    parent-domain one) and frameworks keep either the first or the last; the
    newest valid one counts, as in the widget (one dated in the future counts
    as older than any other).

    `shared_cookie`: whether a plain `kloudconsent` cookie is yours to trust.
    True when your config sets `cookie.domain` (every subdomain writes it),
    on plain http, and on hosts with no parent domain (`localhost`, an IP
    address, a one-label intranet name), where the widget writes that name
    even on https. False on an https site without `cookie.domain`: only
    `__Host-kloudconsent` counts there, since a sibling subdomain can plant a
    plain `kloudconsent` for the parent domain.
    """
    categories, required, services, now = _checked(revision, categories, required, services or {}, now)
    names = ["__Host-kloudconsent", "kloudconsent"] if shared_cookie else ["__Host-kloudconsent"]

    def when(r):
        return float("-inf") if r.decided_at > now else r.decided_at

    best = None
    for name in names:
        for value in _values(header, name):
            read = parse_value(value, revision, categories, required, services, now)
            if read and (best is None or when(read) > when(best)):
                best = read
    return best
