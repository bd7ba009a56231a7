"""A graded cell's source cut into tokens and statements: step 1 of the method in the package's docstring."""

import io
import re
import tokenize

MAX_STATEMENT_TOKENS = 2_000  # longer statements are cut (a crafted cell must not make k-grams explode)
COMPOUND = frozenset({"if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class",
                      "async"})
SKIPPED_TYPES = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
                           tokenize.ENDMARKER})
OPENING, CLOSING = frozenset("([{"), frozenset(")]}")
FALLBACK = re.compile(r"""(?P<comment>\#[^\n]*)|(?P<newline>\n)|(?P<space>[ \t\r\f\\]+)
    |(?P<string>[rRbBuUfF]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
    |(?P<number>\d[\w.]*|\.\d[\w.]*)|(?P<name>[^\W\d]\w*)
    |(?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%&|^@<>=!]=|\S)""", re.VERBOSE)
FALLBACK_TYPES = {"string": tokenize.STRING, "number": tokenize.NUMBER, "name": tokenize.NAME, "op": tokenize.OP}


def _line_starts(source):
    """Offsets of the first character of each line of source (lines end with \\n), a list."""
    starts = [0]
    position = source.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = source.find("\n", position + 1)
    return starts


def _row(starts, offset):
    """The 0-based line of a character offset."""
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _tokens(source):
    """The tokens of a cell as (type, text, start, end) with character offsets, comments and layout dropped.

    Returns:
    tokens -- a list; NEWLINE tokens end statements
    tokenised -- True when Python's tokenize read the cell, False when it failed and a regular expression cut it
    """
    starts = _line_starts(source)
    found = []
    try:
        for kind, text, (row, column), (end_row, end_column), _ in tokenize.generate_tokens(
                io.StringIO(source).readline):
            if kind not in SKIPPED_TYPES:
                found.append((kind, text, starts[row - 1] + column, starts[end_row - 1] + end_column))
        return found, True
    except (tokenize.TokenError, SyntaxError, ValueError, IndexError):  # IndentationError is a SyntaxError
        pass
    found = []
    for match in FALLBACK.finditer(source):
        kind = match.lastgroup
        if kind == "newline":
            found.append((tokenize.NEWLINE, "\n", match.start(), match.end()))
        elif kind in FALLBACK_TYPES:
            found.append((FALLBACK_TYPES[kind], match.group(), match.start(), match.end()))
    return found, False


def _statements(tokens):
    """The tokens cut into statements: at NEWLINE, at `;` and after the colon of a one-line compound header.

    Returns:
    statements -- a list of lists of tokens, without the statements made of strings alone (docstrings)
    strings -- those statements made of strings alone
    """
    statements, current, depth = [], [], 0
    for token in tokens:
        kind, text = token[0], token[1]
        if kind == tokenize.NEWLINE or (text == ";" and depth == 0 and kind == tokenize.OP):
            statements.append(current)
            current, depth = [], 0
            continue
        if kind == tokenize.OP:
            if text in OPENING:
                depth += 1
            elif text in CLOSING:
                depth = max(0, depth - 1)
        current.append(token)
        if (text == ":" and depth == 0 and kind == tokenize.OP and current[0][1] in COMPOUND
                and sum(t[1] == ":" for t in current) == 1):
            statements.append(current)  # `if x: y = 1` is read as `if x:` and `y = 1`
            current = []
    statements.append(current)
    strings = [s for s in statements if s and all(t[0] == tokenize.STRING for t in s)]
    return [s[:MAX_STATEMENT_TOKENS] for s in statements if s and s not in strings], strings
