"""Cells for every CSV file saaprep writes: people open them in spreadsheet programs.

One guard for all of them (the learner's answers, a teacher's class table): study is the lowest
app that writes a CSV, and classrooms may import it.
"""

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection"): text
# that a learner, a teacher or an admin wrote (a name, a prompt, a question key) could otherwise
# open a link or run a command on the machine of whoever opens the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: text starting like a formula gets a quote.

    Anything but text (counts, ids) is left alone, so numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
