"""What runs inside a submission's sandbox: the worker and the modules it imports.

The sandbox binds (or stages) this package as a whole, with autograder/__init__.py
and nothing else of the grader's: no hidden test, no solution, no gradebook code.
So these modules import only the standard library, numpy, and each other; they
read data the student controls, in linear time, under the sandbox's limits.
The grader (autograder/ outside this folder) imports them too: cells and wire to
read what a worker sends, landlock and seccomp to check what the machine offers.
"""
