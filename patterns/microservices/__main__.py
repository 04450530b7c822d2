"""``python -m patterns.microservices`` runs the demonstration; ``... serve --port 8000`` serves the
three services' APIs on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys

from patterns.microservices import demo


def serve(port: int) -> int:
    """Serve the three services on 127.0.0.1 until Ctrl-C, against the sandbox's moto."""
    from patterns.lab.gateway import serve_pattern
    from patterns.microservices.adapters import deploy_shop

    example = (
        "curl -i -X POST http://127.0.0.1:{port}/customers -H 'Content-Type: application/json' "
        '-d \'{{"email": "ada@example.com", "name": "Ada"}}\''
    )
    return serve_pattern(lambda sandbox: deploy_shop(sandbox).door, port=port, example=example)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m patterns.microservices", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    serving = commands.add_parser("serve", help="serve the three APIs on 127.0.0.1 (Ctrl-C stops it)")
    serving.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.port)
    return demo.main()


if __name__ == "__main__":
    sys.exit(main())
