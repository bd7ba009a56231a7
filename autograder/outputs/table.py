"""The score table the command line prints."""

from autograder.outputs.files import number


def table(graded, functions, labels):
    """A text table of scores, one row per student, one column per function (titled by labels)."""
    titles = [labels.get(name, name) for name in functions]
    width = max([len("student")] + [len(student) for student, _ in graded])
    header = f"{'student':<{width}}  " + "  ".join(titles) + "  total"
    lines = [header, "-" * len(header)]
    for (student, _), items in sorted(graded.items()):
        scores = {item.name: item for item in items}
        cells = "  ".join(f"{number(scores[name].score):>{len(title)}}" for name, title in zip(functions, titles))
        total = f"{number(sum(i.score for i in items))}/{number(sum(i.max_score for i in items))}"
        lines.append(f"{student:<{width}}  {cells}  {total:>5}")
    return "\n".join(lines)
