"""Public-domain photos shipped with the package, so the demo and examples need no file of yours.

``samples.path("astronaut")`` is the file (a :class:`~pathlib.Path` inside the installed package)
and ``samples.read("astronaut")`` its bytes. Provenance: ``PROVENANCE.md`` in this folder.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_FILES: dict[str, str] = {
    "astronaut": "astronaut.jpg",  # one woman, frontal, smiling (NASA)
    "grace_hopper": "grace_hopper.jpg",  # an elderly woman with eyeglasses and cap (US Navy)
}

__all__ = ["names", "path", "read"]


def names() -> tuple[str, ...]:
    """The names ``path`` and ``read`` accept."""
    return tuple(_FILES)


def path(name: str) -> Path:
    """Where the sample photo ``name`` is; a clear error names the choices for a typo."""
    try:
        filename = _FILES[name]
    except KeyError:
        raise ValueError(f"no sample photo {name!r}; choose one of {', '.join(_FILES)}") from None
    return _HERE / filename


def read(name: str) -> bytes:
    """The bytes of the sample photo ``name``, ready for ``Image={"Bytes": ...}``."""
    return path(name).read_bytes()
