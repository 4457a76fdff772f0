"""A PDF's page count, read in a child process under a budget (`pdf_probe` says why,
`budget` how). Whatever goes wrong in the child becomes a refusal, never an exception of another
kind and never a wait longer than `Limits.pdf_wall_seconds`."""

from pathlib import Path

from evidence.budget import Budget, OverBudget, ProbeFailed, run_probe
from evidence.limits import Limits
from evidence.refusal import Exceeded, Refusal, Refused, Unit

PROBE = Path(__file__).with_name("pdf_probe.py")

MESSAGES = {
    Refusal.BAD_PDF: "This PDF is damaged or not a PDF the court can read.",
    Refusal.ENCRYPTED_PDF: "This PDF is password-protected or encrypted; please upload a copy "
    "without protection.",
    Refusal.PDF_TOO_COMPLEX: "This PDF takes too long or too much memory to read.",
}


def pdf_pages(path: Path, limits: Limits) -> int:
    """The number of pages of the PDF at `path`, or Refused."""
    arguments = [str(path.resolve()), str(limits.max_pages), str(limits.max_page_points)]
    budget = Budget(limits.pdf_cpu_seconds, limits.pdf_memory_bytes, limits.pdf_wall_seconds)
    try:
        answer = run_probe(PROBE, arguments, budget)
    except OverBudget:
        raise refused(Refusal.PDF_TOO_COMPLEX, limits) from None
    except ProbeFailed:
        raise refused(Refusal.BAD_PDF, limits) from None
    if "refused" in answer:
        raise refused(Refusal(answer["refused"]), limits, answer.get("actual"))
    pages = answer["pages"]
    assert isinstance(pages, int)
    return pages


def refused(code: Refusal, limits: Limits, actual: float | None = None) -> Refused:
    if code is Refusal.TOO_MANY_PAGES:
        exceeded = Exceeded(limits.max_pages, Unit.PAGES, actual)
        return Refused(code, f"This PDF has more than {limits.max_pages} pages.", exceeded)
    if code is Refusal.PAGE_TOO_LARGE:
        inches = limits.max_page_points / 72
        return Refused(
            code,
            f"A page of this PDF is larger than {inches:g} inches on a side.",
            Exceeded(limits.max_page_points, Unit.POINTS, actual),
        )
    return Refused(code, MESSAGES[code])
