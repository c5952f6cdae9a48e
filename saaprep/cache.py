"""Redis as an accelerator only: an outage is logged once, and its end once, per process.

The "pages" cache (progress, exam results, dashboards) is django-redis with IGNORE_EXCEPTIONS:
while Redis is down every read is a miss and every write is dropped, so the pages render
uncached instead of answering 500. django-redis then logs each ignored error (with
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS), which would be one traceback per request for as long as
the outage lasts. `OncePerOutage`, a filter on that logger, lets the first one through and
drops the rest; `connected`, called by redis-py on every new connection, ends the outage, so the
next one is logged again. redis-py reconnects by itself on the next command once Redis is back:
caching resumes without a restart.

Settings import this module, so it imports nothing of Django's.
"""

import logging
import threading
from typing import Any

# The logger django-redis reports ignored errors to (settings.DJANGO_REDIS_LOGGER), filtered by
# OncePerOutage; the end of an outage is told on its parent, which that filter does not see.
LOGGER_NAME = "saaprep.cache.redis"
logger = logging.getLogger("saaprep.cache")


class _Outage:
    """Whether this process has seen Redis fail since it last connected (one per process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.dropped = 0

    def begin(self) -> bool:
        """True for the first failure of an outage, False for the ones after it."""
        with self.lock:
            first = not self.down
            self.down = True
            if not first:
                self.dropped += 1
            return first

    def end(self) -> int | None:
        """The number of failures left unlogged, or None if there was no outage."""
        with self.lock:
            if not self.down:
                return None
            dropped, self.down, self.dropped = self.dropped, False, 0
            return dropped


outage = _Outage()


class OncePerOutage(logging.Filter):
    """Passes the first record of an outage, reworded; drops the others until Redis is back."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The verdict goes on the record: logging configured twice (django.setup() run again)
        # leaves two of these filters on the logger, and the second must not count it again.
        first = getattr(record, "saaprep_outage_first", None)
        if first is None:
            first = outage.begin()
            record.saaprep_outage_first = first
            if first:
                self._reword(record)
        return bool(first)

    @staticmethod
    def _reword(record: logging.LogRecord) -> None:
        # One line, not the traceback: the cause is the same every time and says it all.
        error = record.exc_info[1] if record.exc_info else None
        record.msg = (
            "Redis is unreachable (%s): pages are served without the page cache until it is "
            "back; further errors are not logged"
        )
        record.args = (error.__cause__ or error if error else "no details",)
        record.exc_info = None
        record.exc_text = None


def connected(connection: Any) -> None:
    """redis-py's `redis_connect_func`: the usual handshake, then the end of any outage."""
    connection.on_connect()
    dropped = outage.end()
    if dropped is not None:
        logger.warning(
            "Redis is reachable again: the page cache is back (%d errors were not logged)", dropped
        )
