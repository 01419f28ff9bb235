"""Many SQL terms joined by one operator as a balanced tree of brackets.

SQLite parses ``a AND b AND c ...`` into a tree as deep as the terms are many, and refuses one
deeper than 1 000 ("Expression tree is too large"): a paragraph pasted into the board's
filter, a word a term, crashed the board (a tester's 1 000 words). Bracketed in halves, the
tree is as deep as the count's logarithm, and the terms stay in their order (their ``?``
parameters with them).
"""

from __future__ import annotations


def balanced(terms: list[str], operator: str) -> str:
    """``terms`` joined by ``operator`` (AND, OR), bracketed in halves."""
    if len(terms) == 1:
        return f"({terms[0]})"
    half = len(terms) // 2
    return f"({balanced(terms[:half], operator)} {operator} {balanced(terms[half:], operator)})"
