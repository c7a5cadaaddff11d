"""Operations endpoints and runtime: health checks, Prometheus metrics, the ``serve`` server."""
