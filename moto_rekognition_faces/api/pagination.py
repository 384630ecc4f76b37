"""Opaque NextToken pagination over a sorted list (tokens stay under the model's 255 chars)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TypeVar

from ..errors import InvalidPaginationTokenException

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 1000


def _scope_tag(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:12]


def paginate(
    items: list[T], scope: str, token: str | None, max_results: int | None
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the token for the next (None on the last page).

    ``scope`` names the listing (operation and resource), so a token from another listing is
    refused with InvalidPaginationTokenException as AWS does.
    """
    start = 0
    if token:
        try:
            tag, start = json.loads(base64.urlsafe_b64decode(token.encode()))
        except (ValueError, TypeError) as exc:
            raise InvalidPaginationTokenException() from exc
        if tag != _scope_tag(scope) or not isinstance(start, int) or start < 0:
            raise InvalidPaginationTokenException()
    size = max_results or DEFAULT_PAGE_SIZE
    page = items[start : start + size]
    end = start + len(page)
    if end >= len(items):
        return page, None
    encoded = json.dumps([_scope_tag(scope), end]).encode()
    return page, base64.urlsafe_b64encode(encoded).decode()
