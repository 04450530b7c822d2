"""Pattern 23 - Deployment and testing.

**Intent.** Deploy a pattern from a template that is checked, release new code to a small share of
traffic first and take it back automatically when it fails, and test each layer at the tier that
catches its bugs cheapest.

**Problem.** A deploy that "succeeds" can still miss resources (moto's CloudFormation, like a tool that
skips what it does not know, reports ``CREATE_COMPLETE`` without the types it does not implement); a
release to all traffic at once turns one bad version into every user's error; a suite with too few
fast tests and too many slow ones is run less often.

**Solution.**

* plain CloudFormation (a template in ``templates/``), read and checked before deploying (clear messages,
  no traceback), and every declared resource looked up after it, in ``ListStackResources`` and with its
  service's describe call;
* the stack's functions wired to the local runtime with the template's handler, memory, timeout and
  variables, and pattern 02's integration checks run against the deployed stack;
* versions and an alias with ``AdditionalVersionWeights``: a canary gets a share of requests; its error
  rate over virtual minutes decides rollback or promotion (CodeDeploy's canary shape);
* the test pyramid counted on this course's own suite.

**Where it runs here.** CloudFormation, Lambda versions and aliases in moto; the routing by weight in the
lab (:mod:`patterns.lab.aliases`), since moto runs no code; minutes on the virtual clock.

**Layers.** :mod:`.handlers` -> :mod:`.service` (no boto3) -> :mod:`.adapters` (CloudFormation, Lambda,
the services' describe calls).
"""

from patterns.deploy_test.exceptions import DeployTestError, IncompleteStackError, TemplateError
from patterns.deploy_test.service import (
    CanaryPolicy,
    FunctionSpec,
    ResourceCheck,
    decide,
    function_specs,
    parse_collected,
    parse_template,
    should_fail,
)

__all__ = [
    "CanaryPolicy",
    "DeployTestError",
    "FunctionSpec",
    "IncompleteStackError",
    "ResourceCheck",
    "TemplateError",
    "decide",
    "function_specs",
    "parse_collected",
    "parse_template",
    "should_fail",
]
