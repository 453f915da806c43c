"""Provider adapters: one small interface, one implementation per upstream API."""
