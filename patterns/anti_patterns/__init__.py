"""Pattern 24 · Anti-patterns: six ways serverless code goes wrong, each shown failing, then fixed.

**What it is.** Six mistakes that the earlier patterns avoid, run here on purpose so that their cost is
measured, not asserted: (1) a long job in one function that hits Lambda's 900 s timeout and loses its
progress, against chunks through a queue (pattern 08); (2) a function calling another synchronously and
paying for both while it waits, against composition by events (pattern 06); (3) state kept in memory,
which each execution environment counts on its own, against DynamoDB (pattern 04); (4) a secret hard-coded
in a handler, found by ``detect-secrets``, against Secrets Manager (pattern 21); (5) one multi-purpose
handler sized for its heaviest route, against single-purpose functions (pattern 01); (6) a function that
writes to the S3 bucket that triggers it, a recursive loop that the lab stops the way Lambda's recursive
loop detection does (:mod:`patterns.lab.recursion`), against a separate output bucket.

**What the example does.** Each anti-pattern runs the earlier pattern's own code (imported, never copied)
on moto and the local runtime; the long job runs on a work model on the virtual clock (no sleeping). The
loop runs a real handler (:mod:`patterns.anti_patterns.handlers`) on real S3 notifications: with Lambda's
default setting the chain stops after ``limits.RECURSIVE_LOOP_MAX_INVOCATIONS`` invocations; with the
setting ``Allow`` it runs until the lab's safety cap, and the dollars per hop come from the reports.

**When to use it.** Before a release: review each function against the six (ADR 0025).

**Trade-offs.** Every fix moves something out of the function (work into a queue, state into a table,
secrets into a store, routes into functions, outputs into another bucket): more resources to deploy and
pay for, in exchange for bounded failures and bills.

**References.** Lambda recursive loop detection
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html), Lambda quotas
(https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), Lambda anti-patterns
(https://docs.aws.amazon.com/lambda/latest/operatorguide/anti-patterns.html).

**TL;DR.** Chunk long work, compose by events, keep state outside, keep secrets in a store, split
functions by route, never write to the bucket that triggers you.
Run it: ``python -m patterns.anti_patterns``; explore it: ``notebooks/24-anti-patterns.ipynb``.
"""

__all__: list[str] = []  # import from the modules; the handlers' package stays light to initialise
