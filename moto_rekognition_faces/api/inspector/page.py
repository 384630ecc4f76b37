"""The inspector page of a server: ``GET /moto-api/rekognition/``.

Collections with their face and user counts; a collection's faces as thumbnails (paged) and its
users with their faces; video jobs; the last 50 requests with their image annotated. Registered
on moto's /moto-api routes by ``api/graft.py``, like the test-control route.
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections import OrderedDict
from typing import Any

from ...state.backend import FacesBackend, faces_backends
from . import render
from .recorder import RECORDER, Record

log = logging.getLogger(__name__)
ROUTE = "{0}/moto-api/rekognition/$"
IMAGE_ROUTE = "{0}/moto-api/rekognition/image$"
BASE = "/moto-api/rekognition/"
FACES_PER_PAGE = 120
USERS_PER_PAGE = 25
FACES_PER_USER_SHOWN = 6
HTML = {"Content-Type": "text/html; charset=utf-8"}

_images: OrderedDict[tuple[int, str], bytes | str] = OrderedDict()  # recent display copies
_images_lock = threading.Lock()
IMAGES_CACHED = 64


def _query(full_url: str) -> dict[str, str]:
    query = urllib.parse.urlsplit(full_url).query
    return {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value or default), 1)
    except ValueError:
        return default


def href(**params: Any) -> str:
    return BASE + ("?" + urllib.parse.urlencode(params) if params else "")


def nav() -> str:
    return (
        f"<a href='{BASE}'>collections</a><a href='{BASE}#jobs'>video jobs</a>"
        f"<a href='{BASE}#requests'>requests</a>"
    )


def backends() -> list[tuple[str, str, FacesBackend]]:
    """Every account and region that exists now (moto creates them on first use)."""
    found = []
    for account, regional in list(faces_backends.items()):
        for region, backend in list(regional.items()):
            found.append((account, region, backend))
    return sorted(found, key=lambda item: (item[0], item[1]))


def image_src(record: Record, member: str) -> str:
    return f"{BASE}image?" + urllib.parse.urlencode({"request": record.seq, "member": member})


def display_copy(record: Record, member: str) -> bytes | str:
    """The upright JPEG of a request's image, kept for the last few asked for."""
    key = (record.seq, member)
    with _images_lock:
        if key in _images:
            _images.move_to_end(key)
            return _images[key]
    made = render.display_jpeg(record, member)
    with _images_lock:
        _images[key] = made
        while len(_images) > IMAGES_CACHED:
            _images.popitem(last=False)
    return made


# -- views -----------------------------------------------------------------------------------


