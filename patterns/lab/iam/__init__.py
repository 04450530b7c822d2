"""IAM in the lab: policies evaluated as AWS evaluates them, and the calls functions actually made.

* :func:`evaluate` / :class:`Evaluation` - "can this principal do this action on this resource?" from
  identity policies: an explicit ``Deny`` wins, else an ``Allow`` allows, else the request is implicitly
  denied; ``Action``/``NotAction`` and ``Resource``/``NotResource`` with ``*`` and ``?`` wildcards;
  the condition operators the course uses (``String*``, ``Arn*``, ``Numeric*``, ``Bool``, ``IpAddress``,
  ``...IfExists``, ``ForAnyValue:``/``ForAllValues:``).
* :class:`CallRecorder` - every AWS call each local function made (a botocore hook per call, attributed
  to the execution environment's function), as IAM actions on resource ARNs; :func:`generate_policy`
  turns them into a least-privilege policy, as IAM Access Analyzer does from CloudTrail.

moto stores IAM policies but evaluates them only for some services (S3, SQS, IAM, STS) and only when
told to; the lab's evaluator answers for every service, offline and at once.
"""

from patterns.lab.iam.evaluator import Decision, Evaluation, Statement, evaluate, statements
from patterns.lab.iam.recorder import (
    CallRecorder,
    RecordedCall,
    generate_policy,
    iam_action,
    resource_arn,
)

__all__ = [
    "CallRecorder",
    "Decision",
    "Evaluation",
    "RecordedCall",
    "Statement",
    "evaluate",
    "generate_policy",
    "iam_action",
    "resource_arn",
    "statements",
]
