"""An image's size, read in a child process under a budget (`image_probe` says how, `budget`
why). Whatever goes wrong in the child becomes a refusal, never an exception of another kind and
never a wait longer than `Limits.image_wall_seconds`."""

from pathlib import Path

from evidence.budget import Budget, OverBudget, ProbeFailed, run_probe
from evidence.limits import Limits
from evidence.refusal import Exceeded, Refusal, Refused, Unit

PROBE = Path(__file__).with_name("image_probe.py")
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def image_size(path: Path, media_type: str, limits: Limits) -> tuple[int, int]:
    """Width and height of the image at `path`, read only as `media_type`, or Refused."""
    arguments = [str(path.resolve()), PILLOW_FORMATS[media_type], str(limits.max_pixels)]
    budget = Budget(limits.image_cpu_seconds, limits.image_memory_bytes, limits.image_wall_seconds)
    try:
        answer = run_probe(PROBE, arguments, budget)
    except OverBudget:
        raise Refused(
            Refusal.IMAGE_TOO_COMPLEX, "This image takes too long or too much memory to read."
        ) from None
    except ProbeFailed:
        raise bad_image() from None
    if answer.get("refused") == Refusal.TOO_MANY_PIXELS:
        raise too_many_pixels(limits, answer["actual"])
    if "refused" in answer:
        raise bad_image()
    return answer["width"], answer["height"]


def bad_image() -> Refused:
    return Refused(Refusal.BAD_IMAGE, "This image is damaged or incomplete.")


def too_many_pixels(limits: Limits, actual: int | None = None) -> Refused:
    megapixels = limits.max_pixels / 1_000_000
    return Refused(
        Refusal.TOO_MANY_PIXELS,
        f"This image has more than {megapixels:g} megapixels.",
        Exceeded(limits.max_pixels, Unit.PIXELS, actual),
    )
