"""CJK fonts to print synthetic documents with.

Looked for in the font packages from PyPI this project installs (Noto Sans CJK from
`manimgx-fonts-cjk`, WenQuanYi Micro Hei from `paperang-p2-fonts-cjk`), then in the system's
fontconfig (`fc-list :lang=zh`, e.g. Debian's fonts-noto-cjk or fonts-wqy-zenhei).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont


@dataclass(frozen=True, slots=True)
class Face:
    path: str
    index: int = 0
    weight: str | None = None  # a named instance of a variable font, e.g. "Bold"


class NoCjkFontError(RuntimeError):
    pass


def _package_file(package: str, name: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for path in Path(folder).rglob(name):
            return path
    return None


def _packaged_faces() -> list[Face]:
    faces = []
    noto = _package_file("manimgx_fonts_cjk", "NotoSansCJK*.ttc")
    if noto:
        # Face 2 of the collection is Simplified Chinese; the variable font carries every weight.
        faces += [Face(str(noto), 2, weight) for weight in ("Regular", "Medium", "Bold")]
    wenquanyi = _package_file("paperang_p2_fonts_cjk", "wqy-microhei.ttc")
    if wenquanyi:
        faces.append(Face(str(wenquanyi), 0))
    return faces


def _system_faces() -> list[Face]:
    if shutil.which("fc-list") is None:
        return []
    listing = subprocess.run(
        ["fc-list", ":lang=zh", "file", "index"], capture_output=True, text=True, check=False
    ).stdout
    faces = []
    for line in sorted(set(listing.splitlines())):
        path, _, rest = line.partition(":")
        index = rest.strip().removeprefix("index=")
        if path.endswith((".ttf", ".ttc", ".otf")):
            faces.append(Face(path.strip(), int(index) if index.isdigit() else 0))
    return faces


@lru_cache(maxsize=1)
def cjk_faces() -> tuple[Face, ...]:
    faces = _packaged_faces() + _system_faces()
    if not faces:
        raise NoCjkFontError(
            "no CJK font found: install the PyPI packages manimgx-fonts-cjk and "
            "paperang-p2-fonts-cjk, or Debian's fonts-noto-cjk"
        )
    return tuple(faces)


# Faces of the Noto Sans CJK collection, by the region whose glyph forms they draw.
NOTO_REGIONS = {"JP": 0, "KR": 1, "SC": 2, "TC": 3, "HK": 4}


@lru_cache(maxsize=16)
def noto_face(region: str, weight: str) -> Face:
    """A face of the packaged Noto Sans CJK collection; any other CJK face where it is missing."""
    noto = _package_file("manimgx_fonts_cjk", "NotoSansCJK*.ttc")
    if noto is None:
        return cjk_faces()[0]
    return Face(str(noto), NOTO_REGIONS[region], weight)


@lru_cache(maxsize=1)
def wenquanyi_mono_face() -> Face:
    """WenQuanYi Micro Hei Mono, the second face of the packaged WenQuanYi collection (the first,
    proportional, is among the original generator's faces); any other CJK face where it is
    missing."""
    wenquanyi = _package_file("paperang_p2_fonts_cjk", "wqy-microhei.ttc")
    if wenquanyi is None:
        return cjk_faces()[0]
    return Face(str(wenquanyi), 1)


@lru_cache(maxsize=16)
def system_face(family: str, style: str) -> Face | None:
    """A face the system's fontconfig knows by family and style name (e.g. "Noto Serif CJK SC",
    "Bold"), or None."""
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(
        ["fc-list", f"{family}:style={style}", "file", "index"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    # Lines read "/path/to/file.ttc: :index=2".
    for line in sorted(listing.splitlines()):
        path, _, rest = line.partition(":")
        index = rest.strip().lstrip(":").removeprefix("index=")
        if path.endswith((".ttf", ".ttc", ".otf")) and index.isdigit():
            return Face(path.strip(), int(index))
    return None


@lru_cache(maxsize=256)
def font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    loaded = ImageFont.truetype(face.path, size, index=face.index)
    if face.weight:
        loaded.set_variation_by_name(face.weight)
    return loaded
