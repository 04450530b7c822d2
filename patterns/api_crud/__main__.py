"""``python -m patterns.api_crud`` runs the demonstration; ``... serve --port 8000`` serves the API."""

from __future__ import annotations

import argparse
import sys

from patterns.api_crud import demo


def serve(port: int, router: demo.Router) -> int:
    """Serve the items API on 127.0.0.1 until Ctrl-C, against the sandbox's moto."""
    from patterns.lab.gateway import serve_pattern

    example = (
        "curl -i -X POST http://127.0.0.1:{port}/items -H 'Content-Type: application/json' "
        '-d \'{{"name": "lamp", "price_cents": 1999}}\''
    )
    return serve_pattern(lambda sandbox: demo.deploy_api(sandbox, router), port=port, example=example)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m patterns.api_crud", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    serving = commands.add_parser("serve", help="serve the items API on 127.0.0.1 (Ctrl-C stops it)")
    serving.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    serving.add_argument("--router", choices=sorted(demo.ROUTERS), default="hand-written")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.port, args.router)
    return demo.main()


if __name__ == "__main__":
    sys.exit(main())
