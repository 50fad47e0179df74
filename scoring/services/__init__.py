"""The scoring use cases, one function per use case, each audited (the writers of scoring's rows).

* `entry`: score sheets, the two blind entries, mismatch decisions, confirmation, amendments;
* `importing`: the xlsx template of a sheet and importing a filled one (checked whole, previewed);
* `reviewing`: 综合评审 — the expert pool, declared relations, criteria, panels, assignment, the
  experts' sheets and the chair's close (the review scores become final);
* `publicity`: 公示 with objections, and its close (the results become final).
"""
