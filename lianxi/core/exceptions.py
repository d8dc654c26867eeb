class ApplicationError(Exception):
    """A rule of the platform refused the request; the message is shown to the user in Chinese."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
