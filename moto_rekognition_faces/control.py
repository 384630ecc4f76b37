"""Test control, the public face of :mod:`moto_rekognition_faces.api.control`.

Queue answers or errors for the next calls of an operation, fill the RecognizeCelebrities
catalogue, and decide Face Liveness outcomes::

    from moto_rekognition_faces import control
    control.queue_error("DetectFaces", "ThrottlingException")
"""

from .api.control import add_celebrity, queue_error, queue_response, set_liveness_result

__all__ = ["add_celebrity", "queue_error", "queue_response", "set_liveness_result"]
