"""The two kinds of failure virage tells apart."""


class ConfigError(Exception):
    """Fatal: the run cannot start (missing landing folder, invalid roster, campaigns or
    warehouse). The CLI prints the message as one line and exits non-zero."""


class FileRejected(Exception):
    """One landing file cannot be read as a whole; it is quarantined and the run goes on."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail


class WarehouseBusy(Exception):
    """Another virage run holds the warehouse's writer lock: this run did not start.
    The CLI prints the message as one line and exits 3."""
