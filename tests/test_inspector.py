"""The inspector page at /moto-api/rekognition/, read by a real headless Chromium."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boto3
import cv2
import numpy as np
import pytest

from moto_rekognition_faces import samples
from moto_rekognition_faces.api.inspector import page, thumbnails
from moto_rekognition_faces.state import store
from moto_rekognition_faces.state.collections import StoredFace
from moto_rekognition_faces.vision import profiles
from tests.conftest import photo
from tests.support import browser
from tests.support.assets import asset_path
from tests.support.cli import standalone_server

ACCOUNT, REGION = "123456789012", "us-east-1"
BIG = 250  # faces in the paged collection
INJECTED = "<script>alert(1)</script>"


class Elements(HTMLParser):
    """Every start tag of a document with its attributes, and the text."""

    def __init__(self, document: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(document)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def with_class(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.tags if name in a.get("class", "").split()]

    def named(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def prefill(folder: Path, count: int) -> None:
    """A collection of ``count`` stored faces (random unit vectors, one real thumbnail), as a
    previous run of the server would have left it."""
    pixels = cv2.imdecode(np.frombuffer(samples.read("astronaut"), np.uint8), cv2.IMREAD_COLOR)
    thumb = thumbnails.crop(pixels, np.array([170, 50, 340, 250]))
    db = store.Store(folder, "default")
    scoped = store.Scoped(db, ACCOUNT, REGION)

    class Big:
        collection_id, arn, created = (
            "big",
            f"arn:aws:rekognition:{REGION}:{ACCOUNT}:collection/big",
            0.0,
        )
        tags: dict[str, str] = {}
        face_model_version, profile = "7.0", "default"

    scoped.put_collection(Big)
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((count, profiles.active().dimensions)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    faces = [
        (
            StoredFace(f"{i:08d}-0000-4000-8000-000000000000", "img", f"person-{i}", {}, 99.0),
            v,
            thumb,
        )
        for i, v in enumerate(vectors)
    ]
    scoped.add_faces("big", faces, store.image_key("img", None), [f[0].face_id for f in faces])
    db.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("inspected")
    prefill(folder, BIG)
    sync = {"MOTO_REKOGNITION_FACES_VIDEO_SYNC": "1"}
    with standalone_server(env=sync, args=("--state-dir", str(folder))) as url:
        rekognition = boto3.client(
            "rekognition",
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        rekognition.create_collection(CollectionId="staff", Tags={"team": "blue"})
        indexed = rekognition.index_faces(
            CollectionId="staff",
            Image={"Bytes": samples.read("astronaut")},
            ExternalImageId="eileen",
        )
        rekognition.index_faces(
            CollectionId="staff", Image={"Bytes": photo("camera")}, QualityFilter="HIGH"
        )
        face_id = indexed["FaceRecords"][0]["Face"]["FaceId"]
        rekognition.create_user(CollectionId="staff", UserId="eileen-c")
        rekognition.associate_faces(CollectionId="staff", UserId="eileen-c", FaceIds=[face_id])
        astronaut = {"Bytes": samples.read("astronaut")}
        rekognition.compare_faces(SourceImage=astronaut, TargetImage=astronaut)
        rekognition.compare_faces(
            SourceImage=astronaut, TargetImage={"Bytes": samples.read("grace_hopper")}
        )
        rekognition.detect_faces(Image={"Bytes": samples.read("grace_hopper")}, Attributes=["ALL"])
        rekognition.search_faces_by_image(CollectionId="staff", Image=astronaut)
        s3 = boto3.client(
            "s3",
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket="videos")
        s3.put_object(
            Bucket="videos", Key="man.mp4", Body=asset_path("single_face_video").read_bytes()
        )
        video = {"S3Object": {"Bucket": "videos", "Name": "man.mp4"}}
        rekognition.start_face_search(Video=video, CollectionId="staff")  # finished (SYNC)
        with pytest.raises(rekognition.exceptions.InvalidParameterException):
            rekognition.describe_collection(CollectionId=INJECTED)
        yield url


def test_the_page_lists_collections_with_their_counts(server: str) -> None:
    dom = Elements(browser.dump_dom(f"{server}/moto-api/rekognition/"))
    rows = {link["href"]: link for link in dom.named("a") if "collection=" in link.get("href", "")}
    assert any("collection=staff" in h for h in rows) and any("collection=big" in h for h in rows)
    text = dom.all_text
    assert f"{ACCOUNT} {REGION} big {BIG} 0 default" in text
    assert f"{ACCOUNT} {REGION} staff 1 1 default" in text
    assert not dom.named("script")  # no script on the page, and none injected into it
    assert not any(t for t, a in dom.tags if t in ("link",) and "stylesheet" in a.get("rel", ""))


def test_recent_requests_show_annotated_images(server: str) -> None:
    dom = Elements(browser.dump_dom(f"{server}/moto-api/rekognition/"))
    text = dom.all_text
    labels = [a.get("title", "") for a in dom.with_class("box")]
    assert "Similarity 100.0" in labels  # the same photo matches itself
    assert "no match (< 80)" in labels  # Eileen Collins is not Grace Hopper
    assert any(label.startswith("not indexed: ") for label in labels)  # the camera man, HIGH
    assert any(label.startswith("indexed ") for label in labels)
    assert len(dom.with_class("pt")) >= 30  # landmarks of DetectFaces with ALL
    assert "0 match(es) at SimilarityThreshold 80, 1 face(s) below it" in text
    # A search shows the faces it matched, as the collection holds them.
    hits = [a for a in dom.named("img") if "hit" in a.get("class", "").split()]
    assert len(hits) == 1 and hits[0]["src"].startswith("data:image/jpeg;base64,")
    assert "(eileen)" in text
    # The request that tried to inject markup is shown as text, never as markup.
    assert INJECTED in text and not dom.named("script")
    images = [a["src"] for a in dom.named("img") if "/moto-api/rekognition/image?" in a["src"]]
    assert len(images) >= 6
    with urllib.request.urlopen(server + images[0], timeout=60) as answer:
        assert answer.headers["Content-Type"] == "image/jpeg"
        decoded = cv2.imdecode(np.frombuffer(answer.read(), np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None and max(decoded.shape[:2]) <= 960


def test_a_collection_shows_thumbnails_users_and_pages(server: str) -> None:
    base = f"{server}/moto-api/rekognition/?account={ACCOUNT}&region={REGION}"
    staff = Elements(browser.dump_dom(f"{base}&collection=staff"))
    thumbs = [a for a in staff.named("img") if a["src"].startswith("data:image/jpeg;base64,")]
    assert len(thumbs) == 2  # the face, and again under its user
    assert "eileen-c ACTIVE 1" in staff.all_text and "team=blue" in staff.all_text

    first = Elements(browser.dump_dom(f"{base}&collection=big"))
    tiles = first.with_class("face")
    assert len(tiles) == page.FACES_PER_PAGE
    assert f"page 1 of {-(-BIG // page.FACES_PER_PAGE)}" in first.all_text
    following = [a["href"] for a in first.named("a") if a.get("href") and "page=2" in a["href"]]
    last = Elements(
        browser.dump_dom(urllib.parse.urljoin(server, following[0]).replace("page=2", "page=3"))
    )
    assert len(last.with_class("face")) == BIG - 2 * page.FACES_PER_PAGE


def test_unknown_collection_and_request_answer_404_pages(server: str) -> None:
    odd = urllib.parse.urlencode({"account": "<i>", "region": "r", "collection": INJECTED})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server}/moto-api/rekognition/?{odd}", timeout=30)
    assert caught.value.code == 404
    shown = caught.value.read().decode()
    assert INJECTED not in shown and "&lt;script&gt;" in shown and "<i>" not in shown
    for query in (
        f"account={ACCOUNT}&region={REGION}&collection=nope",
        "request=999999",
        "job=nope&account=x&region=y",
        "page=abc&collection=big&account=1&region=2",
    ):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{server}/moto-api/rekognition/?{query}", timeout=30)
        assert caught.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server}/moto-api/rekognition/image?request=x", timeout=30)
    assert caught.value.code == 404


def test_one_request_has_its_own_page(server: str) -> None:
    index = Elements(browser.dump_dom(f"{server}/moto-api/rekognition/"))
    detail = next(a["href"] for a in index.named("a") if re.search(r"\?request=\d+$", a["href"]))
    dom = Elements(browser.dump_dom(urllib.parse.urljoin(server, detail)))
    assert dom.with_class("card") and dom.named("pre")
    # The CompareFaces of two people: its page says how similar the stranger was.
    compare = next(
        a["href"]
        for a in index.named("a")
        if "?request=" in a["href"] and "CompareFaces" in a.get("data-op", "")
    )
    dom = Elements(browser.dump_dom(urllib.parse.urljoin(server, compare)))
    labels = [a.get("title", "") for a in dom.with_class("box")]
    assert any(re.fullmatch(r"no match: Similarity \d+\.\d < 80", x) for x in labels), labels


def test_screenshot_renders(server: str, tmp_path: Path) -> None:
    shot = browser.screenshot(f"{server}/moto-api/rekognition/", tmp_path / "page.png")
    pixels: Any = cv2.imread(str(shot))
    assert pixels is not None and pixels.shape[:2] == (900, 1280)
    assert float(pixels.std()) > 10  # not a blank page


@pytest.mark.parametrize("kept", ["1", "0"])
def test_in_memory_thumbnails_and_their_opt_out(
    moto_server: str, monkeypatch: pytest.MonkeyPatch, aws_credentials: None, kept: str
) -> None:
    """Without a state folder thumbnails live in memory; THUMBNAILS=0 keeps none at all."""
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_THUMBNAILS", kept)
    urllib.request.urlopen(
        urllib.request.Request(f"{moto_server}/moto-api/reset", data=b"", method="POST")
    ).close()
    rekognition = boto3.client("rekognition", region_name=REGION, endpoint_url=moto_server)
    rekognition.create_collection(CollectionId="memory")
    rekognition.index_faces(CollectionId="memory", Image={"Bytes": samples.read("astronaut")})
    url = f"{moto_server}/moto-api/rekognition/?account={ACCOUNT}&region={REGION}"
    dom = Elements(browser.dump_dom(f"{url}&collection=memory"))
    thumbs = [a for a in dom.named("img") if a["src"].startswith("data:image/jpeg;base64,")]
    assert len(dom.with_class("face")) == 1
    assert len(thumbs) == (1 if kept == "1" else 0)


def test_a_video_job_shows_its_sampled_frames_with_their_results(server: str) -> None:
    index = Elements(browser.dump_dom(f"{server}/moto-api/rekognition/"))
    assert f"StartFaceSearch {ACCOUNT} {REGION} SUCCEEDED s3://videos/man.mp4" in index.all_text
    link = next(a["href"] for a in index.named("a") if "job=" in a.get("href", ""))
    dom = Elements(browser.dump_dom(urllib.parse.urljoin(server, link)))
    frames = [a for a in dom.named("img") if a["src"].startswith("data:image/jpeg;base64,")]
    assert 1 <= len(frames) <= page.FRAMES_SHOWN
    labels = [a.get("title", "") for a in dom.with_class("box")]
    assert labels and all(label.startswith("person ") for label in labels)
