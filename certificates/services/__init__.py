"""The certificates' use cases: issuing (`issuing`), hand-out (`handout`), revocation and re-issue
(`revocation`), national export (`export`). Views, the API and commands call these; the status
changes go through `applications.lifecycle`, certificate states through `certificates.states`.

Lock order (no deadlocks between two staff): the applications (by pk, in the lifecycle), then the
serial counters (by level)."""
