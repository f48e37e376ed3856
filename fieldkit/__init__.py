"""fieldkit: the web app and command line over the forms, sync and exports libraries."""

__version__ = "0.1.0"
