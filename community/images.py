"""Pictures people upload, made safe to keep and to show: the type read from the content,
never from a name or a browser's word; huge or broken pictures refused; what is kept is a
fresh encode, turned upright, at most LONGEST_SIDE pixels long, without any metadata (no
GPS position, camera or date), in sRGB. A picture sent with a form is cleaned off the
event loop and refused next to its field."""

from __future__ import annotations

import asyncio
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from community import forms, storage
from community.i18n import _

MAX_BYTES = 10 * 1024 * 1024
# Decoding takes about 4 bytes a pixel: past the largest phone cameras' 50 million, a small
# file may be a "decompression bomb" that fills the memory.
MAX_PIXELS = 50_000_000
LONGEST_SIDE = 1600
ACCEPTED = ("JPEG", "PNG", "WEBP")
CONTENT_TYPE = "image/webp"
QUALITY = 82
# What ISO base media files (HEIC, AVIF) say in their first bytes, after the box size.
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
SRGB = ImageCms.createProfile("sRGB")


class Refused(Exception):
    """A picture that is not kept; the message says why, in the reader's language."""


@dataclass(frozen=True)
class Picture:
    content: bytes
    width: int
    height: int
    content_type: str = CONTENT_TYPE


def clean(content: bytes, longest_side: int = LONGEST_SIDE) -> Picture:
    """The picture to keep, made from what was sent, at most `longest_side` pixels long;
    Refused for anything else."""
    if len(content) > MAX_BYTES:
        raise Refused(too_large())
    if content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS:
        raise Refused(_("HEIC photos cannot be read here: send it as JPEG, PNG or WebP."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(content, longest_side)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(_("This picture has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # What Pillow raises on a file it cannot read through; never shown to the person.
        raise Refused(_("This file is not a picture Ruche can read (JPEG, PNG or WebP).")) from None


def too_large() -> str:
    return _("The picture is too large: %(mb)s MB at most.", mb=MAX_BYTES // (1024 * 1024))


def _open(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content), formats=ACCEPTED)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise Image.DecompressionBombError("too many pixels")
    return image


def _reencode(content: bytes, longest_side: int) -> Picture:
    _open(content).verify()  # the whole file checked; the image cannot be used after this
    image = _open(content)
    image.load()
    image = ImageOps.exif_transpose(image)  # upright, as the camera meant it
    image = _in_srgb(image)
    image.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    # A new image holds the pixels only: nothing of the original's metadata comes along.
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    fresh.save(out, "WEBP", quality=QUALITY, method=4)
    return Picture(out.getvalue(), fresh.width, fresh.height)


def _in_srgb(image: Image.Image) -> Image.Image:
    """The pixels in sRGB, with or without transparency: a picture with its own colour
    profile is converted to sRGB, so that the profile can be left out."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA"):
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, SRGB, outputMode=image.mode)
        if converted is not None:
            image = converted
    return image.convert(mode)


# --- a picture sent with a form -------------------------------------------------------------

# The form field a picture is sent in, wherever one is sent.
FIELD = "photo"


@dataclass(frozen=True)
class Upload:
    """A file sent with a form (a message, a journal entry), and the storage it is to be
    kept in."""

    content: bytes
    media: storage.Storage


@dataclass(frozen=True)
class Cleaned:
    """The picture made from an upload, ready to be kept where the upload was to go."""

    picture: Picture
    media: storage.Storage


async def cleaned(upload: Upload, data: Mapping[str, str]) -> Cleaned:
    """The picture to keep; a refusal is said next to the field, with what was typed."""
    try:
        # Decoding and encoding take a while: the other requests go on meanwhile.
        picture = await asyncio.to_thread(clean, upload.content)
    except Refused as refused:
        raise forms.FormError({FIELD: str(refused)}, data) from None
    return Cleaned(picture, upload.media)
