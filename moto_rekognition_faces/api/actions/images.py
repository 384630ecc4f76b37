"""DetectFaces and CompareFaces: stateless actions on images."""

from __future__ import annotations

from typing import Any

from ... import config
from ...errors import InvalidParameterException
from ...inputs import images
from ...vision import cache
from .. import attributes, face_filter, serialize, similarity
from ..request import request_params

DEFAULT_SIMILARITY_THRESHOLD = 80.0
NO_FACES_MESSAGE = "There are no faces in the image. Should be at least 1."


class ImageActions:
    """Actions that only look at the images they are given."""

    current_account: str
    region: str

    def detect_faces(self) -> dict[str, Any]:
        params = request_params(self, "DetectFaces")
        selection = attributes.select(params.get("Attributes"))
        # Nothing but the detector reads the pixels of a DEFAULT request: a large JPEG is
        # decoded at reduced size (a 12 MP photo for a 1280-pixel detector input)
        side = cache.reduced_side(selection.needs)
        image = images.load(
            params.get("Image"), self.current_account, self.region, reduced_side=side
        )
        faces = cache.analyze(image, selection.needs, reduced_side=side)
        details = [serialize.face_detail(f, image.width, image.height, selection) for f in faces]
        return {"FaceDetails": details}  # encoded once, by dispatch.guarded

    def compare_faces(self) -> dict[str, Any]:
        params = request_params(self, "CompareFaces")
        level = params.get("QualityFilter", "NONE")
        threshold = float(params.get("SimilarityThreshold", DEFAULT_SIMILARITY_THRESHOLD))
        source = images.load(
            params.get("SourceImage"), self.current_account, self.region, "SourceImage"
        )
        target = images.load(
            params.get("TargetImage"), self.current_account, self.region, "TargetImage"
        )
        source_faces = [f for f in cache.analyze(source) if face_filter.passes(f, level)]
        if not source_faces:
            raise InvalidParameterException(NO_FACES_MESSAGE)
        source_face = source_faces[0]  # largest first
        detected = cache.analyze(target)
        if not detected and config.faceless_target_is_error():
            raise InvalidParameterException(NO_FACES_MESSAGE)
        # Faces the quality filter removes are not compared, and reported nowhere.
        target_faces = [f for f in detected if face_filter.passes(f, level)]

        probe = cache.embed(source, [source_face.detection.points5])[0]
        gallery = cache.embed(target, [f.detection.points5 for f in target_faces])
        scores = similarity.from_cosine(gallery @ probe) if len(target_faces) else []
        matches, unmatched = [], []
        for face, score in zip(target_faces, scores, strict=True):
            compared = serialize.compared_face(face, target.width, target.height)
            if similarity.reaches(score, threshold):
                matches.append({"Similarity": float(score), "Face": compared})
            else:
                unmatched.append(compared)
        matches.sort(key=lambda match: -match["Similarity"])
        return {
            "SourceImageFace": serialize.source_face(source_face, source.width, source.height),
            "FaceMatches": matches,
            "UnmatchedFaces": unmatched,
        }
