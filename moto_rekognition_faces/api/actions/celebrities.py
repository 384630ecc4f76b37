"""RecognizeCelebrities and GetCelebrityInfo, against a catalogue that tests fill.

Nobody's likeness ships with this plugin: the catalogue starts empty (every face is then
unrecognized), and ``control.add_celebrity`` registers a person from a photo. Faces are
matched with the same ArcFace vectors and calibrated Similarity as CompareFaces.
"""

from __future__ import annotations

import json
from typing import Any

from ...errors import ResourceNotFoundException
from ...inputs import images
from ...vision import cache
from .. import serialize, similarity
from ..request import backend_of, request_params

MAX_CELEBRITY_FACES = 64
MATCH_THRESHOLD = 90.0  # Similarity a face needs to be named as a catalogue celebrity


def celebrity_info(entry: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {"Urls": entry["Urls"], "Name": entry["Name"]}
    if entry.get("KnownGender"):
        info["KnownGender"] = {"Type": entry["KnownGender"]}
    return info


class CelebrityActions:
    current_account: str
    region: str

    def recognize_celebrities(self) -> str:
        params = request_params(self, "RecognizeCelebrities")
        catalogue = backend_of(self).celebrities
        image = images.load(params.get("Image"), self.current_account, self.region)
        faces = cache.analyze(image, max_faces=MAX_CELEBRITY_FACES)
        vectors = cache.embed(image, [f.detection.points5 for f in faces])
        known = list(catalogue.values())
        recognized, unrecognized = [], []
        for face, vector in zip(faces, vectors, strict=True):
            compared = serialize.compared_face(face, image.width, image.height)
            scores = [float(similarity.from_cosine(entry["Vector"] @ vector)) for entry in known]
            best = max(range(len(scores)), key=scores.__getitem__, default=None)
            if best is None or scores[best] < MATCH_THRESHOLD:
                unrecognized.append(compared)
                continue
            entry = known[best]
            recognized.append(
                {
                    **celebrity_info(entry),
                    "Id": entry["Id"],
                    "Face": compared,
                    "MatchConfidence": scores[best],
                }
            )
        return json.dumps({"CelebrityFaces": recognized, "UnrecognizedFaces": unrecognized})

    def get_celebrity_info(self) -> str:
        params = request_params(self, "GetCelebrityInfo")
        entry = backend_of(self).celebrities.get(params["Id"])
        if entry is None:
            raise ResourceNotFoundException(f"The celebrity id: {params['Id']} does not exist.")
        return json.dumps(celebrity_info(entry))
