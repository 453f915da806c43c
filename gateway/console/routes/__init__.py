"""Console pages, one module per concern (assembled in ``gateway.console.router``)."""
