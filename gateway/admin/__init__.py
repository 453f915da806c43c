"""The admin API (``/admin/api``) and the caller's own records (``/v1/me``)."""
