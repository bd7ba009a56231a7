"""python -m autograder: see autograder.commands."""

from autograder.commands import main

main()
