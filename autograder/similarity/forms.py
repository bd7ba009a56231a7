"""The placeholder and role forms of a cell's statements: step 2 of the method in the package's docstring."""

import ast
import builtins
import keyword
import tokenize
from dataclasses import dataclass

from autograder.similarity.tokens import CLOSING, OPENING, _line_starts, _row, _statements, _tokens

BUILTINS = frozenset(dir(builtins))


@dataclass
class Statement:
    """One statement of a cell: its tokens' normal forms and where each token is in the cell's source."""
    placeholder: tuple  # the placeholder form, one string per token
    roles: tuple  # the role form
    spans: tuple  # (start, end) character offsets of each token in the source
    rows: tuple  # (first, last) line of the source, 0-based
    given: bool = False  # a line of the release (given, or a stub left as it was)


def _literal(kind, text):
    """The normal form of a number (by value, so 1. and 1.0 are the same) or a string (by value)."""
    try:
        value = ast.literal_eval(text)
        if kind == tokenize.NUMBER:
            return "#" + repr(float(value) if isinstance(value, int) and abs(value) < 2 ** 53 else value)
        return repr(value)[:200]
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):  # an f-string, a 5,000-digit 0x...
        return text[:200]


def _placeholder(statement, kept):
    """The placeholder form of one statement, and the positions of its names that stand for variables.

    Returns:
    form -- list of strings, one per token
    variables -- [(position, name)] of the tokens written as V
    """
    form, variables = [], []
    is_def = statement[0][1] in ("def", "class", "lambda")
    depth = 0
    for position, (kind, text, _, _) in enumerate(statement):
        if kind == tokenize.NAME:
            previous = statement[position - 1][1] if position else ""
            following = statement[position + 1][1] if position + 1 < len(statement) else ""
            if (keyword.iskeyword(text) or text in BUILTINS or text in kept or previous == "."
                    or (following == "=" and depth > 0 and not is_def)):
                form.append(text)
            else:
                form.append("V")
                variables.append((position, text))
        elif kind in (tokenize.NUMBER, tokenize.STRING):
            form.append(_literal(kind, text))
        else:
            if text in OPENING:
                depth += 1
            elif text in CLOSING:
                depth = max(0, depth - 1)
            form.append(text)
    return form, variables


def _bound(statement, variables):
    """The names a statement binds (a set): assignment and loop targets, parameters, `as` and `:=` targets."""
    texts = [token[1] for token in statement]
    names = {position: name for position, name in variables}
    if texts[0] in ("def", "class", "import", "from"):
        return set(names.values())
    bound, depth, last_assignment = set(), 0, None
    for position, text in enumerate(texts):
        if statement[position][0] != tokenize.OP:
            continue
        if text in OPENING:
            depth += 1
        elif text in CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0 and (text == "=" or (text.endswith("=") and text not in ("==", "<=", ">=", "!="))):
            last_assignment = position  # =, +=, -=, ...
        elif text == ":=" and position - 1 in names:
            bound.add(names[position - 1])
    following = texts[1:] + [""]
    for position, name in names.items():
        after = following[position]
        if last_assignment is not None and position < last_assignment and after not in ("[", ".", "("):
            bound.add(name)  # a target (in a[i] = x and a.b = x, a is used, not bound)
    keyword_before = None
    for position, text in enumerate(texts):  # for ... in, lambda ...:, ... as name
        if text in ("for", "lambda") and statement[position][0] == tokenize.NAME:
            keyword_before = "in" if text == "for" else ":"
        elif text == keyword_before:
            keyword_before = None
        elif position in names and (keyword_before or (position and texts[position - 1] == "as")):
            bound.add(names[position])
    return bound


def normalise(source, kept):
    """Cut a cell into statements and give each its placeholder and role forms.

    Arguments:
    source -- the cell's source
    kept -- names written as they are (the setup's modules and functions)

    Returns:
    statements -- [Statement], in the cell's order, docstrings left out
    doc_rows -- the 0-based lines of the docstrings, a set
    tokenised -- as for _tokens
    """
    tokens, tokenised = _tokens(source)
    starts = _line_starts(source)
    kept_statements, strings = _statements(tokens)
    doc_rows = set()
    for string in strings:
        doc_rows.update(range(_row(starts, string[0][2]), _row(starts, max(string[-1][3] - 1, string[-1][2])) + 1))
    roles = {}
    result = []
    for statement in kept_statements:
        form, variables = _placeholder(statement, kept)
        # Roles: a name gets one at the first statement that binds it, from that statement's form (names that
        # have a role written as their role, the others as V) and the name's place in it.
        named = list(form)
        for position, name in variables:
            if name in roles:
                named[position] = roles[name]
        frozen = tuple(named)
        if variables:
            for name in _bound(statement, variables) - roles.keys():
                position = next(p for p, n in variables if n == name)
                roles[name] = f"r{hash((frozen, position)) & 0xFFFFFFFFFFFFFFFF:x}"
        role_form = list(form)
        for position, name in variables:
            role_form[position] = roles.get(name, "V")
        first_row = _row(starts, statement[0][2])
        last_row = _row(starts, max(statement[-1][3] - 1, statement[-1][2]))
        result.append(Statement(tuple(form), tuple(role_form), tuple((t[2], t[3]) for t in statement),
                                (first_row, last_row)))
    return result, doc_rows, tokenised
