"""API for AHP: the `kpilib ahp` document in, weights and consistency out (product.md §6)."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Body, Router
from ninja.errors import HttpError

from kpilib.engine.ahp import (
    AhpInputError,
    PriorityMethod,
    ahp_report,
    ahp_request_from_document,
    report_document,
)

router = Router(tags=["ahp"])


@router.post("/ahp")
def ahp(
    request: HttpRequest,
    document: Annotated[dict[str, Any], Body()],
    method: str = "eigenvector",
) -> dict[str, Any]:
    """Weights, λmax, CI, CR and `consistent` for a matrix, judgements or a group of judges."""
    try:
        report = ahp_report(ahp_request_from_document(document), PriorityMethod(method))
    except AhpInputError as error:
        raise HttpError(422, "; ".join(str(problem) for problem in error.problems)) from None
    except ValueError:
        raise HttpError(422, f"method must be eigenvector or geometric, not {method!r}") from None
    return report_document(report)
