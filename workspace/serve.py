"""`retention web`: the workspace served by waitress (a production WSGI server), static files too."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"


def static_wrapped(application, prefix: str = "/static/"):
    """Serve the app's own static files (htmx, CSS) without a separate server: the intranet
    proxy may serve them itself, but the workspace works without one."""
    import mimetypes

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(prefix):
            target = (STATIC_DIR / path[len(prefix) :]).resolve()
            if target.is_relative_to(STATIC_DIR) and target.is_file():
                body = target.read_bytes()
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                start_response(
                    "200 OK",
                    [
                        ("Content-Type", kind),
                        ("Content-Length", str(len(body))),
                        ("Cache-Control", "max-age=3600"),
                    ],
                )
                return [body]
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        return application(environ, start_response)

    return app


def serve(host: str, port: int, threads: int = 8) -> None:
    """Migrate, then serve until stopped."""
    from waitress import serve as waitress_serve

    from workspace.boot import setup_django

    setup_django()
    from workspace.wsgi import application

    print(f"retention web: serving on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    waitress_serve(
        static_wrapped(application), host=host, port=port, threads=threads, ident="retention"
    )
