"""Handler variants that do the same work (price a quote, store it in DynamoDB) built differently.

* :mod:`.narrow_imports` - the baseline: imports only what every request needs, matplotlib only
  inside the rare chart request, the DynamoDB client created once per execution environment;
* :mod:`.eager_imports` - the same, but imports matplotlib and numpy at module top "just in case";
* :mod:`.client_per_call` - the same, but creates the DynamoDB client on every request;
* :mod:`.large_dependency` - the same, but does the arithmetic with numpy instead of plain Python.

This package imports nothing itself: what a variant imports is exactly what the measurements time.
"""
