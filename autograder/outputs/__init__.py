"""What the grader writes, one module per output: results.json (results), the feedback page (feedback),
grades.csv (grades), nbgrader's gradebook (gradebook), the score table (table), the class report (classreport),
exports for an LMS (export); files.py writes them safely, timestamps.py reads the files nbgrader puts beside a
submission."""
