"""An image exhibit made ready for the screen and the archive: turned upright as its EXIF
orientation says (a phone stores a portrait photo lying on its side and a tag to turn it), scaled
down to each width asked for (never up), and written as WebP without the original's EXIF and XMP
(which carry the camera, the time and often where the photo was taken). The exhibit file itself
is kept as it was uploaded; only these pictures lose the metadata.

It runs in this process: the file was read whole in a child process under a budget when it was
accepted (`evidence.image`), Pillow decodes only what the headers said, and `Limits.max_pixels`
is checked before that. A JPEG is decoded at a reduced scale when the
widest picture is half its size or less (`Image.draft`), which is most of the cost saved for a
camera's 12-megapixel photo.
"""

import math
from collections.abc import Sequence
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

from evidence.image import PILLOW_FORMATS, bad_image, too_many_pixels
from evidence.limits import Limits
from evidence.picture import IMAGE_NAME, METHOD, QUALITY, Picture

TURNED = {5, 6, 7, 8}
"""EXIF orientations that swap width and height."""
KEEP_PROFILE = {"RGB", "RGBA"}
"""Modes whose ICC colour profile still describes the picture after conversion (a CMYK or grey
profile does not describe the RGB it becomes)."""


def display_images(
    path: Path, media_type: str, folder: Path, widths: Sequence[int], limits: Limits
) -> list[Picture]:
    """Pictures of the image at `path` (read only as `media_type`), upright, at each width of
    `widths` or its own when narrower, written to `folder` as `picture.IMAGE_NAME`, from the
    widest; or Refused."""
    if not widths or min(widths) < 1:
        raise ValueError(f"widths must be whole pixels: {widths}")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with Image.open(path, formats=[PILLOW_FORMATS[media_type]]) as image:
            if image.width * image.height > limits.max_pixels:
                raise too_many_pixels(limits, image.width * image.height)
            upright = upright_image(image, max(widths))
    except Image.DecompressionBombError:
        raise too_many_pixels(limits) from None
    except (OSError, SyntaxError, ValueError):
        raise bad_image() from None
    pictures = []
    for target in sorted(set(widths), reverse=True):
        width = min(target, upright.width)
        size = (width, max(1, round(upright.height * width / upright.width)))
        picture = (
            upright if upright.size == size else upright.resize(size, Image.Resampling.LANCZOS)
        )
        destination = folder / IMAGE_NAME.format(width=target)
        part = destination.with_name(destination.name + ".part")
        picture.save(
            part,
            format="WEBP",
            quality=QUALITY,
            method=METHOD,
            icc_profile=upright.info.get("icc_profile"),
        )
        part.replace(destination)
        pictures.append(Picture(destination, *size, destination.stat().st_size))
    return pictures


def upright_image(image: Image.Image, width: int) -> Image.Image:
    """`image` decoded (a JPEG at the smallest scale still `width` wide once upright), turned
    as its EXIF orientation says, in RGB or RGBA. Of its metadata only an ICC profile that
    still applies is left in `info`."""
    turned = image.getexif().get(ExifTags.Base.Orientation) in TURNED
    upright_width = image.height if turned else image.width
    if width < upright_width:
        scale = width / upright_width
        image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    profile = image.info.get("icc_profile")
    mode = image.mode
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.has_transparency_data
    converted = upright.convert("RGBA" if has_alpha else "RGB")
    converted.info = {"icc_profile": profile} if profile and mode in KEEP_PROFILE else {}
    return converted
