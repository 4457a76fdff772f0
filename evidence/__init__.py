"""Evidence: what an uploaded exhibit file is, and whether the court accepts it.

Imports nothing of the project but `recording.digest` (an exhibit is stored like a recording:
once, under its SHA-256). Modules: `inspection` (the API: a file in, an `Inspection` or a
`Refused` out), `sniff` (the kind of file from its first bytes), `pdf`, `image` and `media`
(audio and video) with their probes `pdf_probe`, `image_probe` and `media_probe` (each file read
in a child process under a CPU, memory and time budget: `budget`, `budget_child`), `limits`,
`refusal` (why a file is refused, and the limit it went over) and `names` (the safe display name
of a file as given). For the screen and the archive: `pages` and `pdf_render` (a PDF's pages
drawn in one child process under a budget per page), `image_display` (an image upright, scaled
down, without its metadata), and `picture` (the WebP pictures both write).
"""

from evidence.image_display import display_images
from evidence.inspection import Inspection, Kind, inspect_file
from evidence.limits import Limits
from evidence.names import display_name
from evidence.pages import page_pictures
from evidence.picture import Picture
from evidence.refusal import Exceeded, Refusal, Refused, Unit

__all__ = [
    "Exceeded",
    "Inspection",
    "Kind",
    "Limits",
    "Picture",
    "Refusal",
    "Refused",
    "Unit",
    "display_images",
    "display_name",
    "inspect_file",
    "page_pictures",
]
