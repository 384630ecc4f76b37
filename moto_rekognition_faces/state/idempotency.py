"""ClientRequestToken: a retried call with the same token gets the first call's answer."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..errors import IdempotentParameterMismatchException
from . import store as durable


class Idempotency:
    """Responses remembered per (operation, token), with a fingerprint of their parameters."""

    def __init__(
        self, lock: threading.RLock, store: durable.Scoped | durable.NullStore = durable.NULL
    ) -> None:
        self.lock = lock
        self.store = store
        self.seen: dict[tuple[str, str], tuple[str, str]] = {}  # → (fingerprint, response body)

    def once(
        self, operation: str, token: str | None, fingerprint: str, work: Callable[[], str]
    ) -> str:
        """Run ``work`` once per (operation, token); a retry with the same parameters gets the
        first response, one with other parameters IdempotentParameterMismatchException."""
        if not token:
            return work()
        with self.lock:
            seen = self.seen.get((operation, token))
            if seen is not None:
                if seen[0] != fingerprint:
                    raise IdempotentParameterMismatchException(
                        f"The ClientRequestToken: {token} you have supplied is already in use."
                    )
                return seen[1]
            body = work()
            self.store.put_token(operation, token, fingerprint, body)
            self.seen[(operation, token)] = (fingerprint, body)
            return body