def index_view() -> str:
    esc = render.esc
    rows = []
    jobs = []
    for account, region, backend in backends():
        with backend.lock:
            for collection_id in sorted(backend.collections.by_id):
                c = backend.collections.by_id[collection_id]
                link = href(account=account, region=region, collection=collection_id)
                rows.append(
                    f"<tr><td>{esc(account)}</td><td>{esc(region)}</td>"
                    f"<td><a href='{esc(link)}'>{esc(collection_id)}</a></td>"
                    f"<td class='num'>{len(c.faces)}</td><td class='num'>{len(c.users)}</td>"
                    f"<td>{esc(c.profile)}</td><td>{esc(render.when(c.created))}</td></tr>"
                )
            for job in backend.jobs.by_id.values():
                s3 = (job.video or {}).get("S3Object") or {}
                link = href(account=account, region=region, job=job.job_id)
                jobs.append(
                    f"<tr><td title='{esc(job.job_id)}'>"
                    f"<a href='{esc(link)}'>{esc(job.job_id[:12])}…</a></td>"
                    f"<td>{esc(job.api)}</td><td>{esc(account)} {esc(region)}</td>"
                    f"<td class='{'ok' if job.status == 'SUCCEEDED' else 'err'}'>"
                    f"{esc(job.status)}</td>"
                    f"<td>s3://{esc(s3.get('Bucket', ''))}/{esc(s3.get('Name', ''))}</td>"
                    f"<td>{esc(job.job_tag or '')}</td><td class='num'>{len(job.results)}</td>"
                    f"<td>{esc(job.status_message or '')}</td></tr>"
                )
    body = ["<h2 id='collections'>Collections</h2>"]
    if rows:
        body.append(
            "<table><tr><th>account</th><th>region</th><th>collection</th><th>faces</th>"
            "<th>users</th><th>profile</th><th>created</th></tr>" + "".join(rows) + "</table>"
        )
    else:
        body.append("<p>No collection yet.</p>")
    body.append("<h2 id='jobs'>Video jobs</h2>")
    if jobs:
        body.append(
            "<table><tr><th>job</th><th>API</th><th>where</th><th>status</th><th>video</th>"
            "<th>tag</th><th>results</th><th>message</th></tr>" + "".join(jobs) + "</table>"
        )
    else:
        body.append("<p>No video job yet.</p>")
    recent = RECORDER.latest()
    body.append(f"<h2 id='requests'>Last {len(recent)} requests (newest first)</h2>")
    if recent:
        body.append("<div class='cards'>")
        body.extend(
            render.request_html(record, image_src, href(request=record.seq)) for record in recent
        )
        body.append("</div>")
    else:
        body.append("<p>No Rekognition request yet.</p>")
    return render.document("Rekognition: what the mock sees", "".join(body), nav())


def _face_tile(collection: Any, face_id: str, thumbs: dict[str, bytes]) -> str:
    esc = render.esc
    face = collection.faces[face_id]
    thumb = thumbs.get(face_id)
    image = (
        f"<img src='{render.data_uri(thumb)}' alt='face {esc(face_id)}'>"
        if thumb
        else "<div class='noimg'></div>"
    )
    lines = [f"<span title='{esc(face_id)}'>{esc(face_id[:8])}</span>"]
    if face.external_image_id:
        lines.append(esc(face.external_image_id))
    if face.user_id:
        lines.append(f"user {esc(face.user_id)}")
    return f"<div class='face'>{image}{'<br>'.join(lines)}</div>"


