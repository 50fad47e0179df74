"""The scoring use cases, one function per use case, each audited (the writers of scoring's rows).

* `entry`: score sheets, the two blind entries, mismatch decisions, confirmation, amendments;
* `importing`: the xlsx template of a sheet and importing a filled one (checked whole, previewed);
* `publicity`: 公示 with objections, and its close (the results become final).
"""
