"""moto-rekognition-faces: Amazon Rekognition's face APIs, real and offline, inside moto.

Importing the package activates it unless ``MOTO_REKOGNITION_FACES_DISABLE=1`` is set.
No model is loaded on import; each loads on first use.
"""

from __future__ import annotations

from . import config
from .api.graft import activate, deactivate, is_active

__version__ = "0.1.0"
__all__ = ["activate", "deactivate", "is_active", "__version__"]

if not config.disabled_on_import():
    activate()
