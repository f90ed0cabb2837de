"""Parsing of what a portal client sends, shared by every VIP portal route:
strict, so that bad input gets a message or a 404, never a 500. ``str.isdigit``
accepts "²" and other non-ASCII digits that ``int`` refuses; PostgreSQL refuses
NUL characters in text; ids beyond PostgreSQL's integer fail in SQL."""

MAX_ID = 2**31 - 1


def parse_id(raw):
    """A record id from a URL or a form: ASCII digits within PostgreSQL's
    integer, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit():
        value = int(raw)
    else:
        return None
    return value if 0 < value <= MAX_ID else None


def parse_page(raw):
    """A pager's page number: 1 for anything that is not one."""
    return parse_id(raw) or 1


def text(raw):
    """A form or query value as stripped text: "" for a missing or repeated one."""
    return raw.strip() if isinstance(raw, str) else ""


def storable(value):
    """Whether the text can be stored and searched (no NUL character)."""
    return "\x00" not in value


def token(raw):
    """An access token as sent, or None when it cannot be one (Odoo compares
    tokens with ``hmac.compare_digest``, which refuses non-ASCII text)."""
    if isinstance(raw, str) and raw.isascii() and raw.isprintable():
        return raw
    return None
