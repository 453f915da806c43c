"""Routes of the admin API, one module per concern (assembled in ``gateway.admin.router``)."""
