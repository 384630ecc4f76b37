"""The bundled photos that the demo and the README's examples rely on."""

from __future__ import annotations

import hashlib

import pytest

from moto_rekognition_faces import samples

# As recorded in moto_rekognition_faces/samples/PROVENANCE.md.
SHA256 = {
    "astronaut": "370adb9cb9dd03ca911ea316fb227495e01095398bc1f71188a3995209b9c81a",
    "grace_hopper": "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130",
}


def test_every_sample_is_the_recorded_file() -> None:
    assert samples.names() == tuple(SHA256)
    provenance = (samples.path("astronaut").parent / "PROVENANCE.md").read_text()
    for name, digest in SHA256.items():
        assert samples.path(name).is_file()
        assert hashlib.sha256(samples.read(name)).hexdigest() == digest
        assert digest in provenance


def test_an_unknown_sample_names_the_choices() -> None:
    with pytest.raises(ValueError, match="astronaut, grace_hopper"):
        samples.path("team")
