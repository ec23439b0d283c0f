"""Content's domain errors."""

from subgraphs.common.errors import BadInput, NotFound

__all__ = ["InvalidRegion", "TitleNotFound"]


class TitleNotFound(NotFound):
    def __init__(self, title_id: object) -> None:
        super().__init__(f"No title with id {title_id}.", id=title_id)


class InvalidRegion(BadInput):
    def __init__(self, region: str) -> None:
        super().__init__(
            f"Region must be an ISO 3166-1 alpha-2 code such as 'US', got {region!r}.",
            field="region",
        )
