"""The kit's pages and scripts: files of autograder/templates/, rendered with Jinja2.

Values are put in as they are given (no autoescaping): the callers escape what
they put into HTML, with html.escape, as the pages have always been escaped.
"""

import functools

import jinja2


@functools.cache
def _environment():
    return jinja2.Environment(loader=jinja2.PackageLoader("autograder"), autoescape=False, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)


def render(name, **values):
    """The text of template name (a path under autograder/templates/) with values filled in."""
    return _environment().get_template(name).render(**values)
