"""Handlers that write log lines, for the lab's CloudWatch Logs stand-in (:mod:`patterns.lab.logs`)."""

import logging
import sys
import threading
from typing import Any

print("init line")  # runs once per execution environment, at its cold start

_logger = logging.getLogger("tests.log_lines")
if not _logger.handlers:  # logging's loggers are process-wide: the lab's environments share this one
    _logger.addHandler(logging.StreamHandler(sys.stdout))
_logger.setLevel(logging.INFO)
_logger.propagate = False


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Print ``event["lines"]`` tagged with the request id; wait on ``event["wait"]`` first if given."""
    for number in range(int(event.get("lines", 1))):
        print(f"{event.get('tag', 'line')} {number} {context.aws_request_id}", end="")
        print()  # a line written in two pieces
    _logger.info("via logging %s", context.aws_request_id)
    sys.stderr.write(f"stderr {context.aws_request_id}\n")
    return {"request_id": context.aws_request_id, "thread": threading.current_thread().name}
