"""HTML for what the mock saw: requests with their image annotated, collections, users, jobs.

Server-rendered, no script, no asset from elsewhere: the page at /moto-api/rekognition/ and the
self-contained pytest trace files share these functions. Every value that came from a request,
a response or the state is escaped. Boxes and landmarks are positioned in percent of the image,
as Rekognition gives them, over an upright copy of the image, so no pixel is drawn on.
"""

from __future__ import annotations

import base64
import datetime
import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import cv2

from ...errors import RekognitionError
from .recorder import Record

DISPLAY_SIDE = 960  # long side of the image copies shown
JSON_SHOWN = 20_000  # characters of a request or response shown before cutting
ImageSource = Callable[[Record, str], str | None]  # (record, member) → src URL or data: URI

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:baseline}
header a{color:#fff}header h1{font-size:18px;margin:0}
main{padding:12px 16px;max-width:1400px}
h2{font-size:16px;margin:20px 0 8px}
a{color:#0969da}
table{border-collapse:collapse;background:#fff}
td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eaeef2}
.num{text-align:right}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px;overflow:hidden}
.card h3{font-size:14px;margin:0 0 6px}
.ok{color:#1a7f37}.err{color:#cf222e;font-weight:600}
.shots{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0}figcaption{font-size:12px;color:#57606a}
.shot{position:relative;display:inline-block;max-width:100%}
.shot img{display:block;max-width:100%;height:auto}
.card figure{flex:1 1 45%;min-width:0}.card .shot img{max-height:200px}
.card.big .shot img{max-height:60vh}
.box{position:absolute;border:2px solid #bf8700;box-sizing:border-box}
.box.match{border-color:#1a7f37}.box.miss{border-color:#cf222e}.box.source{border-color:#0969da}
.label{position:absolute;left:-2px;bottom:100%;white-space:nowrap;font-size:11px;
  background:#bf8700;color:#fff;padding:0 3px}
.match .label{background:#1a7f37}.miss .label{background:#cf222e}.source .label{background:#0969da}
.pt{position:absolute;width:4px;height:4px;margin:-2px 0 0 -2px;border-radius:50%;
  background:#00e5ff;box-shadow:0 0 0 1px #000}
.faces{display:flex;flex-wrap:wrap;gap:6px}
.face{width:96px;font-size:11px;background:#fff;border:1px solid #d0d7de;padding:3px;
  overflow:hidden;text-overflow:ellipsis}
.face img,.noimg{width:64px;height:64px;object-fit:contain;display:block;background:#eaeef2}
ul.notes{margin:4px 0;padding-left:18px}
img.hit{width:32px;height:32px;object-fit:contain;vertical-align:middle}
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:6px;overflow:auto;max-height:400px;
  font-size:12px;white-space:pre-wrap;word-break:break-all}
.pager{margin:8px 0}
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def document(title: str, body: str, nav: str = "") -> str:
    """A whole page: inline CSS, no script, nothing fetched from elsewhere."""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1>{nav}</header><main>{body}</main></body></html>\n"
    )


def when(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def data_uri(jpeg: bytes, kind: str = "image/jpeg") -> str:
    return f"data:{kind};base64,{base64.b64encode(jpeg).decode()}"


def pretty(value: Any) -> str:
    text = json.dumps(value, indent=1, default=str)
    if len(text) > JSON_SHOWN:
        text = text[:JSON_SHOWN] + f"\n… ({len(text) - JSON_SHOWN:,} more characters)"
    return f"<pre>{esc(text)}</pre>"


# -- the image of a request, upright and small ---------------------------------------------


def display_jpeg(record: Record, member: str) -> bytes | str:
    """An upright JPEG of the request's image (at most 960 px), or why there is none."""
    from ...inputs import images

    try:
        loaded = images.load(record.params.get(member), record.account, record.region, member)
    except RekognitionError as exc:
        return f"{exc.error_type}: {exc.message}"
    except Exception as exc:  # the image is unusable or gone (e.g. S3 after a reset)
        return f"the image cannot be shown ({type(exc).__name__})"
    pixels = loaded.pixels
    scale = DISPLAY_SIDE / max(pixels.shape[:2])
    if scale < 1:
        size = (max(int(pixels.shape[1] * scale), 1), max(int(pixels.shape[0] * scale), 1))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return encoded.tobytes() if ok else "the image cannot be encoded"


# -- what to draw on it ----------------------------------------------------------------------


@dataclass
class Mark:
    """A box (ratios of the image, as Rekognition gives them), its points and its label."""

    box: dict[str, Any]
    label: str
    kind: str = "found"  # found, match, miss, source
    points: list[dict[str, Any]] = field(default_factory=list)


def num(value: Any, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) else "?"


def _detail_label(detail: dict[str, Any]) -> str:
    parts = [num(detail.get("Confidence"))]
    age = detail.get("AgeRange")
    if isinstance(age, dict):
        parts.append(f"{age.get('Low')}-{age.get('High')}")
    gender = detail.get("Gender")
    if isinstance(gender, dict):
        parts.append(str(gender.get("Value", ""))[:1])
    emotions = detail.get("Emotions")
    if isinstance(emotions, list) and emotions:
        top = max(emotions, key=lambda e: e.get("Confidence", 0) if isinstance(e, dict) else 0)
        parts.append(str(top.get("Type", "")))
    return " ".join(parts)


def landmark_points(face: Any) -> list[dict[str, Any]]:
    if not isinstance(face, dict) or not isinstance(face.get("Landmarks"), list):
        return []
    return [p for p in face["Landmarks"] if isinstance(p, dict)]


def _box_center(box: dict[str, Any]) -> tuple[float, float]:
    return (
        float(box.get("Left", 0)) + float(box.get("Width", 0)) / 2,
        float(box.get("Top", 0)) + float(box.get("Height", 0)) / 2,
    )


def unmatched_similarities(record: Record) -> list[float | None]:
    """For a CompareFaces answer, the Similarity of each unmatched face to the source face (AWS
    does not return it): the same detector, recognizer and curve run again, at render time and
    only when asked, so a developer sees by how much a face missed the threshold."""
    from ...inputs import images
    from ...vision import embedder, pipeline
    from .. import serialize, similarity

    unmatched = [f for f in record.response.get("UnmatchedFaces") or [] if isinstance(f, dict)]
    source_face = record.response.get("SourceImageFace") or {}
    if not unmatched or not isinstance(source_face.get("BoundingBox"), dict):
        return []
    try:
        loaded = [
            images.load(record.params.get(m), record.account, record.region, m)
            for m in ("SourceImage", "TargetImage")
        ]
    except Exception:  # the image is gone (S3 after a reset) or unusable
        return [None] * len(unmatched)

    def nearest(image: Any, box: dict[str, Any]) -> Any:
        faces = pipeline.find_faces(image.pixels)
        cx, cy = _box_center(box)

        def distance(face: Any) -> float:
            fx, fy = _box_center(serialize.bounding_box(face.box, image.width, image.height))
            return (fx - cx) ** 2 + (fy - cy) ** 2

        return min(faces, key=distance) if faces else None

    source, target = loaded
    probe_face = nearest(source, source_face["BoundingBox"])
    if probe_face is None:
        return [None] * len(unmatched)
    probe = embedder.embed(source.pixels, [probe_face.points5])[0]
    scores: list[float | None] = []
    for face in unmatched:
        found = nearest(target, face.get("BoundingBox") or {})
        if found is None:
            scores.append(None)
            continue
        vector = embedder.embed(target.pixels, [found.points5])[0]
        scores.append(float(similarity.from_cosine(float(vector @ probe))))
    return scores


def marks(record: Record, member: str, explain: bool = False) -> list[Mark]:
    """The boxes a response gives for the image in ``member``, labelled with what they mean;
    ``explain`` also works out what the response leaves out (how similar unmatched faces
    were), which runs the models again."""
    r, op = record.response, record.operation
    found: list[Mark] = []

    def add(box: Any, label: str, kind: str = "found", points: Any = None) -> None:
        if isinstance(box, dict):
            found.append(Mark(box, label, kind, points or []))

    def items(key: str, source: Any = None) -> list[dict[str, Any]]:
        value = (r if source is None else source).get(key)
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    if op == "CompareFaces":
        if member == "SourceImage":
            face = r.get("SourceImageFace") or {}
            add(face.get("BoundingBox"), f"source {num(face.get('Confidence'))}", "source")
        else:
            threshold = record.params.get("SimilarityThreshold", 80)
            for match in items("FaceMatches"):
                face = match.get("Face") or {}
                label = f"Similarity {num(match.get('Similarity'))}"
                add(face.get("BoundingBox"), label, "match", landmark_points(face))
            scores = unmatched_similarities(record) if explain else []
            for index, face in enumerate(items("UnmatchedFaces")):
                score = scores[index] if index < len(scores) else None
                label = f"no match (< {threshold})"
                if score is not None:
                    label = f"no match: Similarity {score:.1f} < {threshold}"
                add(face.get("BoundingBox"), label, "miss", landmark_points(face))
    elif op == "IndexFaces":
        for record_ in items("FaceRecords"):
            face, detail = record_.get("Face") or {}, record_.get("FaceDetail") or {}
            label = f"indexed {str(face.get('FaceId', ''))[:8]}"
            add(face.get("BoundingBox"), label, "match", landmark_points(detail))
        for face in items("UnindexedFaces"):
            detail = face.get("FaceDetail") or {}
            reasons = ", ".join(str(x) for x in face.get("Reasons") or [])
            add(
                detail.get("BoundingBox"),
                f"not indexed: {reasons}",
                "miss",
                landmark_points(detail),
            )
    elif op == "SearchFacesByImage":
        best = items("FaceMatches")[:1]
        label = "searched" + (f": best {num(best[0].get('Similarity'))}" if best else ": no match")
        add(r.get("SearchedFaceBoundingBox"), label, "source")
    elif op == "SearchUsersByImage":
        searched = (r.get("SearchedFace") or {}).get("FaceDetail") or {}
        best = items("UserMatches")[:1]
        user = best[0].get("User", {}).get("UserId") if best else None
        label = f"searched: {user} {num(best[0].get('Similarity'))}" if best else "searched"
        add(searched.get("BoundingBox"), label, "source", landmark_points(searched))
        for face in items("UnsearchedFaces"):
            detail = face.get("FaceDetails") or {}
            reasons = ", ".join(str(x) for x in face.get("Reasons") or [])
            add(detail.get("BoundingBox"), f"not searched: {reasons}", "miss")
    elif op == "RecognizeCelebrities":
        for celebrity in items("CelebrityFaces"):
            face = celebrity.get("Face") or {}
            label = f"{celebrity.get('Name')} {num(celebrity.get('MatchConfidence'))}"
            add(face.get("BoundingBox"), label, "match", landmark_points(face))
        for face in items("UnrecognizedFaces"):
            add(face.get("BoundingBox"), "unrecognized", "miss", landmark_points(face))
    elif op == "DetectProtectiveEquipment":
        for person in items("Persons"):
            add(person.get("BoundingBox"), f"person {person.get('Id')}", "source")
            for part in items("BodyParts", person):
                for item in items("EquipmentDetections", part):
                    covers = (item.get("CoversBodyPart") or {}).get("Value")
                    label = f"{item.get('Type')} {'covers' if covers else 'not covering'}"
                    add(item.get("BoundingBox"), label, "match" if covers else "miss")
    else:
        for index, detail in enumerate(items("FaceDetails"), 1):
            add(
                detail.get("BoundingBox"),
                f"#{index} {_detail_label(detail)}",
                "found",
                landmark_points(detail),
            )
    return found


def _pct(value: Any) -> str:
    return f"{float(value) * 100:.3f}%" if isinstance(value, int | float) else "0%"


def figure(src: str | None, problem: str | None, found: Iterable[Mark], caption: str) -> str:
    """The image with its boxes, labels and landmarks laid over it."""
    if src is None:
        return f"<figure><div class='noimg'></div><figcaption>{esc(problem or '')}</figcaption>"
    overlay = []
    for mark in found:
        b = mark.box
        style = (
            f"left:{_pct(b.get('Left'))};top:{_pct(b.get('Top'))};"
            f"width:{_pct(b.get('Width'))};height:{_pct(b.get('Height'))}"
        )
        overlay.append(
            f"<div class='box {esc(mark.kind)}' style='{style}' title='{esc(mark.label)}'>"
            f"<span class='label'>{esc(mark.label)}</span></div>"
        )
        overlay.extend(
            f"<span class='pt' style='left:{_pct(p.get('X'))};top:{_pct(p.get('Y'))}' "
            f"title='{esc(p.get('Type', ''))}'></span>"
            for p in mark.points
        )
    return (
        f"<figure><div class='shot'><img src='{esc(src)}' alt='{esc(caption)}' loading='lazy'>"
        f"{''.join(overlay)}</div><figcaption>{esc(caption)}</figcaption></figure>"
    )


# -- one request -----------------------------------------------------------------------------


def stored_thumbnails(record: Record, face_ids: list[str]) -> dict[str, bytes]:
    """Thumbnails of faces of the request's collection, while it still holds them."""
    from ...state.backend import faces_backends

    collection_id = record.params.get("CollectionId")
    backend = faces_backends.get(record.account, {}).get(record.region)  # type: ignore[call-overload]
    if backend is None or not isinstance(collection_id, str) or not face_ids:
        return {}
    with backend.lock:
        collection = backend.collections.by_id.get(collection_id)
        if collection is None:
            return {}
        found = {f: collection.thumbnails[f] for f in face_ids if f in collection.thumbnails}
        return found | backend.store.thumbnails(collection_id, face_ids)


def summary(record: Record) -> list[str]:
    """Short lines saying what the answer means (escaped HTML)."""
    r, op, lines = record.response, record.operation, []
    if record.error:
        code, message = record.error
        return [f"<span class='err'>{esc(code)}</span>: {esc(message)}"]
    if op == "CompareFaces":
        threshold = record.params.get("SimilarityThreshold", 80)
        matches, unmatched = r.get("FaceMatches") or [], r.get("UnmatchedFaces") or []
        lines.append(
            f"{len(matches)} match(es) at SimilarityThreshold {esc(threshold)}, "
            f"{len(unmatched)} face(s) below it"
        )
        for face in unmatched:
            if isinstance(face, dict):
                quality, pose = face.get("Quality") or {}, face.get("Pose") or {}
                lines.append(
                    "unmatched face: brightness "
                    f"{esc(num(quality.get('Brightness')))}, sharpness "
                    f"{esc(num(quality.get('Sharpness')))}, yaw {esc(num(pose.get('Yaw')))}°, "
                    f"pitch {esc(num(pose.get('Pitch')))}°"
                )
    elif op in ("SearchFaces", "SearchFacesByImage"):
        threshold = record.params.get("FaceMatchThreshold", 80)
        matches = [m for m in r.get("FaceMatches") or [] if isinstance(m, dict)]
        shown = stored_thumbnails(
            record, [str((m.get("Face") or {}).get("FaceId")) for m in matches]
        )
        for match in matches:
            face = match.get("Face") or {}
            thumb = shown.get(str(face.get("FaceId")))
            image = (
                f"<img class='hit' src='{data_uri(thumb)}' alt='matched face'> " if thumb else ""
            )
            external = face.get("ExternalImageId", "no ExternalImageId")
            lines.append(
                f"{image}Similarity {esc(num(match.get('Similarity')))}: "
                f"{esc(face.get('FaceId'))} ({esc(external)})"
            )
        if not r.get("FaceMatches"):
            lines.append(f"no face at FaceMatchThreshold {esc(threshold)} or above")
    elif op in ("SearchUsers", "SearchUsersByImage"):
        for match in r.get("UserMatches") or []:
            user = match.get("User") or {}
            lines.append(
                f"Similarity {esc(num(match.get('Similarity')))}: user {esc(user.get('UserId'))}"
            )
        if not r.get("UserMatches"):
            lines.append("no user matched")
    elif op == "IndexFaces":
        lines.append(
            f"{len(r.get('FaceRecords') or [])} indexed, "
            f"{len(r.get('UnindexedFaces') or [])} not indexed"
        )
    elif op == "DetectFaces":
        lines.append(f"{len(r.get('FaceDetails') or [])} face(s)")
    return lines


def request_html(
    record: Record, source: ImageSource, href: str | None = None, big: bool = False
) -> str:
    """One request: what was asked, the image(s) annotated, what it means, the raw JSON."""
    status = f"<span class='{'ok' if record.ok else 'err'}'>{record.status}</span>"
    title = f"#{record.seq} {esc(record.operation)}"
    if href is not None:
        title = f"<a href='{esc(href)}' data-op='{esc(record.operation)}'>{title}</a>"
    parts = [
        f"<div class='card{' big' if big else ''}' id='request-{record.seq}'>",
        f"<h3>{title} {status}</h3>",
        f"<div>{esc(when(record.when))} · {esc(record.account)} · {esc(record.region)}",
    ]
    collection = record.params.get("CollectionId")
    if isinstance(collection, str):
        parts.append(f" · collection {esc(collection)}")
    parts.append("</div>")
    shots = []
    for member in record.images():
        src = source(record, member)
        problem = None
        if src is None:
            problem = "image not available"
        drawn = marks(record, member, explain=big) if record.ok else []
        shots.append(figure(src, problem, drawn, member))
    if shots:
        parts.append(f"<div class='shots'>{''.join(shots)}</div>")
    notes = summary(record)
    if notes:
        parts.append("<ul class='notes'>" + "".join(f"<li>{n}</li>" for n in notes) + "</ul>")
    parts.append(f"<details{' open' if big else ''}><summary>request</summary>")
    parts.append(pretty(record.shown_params()) + "</details>")
    parts.append(f"<details{' open' if big else ''}><summary>response</summary>")
    parts.append(pretty(record.response or str(record.answer)) + "</details></div>")
    return "".join(parts)


def trace_source(record: Record, member: str) -> str | None:
    """Images inline as data: URIs, for files that must stand alone."""
    jpeg = display_jpeg(record, member)
    return data_uri(jpeg) if isinstance(jpeg, bytes) else None


def trace(test_id: str, outcome: str, records: list[Record], longrepr: str = "") -> str:
    """A self-contained HTML file: every Rekognition request of one test, annotated."""
    body = [f"<p>{esc(test_id)}: <b class='{'ok' if outcome == 'passed' else 'err'}'>"]
    body.append(f"{esc(outcome)}</b>, {len(records)} Rekognition request(s)</p>")
    if longrepr:
        body.append(f"<details open><summary>failure</summary>{pretty_text(longrepr)}</details>")
    body.extend(request_html(record, trace_source, big=True) for record in records)
    if not records:
        body.append("<p>No Rekognition request was made.</p>")
    return document(f"Rekognition trace: {test_id}", "".join(body))


def pretty_text(text: str) -> str:
    if len(text) > JSON_SHOWN:
        text = text[:JSON_SHOWN] + "\n…"
    return f"<pre>{esc(text)}</pre>"
