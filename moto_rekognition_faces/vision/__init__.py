"""The face pipeline: numpy in, dataclasses out. Knows nothing of moto, boto or AWS."""
