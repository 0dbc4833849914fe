"""
Sessions read from the shared cache, kept in the database (issue #17).

Every page of the booking path from the window choice on reads the session;
read from PostgreSQL that is a query a page. Django's ``cached_db`` engine
reads it from the cache (Redis in production) and writes both. This store is
that engine made safe for a cache that fails or is switched off by the
circuit breaker (portal/cache.py):

- every cache call fails over to the database (Django's own ``load`` and
  ``exists`` still raise when the cache does);
- an entry lives at most ``SESSION_CACHE_SECONDS`` (and never past the
  session's own expiry, which it carries and ``load`` checks, so that it
  holds whatever the cache's own clock does): a write that could not reach
  the cache leaves the previous entry there at most that long;
- a new session is not looked up first (its random key is new; the INSERT would refuse a
  repeated one);
- and a write that could not reach the cache moves the session to a new key
  (the cookie follows): the entry left behind under the old key is read by
  nobody, so a session never goes back to an older state when the cache
  comes back.

The database stays the one store of record: expired sessions are deleted
there (reservations/messaging/retention.py), and their cache entries end on
their own, sooner.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    """Django's cached_db sessions that fail over to the database on every cache error."""

    def _cache_age(self, expiry=None) -> int:
        return max(0, min(settings.SESSION_CACHE_SECONDS, self.get_expiry_age(expiry=expiry)))

    def _cache_set(self, data, expiry=None) -> bool:
        """Keep ``data`` in the cache; return whether the cache took it."""
        try:
            ends = self.get_expiry_date(expiry=expiry).timestamp()
            self._cache.set(self.cache_key, (ends, data), self._cache_age(expiry))
        except Exception:
            logger.warning("session cache unreachable; the session is read from the database", exc_info=True)
            return False
        return True

    def load(self):
        try:
            kept = self._cache.get(self.cache_key)
            reachable = True
        except Exception:
            kept, reachable = None, False
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] > timezone.now().timestamp():
            return kept[1]
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        if reachable:
            self._cache_set(data, expiry=row.expire_date)
        return data

    def _get_new_session_key(self):
        # No look-up of the new key (a query and a cache read on every new session): 32 random
        # characters do not repeat, and if one did, the INSERT of must_create would refuse it
        # and create() would draw again.
        return get_random_string(32, VALID_KEY_CHARS)

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            pass
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()  # create() saves under a new key
        DBStore.save(self, must_create)
        if self._cache_set(self._session) or must_create:
            return  # a new key has no older entry to leave behind
        # The cache may still hold the previous state under this key: move to a new one.
        old_key = self.session_key
        self._session_key = None
        self.create()
        DBStore.delete(self, old_key)

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        DBStore.delete(self, session_key)
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.warning("session cache unreachable; its entry ends on its own", exc_info=True)
