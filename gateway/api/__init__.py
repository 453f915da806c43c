"""HTTP layer: middleware, error rendering, dependencies and thin routes."""
