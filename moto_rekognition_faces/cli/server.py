"""Console script: a standalone moto server with the plugin active.

Takes moto_server's own options (``--host``, ``--port``, ``--ssl``...) and binds to 127.0.0.1
unless told otherwise. ``--state-dir DIR`` (or ``MOTO_REKOGNITION_FACES_STATE_DIR``) keeps
collections, faces, users and finished video jobs in DIR across restarts; the inspector page is
at ``/moto-api/rekognition/``.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import config
from ..api import warmup
from ..api.graft import activate
from ..state import backend, store
from ..vision import profiles


def _our_options(args: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Split off our own option; read moto's host and port (left in place) for the banner."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--state-dir")
    ours, rest = parser.parse_known_args(args)
    peek = argparse.ArgumentParser(add_help=False)
    peek.add_argument("-H", "--host", default="127.0.0.1")
    peek.add_argument("-p", "--port", default="5000")
    seen, _ = peek.parse_known_args(rest)
    ours.host, ours.port = seen.host, seen.port
    return ours, rest


def main(argv: list[str] | None = None) -> None:
    """Activate the plugin, load the state folder, then hand the arguments to
    ``moto.server.main``."""
    from moto.server import main as moto_main

    ours, args = _our_options(list(sys.argv[1:] if argv is None else argv))
    if ours.state_dir:
        os.environ[config.PREFIX + "STATE_DIR"] = ours.state_dir
    try:
        profiles.require_ready()
        scopes = backend.load_every_backend()
    except (profiles.ProfileError, store.StateError) as exc:
        sys.exit(f"moto-rekognition-faces: {exc}")
    activate()
    # A server is started to be used: graft now (moto's Rekognition module, our actions, numpy,
    # OpenCV) rather than in its first request.
    import moto.rekognition.responses  # noqa: F401

    warmup.start()  # the models' sessions build in the background while the server starts

    print("moto-rekognition-faces: Rekognition face APIs served by the real pipeline", flush=True)
    folder = config.state_dir()
    if folder is not None:
        print(
            f"moto-rekognition-faces: state kept in {folder} ({scopes} account/region loaded)",
            flush=True,
        )
    print(
        f"moto-rekognition-faces: inspector at http://{ours.host}:{ours.port}/moto-api/rekognition/",
        flush=True,
    )
    moto_main(args or ["--host", "127.0.0.1"])


if __name__ == "__main__":
    main()
