"""The exams use cases: one function per use case, each audited (the writers of exams' rows).

* `setup`: sites, rooms and their seat grids, exam-day staff and their assignments, seating needs;
* `arranging`: seat a city (preview, apply), move and swap candidates;
* `publishing`: give the tickets and schedule the candidates, seat latecomers, reissue after a late move.

Lock order, everywhere: the city's `Arrangement` row (`exams.states.lock_arrangement`), then
applications (by pk), then the `TicketSerial` row. Lifecycle receivers (a withdrawal) hold an
application and touch only its seats and ticket, never the arrangement, so they cannot deadlock
with a publication.
"""
