"""``python -m patterns.microservices`` runs the demonstration; ``... serve --port 8000`` serves the
three services' APIs on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from patterns.microservices import demo


def serve(port: int) -> int:
    """Serve the three services on 127.0.0.1 until Ctrl-C, against the sandbox's moto."""
    from patterns.lab.exceptions import PortInUseError
    from patterns.lab.gateway import FrontDoor, HttpResponse, serve_until_interrupted
    from patterns.lab.sandbox import aws_sandbox
    from patterns.microservices.adapters import deploy_shop

    with aws_sandbox() as sandbox:
        shop = deploy_shop(sandbox)
        lock = threading.Lock()

        class SettlingDoor(FrontDoor):
            """Answers, then lets the events the request caused flow (the sandbox settles)."""

            def request(self, *args: Any, **kwargs: Any) -> HttpResponse:
                with lock:
                    response = super().request(*args, **kwargs)
                    sandbox.settle()
                return response

        door = SettlingDoor(shop.door.runtime, shop.door.routes, payload_format=shop.door.payload_format)
        print(
            f"try: curl -i -X POST http://127.0.0.1:{port}/customers -H 'Content-Type: application/json' "
            '-d \'{"email": "ada@example.com", "name": "Ada"}\''
        )
        try:
            serve_until_interrupted(door, port=port)
        except PortInUseError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    return 0


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