def collection_view(query: dict[str, str]) -> tuple[int, str]:
    esc = render.esc
    account, region = query.get("account", ""), query.get("region", "")
    collection_id = query.get("collection", "")
    backend = faces_backends.get(account, {}).get(region)  # type: ignore[call-overload]
    collection = backend.collections.by_id.get(collection_id) if backend else None
    title = f"Collection {collection_id}"
    if backend is None or collection is None:
        body = f"<p class='err'>No collection {esc(collection_id)} in {esc(account)} {esc(region)}."
        return 404, render.document(title, body, nav())
    page = _int(query.get("page"), 1)
    users_page = _int(query.get("users"), 1)
    with backend.lock:
        face_ids = sorted(collection.faces)
        pages = max((len(face_ids) + FACES_PER_PAGE - 1) // FACES_PER_PAGE, 1)
        page = min(page, pages)
        shown = face_ids[(page - 1) * FACES_PER_PAGE : page * FACES_PER_PAGE]
        users = list(collection.users.values())
        user_pages = max((len(users) + USERS_PER_PAGE - 1) // USERS_PER_PAGE, 1)
        users_page = min(users_page, user_pages)
        users = users[(users_page - 1) * USERS_PER_PAGE : users_page * USERS_PER_PAGE]
        wanted = shown + [f for u in users for f in u.face_ids[:FACES_PER_USER_SHOWN]]
        thumbs = {f: collection.thumbnails[f] for f in wanted if f in collection.thumbnails}
        thumbs |= backend.store.thumbnails(collection_id, wanted)
        tiles = [_face_tile(collection, face_id, thumbs) for face_id in shown]
        user_rows = []
        for user in users:
            faces = [
                _face_tile(collection, f, thumbs)
                for f in user.face_ids[:FACES_PER_USER_SHOWN]
                if f in collection.faces
            ]
            more = len(user.face_ids) - FACES_PER_USER_SHOWN
            user_rows.append(
                f"<tr><td>{esc(user.user_id)}</td><td>{esc(user.status)}</td>"
                f"<td class='num'>{len(user.face_ids)}</td><td><div class='faces'>"
                f"{''.join(faces)}{f'<span>and {more} more</span>' if more > 0 else ''}"
                "</div></td></tr>"
            )
        counts = (len(collection.faces), len(collection.users), collection.profile)
        tags = dict(collection.tags)

    def pager(key: str, current: int, total: int) -> str:
        if total <= 1:
            return ""
        base = {"account": account, "region": region, "collection": collection_id}
        base |= {"page": page, "users": users_page}
        links = []
        if current > 1:
            links.append(f"<a href='{esc(href(**(base | {key: current - 1})))}'>previous</a>")
        links.append(f"page {current} of {total}")
        if current < total:
            links.append(f"<a href='{esc(href(**(base | {key: current + 1})))}'>next</a>")
        return f"<div class='pager'>{' · '.join(links)}</div>"

    body = [
        f"<p>{esc(account)} · {esc(region)} · {counts[0]} faces · {counts[1]} users · "
        f"profile {esc(counts[2])}"
    ]
    if tags:
        body.append(" · tags " + ", ".join(f"{esc(k)}={esc(v)}" for k, v in sorted(tags.items())))
    body.append("</p><h2>Faces</h2>")
    body.append(pager("page", page, pages))
    body.append(f"<div class='faces'>{''.join(tiles)}</div>" if tiles else "<p>No face.</p>")
    body.append(pager("page", page, pages))
    body.append("<h2>Users</h2>")
    if user_rows:
        body.append(pager("users", users_page, user_pages))
        body.append(
            "<table><tr><th>user</th><th>status</th><th>faces</th><th></th></tr>"
            + "".join(user_rows)
            + "</table>"
        )
    else:
        body.append("<p>No user.</p>")
    return 200, render.document(title, "".join(body), nav())


def request_view(query: dict[str, str]) -> tuple[int, str]:
    record = RECORDER.get(_int(query.get("request"), 0))
    if record is None:
        body = "<p class='err'>That request is no longer among the last ones kept.</p>"
        return 404, render.document("Request", body, nav())
    card = render.request_html(record, image_src, big=True)
    return 200, render.document(f"Request #{record.seq} {record.operation}", card, nav())


FRAMES_SHOWN = 12


def _frame_marks(result: dict[str, Any]) -> render.Mark | None:
    """A job result drawn on its frame: a detected face, or a person and its best match."""
    person = result.get("Person")
    if isinstance(person, dict):
        face = person.get("Face") or {}
        box = person.get("BoundingBox") or face.get("BoundingBox")
        matches = [m for m in result.get("FaceMatches") or [] if isinstance(m, dict)]
        label = f"person {person.get('Index')}"
        if matches:
            best = matches[0].get("Face") or {}
            who = best.get("ExternalImageId") or str(best.get("FaceId", ""))[:8]
            label += f" = {who} {render.num(matches[0].get('Similarity'))}"
        kind = "match" if matches else "found"
        return render.Mark(box, label, kind, render.landmark_points(face)) if box else None
    face = result.get("Face")
    if isinstance(face, dict) and isinstance(face.get("BoundingBox"), dict):
        label = render.num(face.get("Confidence"))
        return render.Mark(face["BoundingBox"], label, "found", render.landmark_points(face))
    return None


def job_frames(job: Any, account: str, region: str) -> tuple[list[str], str | None]:
    """Up to 12 sampled frames that have results, each with its results drawn (decoded again
    from moto's S3 when the page asks), or why they cannot be shown."""
    import cv2

    from ... import config
    from ...inputs import videos

    stamps = list(dict.fromkeys(r.get("Timestamp") for r in job.results if isinstance(r, dict)))
    if not stamps:
        return [], None
    step = max(1, -(-len(stamps) // FRAMES_SHOWN))
    wanted = set(stamps[::step][:FRAMES_SHOWN])
    try:
        data = videos.read_s3_video((job.video or {}).get("S3Object"), account, region)
        frames: dict[int, bytes] = {}
        with videos.opened(data) as capture:
            for timestamp, frame in videos.sampled_frames(capture, config.video_sample_fps()):
                if timestamp in wanted:
                    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
                    if ok:
                        frames[timestamp] = jpeg.tobytes()
                if len(frames) == len(wanted) or timestamp > max(wanted):
                    break
    except Exception as exc:  # the video is gone from S3 (moto's S3 is not kept) or unreadable
        return [], f"the frames cannot be shown: {type(exc).__name__}"
    figures = []
    for timestamp in sorted(frames):
        found = [r for r in job.results if isinstance(r, dict) and r.get("Timestamp") == timestamp]
        drawn = [m for m in (_frame_marks(r) for r in found) if m is not None]
        figures.append(
            render.figure(render.data_uri(frames[timestamp]), None, drawn, f"{timestamp} ms")
        )
    return figures, None


def job_view(query: dict[str, str]) -> tuple[int, str]:
    esc = render.esc
    account, region = query.get("account", ""), query.get("region", "")
    backend = faces_backends.get(account, {}).get(region)  # type: ignore[call-overload]
    job = backend.jobs.by_id.get(query.get("job", "")) if backend else None
    if job is None:
        body = f"<p class='err'>No video job {esc(query.get('job', ''))} here.</p>"
        return 404, render.document("Video job", body, nav())
    s3 = (job.video or {}).get("S3Object") or {}
    body = [
        f"<p>{esc(job.api)} · {esc(job.status)} · s3://{esc(s3.get('Bucket', ''))}/"
        f"{esc(s3.get('Name', ''))} · {len(job.results)} results"
    ]
    if job.status_message:
        body.append(f" · {esc(job.status_message)}")
    body.append("</p>")
    if job.status == "SUCCEEDED":
        figures, problem = job_frames(job, account, region)
        if problem:
            body.append(f"<p>{esc(problem)}</p>")
        body.append(f"<div class='card big'><div class='shots'>{''.join(figures)}</div></div>")
    body.append(f"<details><summary>results</summary>{render.pretty(job.results)}</details>")
    return 200, render.document(f"Video job {job.job_id[:12]}…", "".join(body), nav())


# -- routes ----------------------------------------------------------------------------------


def page_route(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """``GET /moto-api/rekognition/``: the index, a collection, a video job or one request."""
    try:
        query = _query(full_url)
        if "request" in query:
            status, body = request_view(query)
        elif "job" in query:
            status, body = job_view(query)
        elif "collection" in query:
            status, body = collection_view(query)
        else:
            status, body = 200, index_view()
    except Exception as exc:  # a page, never a traceback
        log.exception("moto-rekognition-faces: the inspector page failed")
        body = f"<p class='err'>The page failed: {render.esc(type(exc).__name__)}</p>"
        return 500, HTML, render.document("Inspector", body, nav())
    return status, HTML, body


def image_route(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], Any]:
    """``GET /moto-api/rekognition/image?request=N&member=Image``: the upright image."""
    query = _query(full_url)
    record = RECORDER.get(_int(query.get("request"), 0))
    member = query.get("member", "Image")
    if record is None or member not in record.images():
        return 404, {"Content-Type": "text/plain"}, "no such image"
    try:
        made = display_copy(record, member)
    except Exception as exc:
        log.exception("moto-rekognition-faces: an inspector image failed")
        return 500, {"Content-Type": "text/plain"}, f"the image failed: {type(exc).__name__}"
    if isinstance(made, str):
        return 404, {"Content-Type": "text/plain"}, made
    return 200, {"Content-Type": "image/jpeg", "Cache-Control": "max-age=3600"}, made
