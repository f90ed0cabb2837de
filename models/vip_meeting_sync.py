"""The mirror between a planned meeting and its calendar event: while it writes one
side, the other side must not mirror the change back.

The marker lives on the cursor, not in the context: any RPC client can send a
context key, and a context key that skips the mirror would let it desynchronise a
meeting from its event."""

from contextlib import contextmanager

KEY = "partner_vip_care.meeting_mirror"


@contextmanager
def mirroring(env):
    """Mark the writes made inside the block as the mirror's own."""
    depth = env.cr.cache.get(KEY, 0)
    env.cr.cache[KEY] = depth + 1
    try:
        yield
    finally:
        env.cr.cache[KEY] = depth


def is_mirroring(env):
    return env.cr.cache.get(KEY, 0) > 0
