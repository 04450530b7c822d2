"""``python -m patterns.security`` runs the demonstration; ``... serve --port 8002`` serves the items API
behind its JWT authorizer and prints a reader's and a writer's token to call it with."""

from __future__ import annotations

import argparse
import sys

from patterns.security import demo


def serve(port: int) -> int:
    """Serve the API on 127.0.0.1 until Ctrl-C, against the sandbox's moto."""
    from patterns.lab.exceptions import PortInUseError
    from patterns.lab.gateway import serve_until_interrupted
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox, demo.security_lab(sandbox) as lab:
        reader, writer = lab.token("rita", demo.READER), lab.token("walt", demo.WRITER)
        print(f"reader token (items:read): {reader}")
        print(f"writer token (items:read items:write): {writer}")
        print(f"try: curl -i http://127.0.0.1:{port}/items -H 'Authorization: Bearer {reader[:12]}...'")
        try:
            serve_until_interrupted(lab.door, port=port)
        except PortInUseError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m patterns.security", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    serving = commands.add_parser("serve", help="serve the items API on 127.0.0.1 (Ctrl-C stops it)")
    serving.add_argument("--port", type=int, default=8002, help="port on 127.0.0.1 (default 8002)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.port)
    return demo.main()


if __name__ == "__main__":
    sys.exit(main())
