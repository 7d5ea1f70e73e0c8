"""The grading pipeline on the instructor's side, one step per module: ``intake`` (take
submissions in), ``autograde`` (grade a class), ``execute`` (run one submission, cell by
cell, with the judge deciding the checks), ``sandbox`` (what a student's kernel may see and
do), ``report`` (the class report), ``scan`` (suspicious code, outside the kernel),
``notes`` (what happened to each submission), ``feedback`` (nbgrader's feedback
preprocessor)."""
