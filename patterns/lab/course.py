"""The course's 24 patterns (the syllabus), its capstone, and which of their parts this copy of the course
holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["CAPSTONE", "COURSE", "COURSE_ROOT", "PATTERNS", "Pattern", "PatternParts", "course_map"]

COURSE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Pattern:
    """One pattern of the syllabus: its number, slug (folder and notebook names) and title."""

    number: int
    slug: str
    title: str

    @property
    def package(self) -> str:
        """The slug with underscores: the pattern's package (``patterns.<package>``) and exercise folder."""
        return self.slug.replace("-", "_")

    @property
    def notebook(self) -> str:
        """The notebook's file name, e.g. ``03-cold-starts.ipynb``."""
        return f"{self.number:02d}-{self.slug}.ipynb"


PATTERNS: tuple[Pattern, ...] = tuple(
    Pattern(number, slug, title)
    for number, (slug, title) in enumerate(
        [
            ("faas", "Function as a Service, single-purpose functions"),
            ("api-crud", "API Gateway + Lambda + DynamoDB REST API"),
            ("cold-starts", "Cold starts and their mitigation"),
            ("state", "Externalised state and caching"),
            ("event-driven", "Event-driven processing"),
            ("choreography", "Function composition by events"),
            ("pubsub", "Publish/subscribe fan-out"),
            ("fan-out", "Fan-out / fan-in"),
            ("queue-batching", "Queue-based load levelling and batching economics"),
            ("streams", "Stream processing"),
            ("scheduled-webhook", "Scheduled jobs and webhooks"),
            ("microservices", "Microservices integration"),
            ("cqrs", "CQRS with an event store and projections"),
            ("saga", "Sagas for distributed transactions"),
            ("step-functions", "Workflow orchestration"),
            ("retries", "Retries, backoff and dead-letter queues"),
            ("idempotency", "Idempotent handlers"),
            ("circuit-breaker", "Circuit breaker"),
            ("observability", "Logging, metrics, tracing"),
            ("security", "Function-level security"),
            ("secrets-config", "Secrets and configuration"),
            ("cost", "Cost optimisation"),
            ("deploy-test", "Deployment and testing"),
            ("anti-patterns", "Anti-patterns"),
        ],
        start=1,
    )
)

# Not a pattern of the syllabus: the last notebook, where the learner assembles an order system from the
# patterns (its glue in ``patterns/capstone``, its exercise in ``exercises/capstone``).
CAPSTONE = Pattern(25, "capstone", "Capstone: an order system assembled from the patterns")
# Every notebook that ends with an exercise, in the course's order: the 24 patterns, then the capstone.
COURSE: tuple[Pattern, ...] = (*PATTERNS, CAPSTONE)


@dataclass(frozen=True)
class PatternParts:
    """Which parts of ``pattern`` exist under the course root."""

    pattern: Pattern
    module: bool
    notebook: bool
    exercise: bool

    @property
    def available(self) -> bool:
        """True when the module, the notebook and the exercise are all there."""
        return self.module and self.notebook and self.exercise


def course_map(root: Path = COURSE_ROOT) -> list[PatternParts]:
    """Every pattern of the syllabus, in order, with the parts found in the course at ``root``."""
    return [
        PatternParts(
            pattern,
            module=(root / "patterns" / pattern.package / "__main__.py").is_file(),
            notebook=(root / "notebooks" / pattern.notebook).is_file(),
            exercise=(root / "exercises" / pattern.package / "exercise.toml").is_file(),
        )
        for pattern in PATTERNS
    ]
