"""Our overrides of Django's zh_Hans formats (the rest comes from Django's own module).

A form widget renders a date with the first input format, and an `<input type="date">`
accepts only ISO 8601 (`2026-12-02`): with Django's `%Y/%m/%d` first, every pre-filled
date input shows up empty. ISO comes first; the usual Chinese spellings are still read.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-02, what <input type="date"> sends and shows
    "%Y/%m/%d",  # 2026/12/02
    "%Y年%m月%d日",  # 2026年12月2日 (Django's own entry spells it with %n/%j, which strptime reads otherwise)
]
