"""Evidence: what an uploaded exhibit file is, and whether the court accepts it.

Imports nothing of the project but `recording.digest` (an exhibit is stored like a recording:
once, under its SHA-256). Modules: `inspection` (the API: a file in, an `Inspection` or a
`Refused` out), `sniff` (the kind of file from its first bytes), `pdf` and `pdf_probe` (the PDF
read in a child process under a CPU, memory and time budget), `image`, `media` (audio and
video), `limits`, `refusal` and `names` (the safe display name of a file as given).
"""

from evidence.inspection import Inspection, Kind, inspect_file
from evidence.limits import Limits
from evidence.names import display_name
from evidence.refusal import Refusal, Refused

__all__ = ["Inspection", "Kind", "Limits", "Refusal", "Refused", "display_name", "inspect_file"]
