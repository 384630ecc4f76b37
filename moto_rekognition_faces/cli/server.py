"""Console script: a standalone moto server with the plugin active.

Takes moto_server's own options (``--host``, ``--port``, ``--ssl``...) and binds to 127.0.0.1
unless told otherwise.
"""

from __future__ import annotations

import sys

from ..api.graft import activate
from ..vision import profiles


def main(argv: list[str] | None = None) -> None:
    """Activate the plugin, then hand the arguments to ``moto.server.main``."""
    from moto.server import main as moto_main

    try:
        profiles.require_ready()
    except profiles.ProfileError as exc:
        sys.exit(f"moto-rekognition-faces: {exc}")
    activate()
    args = list(sys.argv[1:] if argv is None else argv)
    print("moto-rekognition-faces: Rekognition face APIs served by the real pipeline", flush=True)
    moto_main(args or ["--host", "127.0.0.1"])


if __name__ == "__main__":
    main()
