"""Benchmark: the similarity report (``python -m course similarity``) on a large class.

Writes a made-up class (``course/pipeline/similarity/synthetic.py``: honest students and
planted copies) of N students (default 300) for every lesson into a temporary course
folder, with the judge's verdicts, then times ``course.pipeline.similarity.write`` on all
lessons at once (reading, fingerprinting, scoring every pair of every lesson,
similarity.csv). Prints the time (the issue asks for under a minute on 2 cores), and per
lesson the pairs worth a look against the planted ones.
Run: .venv/bin/python benchmarks/similarity_speed.py [N]
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from course.lessons import existing
from course.pipeline import similarity
from course.pipeline.similarity import synthetic


def main():
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    lessons = existing()
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder)
        started = time.perf_counter()
        planted = {lesson: {frozenset(pair) for pair in synthetic.build(
            course, lesson, honest_count=students).values()} for lesson in lessons}
        prepared = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        results = similarity.write(course, lessons, course / "reports")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        pairs = sum(len(r.pairs) for r in results)
        look = {r.lesson: {frozenset((p.student_a, p.student_b)) for p in r.worth_a_look()}
                for r in results}
        rows = (course / "reports" / similarity.CSV).read_text("utf-8").count("\n") - 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"class: {students} students x {len(lessons)} lessons "
          f"({students * (students - 1) // 2} pairs per lesson), cores: {os.cpu_count()}; "
          f"generating the notebooks took {prepared:.1f} s")
    print(f"python -m course similarity: {seconds:.1f} s for all lessons "
          f"({seconds / len(lessons):.1f} s per lesson; processor time {cpu:.1f} s, one "
          f"process); pairs sharing anything weighed: "
          f"{pairs} (similarity.csv: {rows} rows); peak memory {peak:.0f} MB; load average "
          f"{os.getloadavg()[0]:.1f}")
    for r in results:
        found = look[r.lesson] & planted[r.lesson]
        print(f"{r.lesson}: worth a look {len(look[r.lesson])} (from {r.threshold:.1f}): "
              f"planted {len(found)} of {len(planted[r.lesson])}, honest "
              f"{len(look[r.lesson]) - len(found)}")
    print(f"all lessons: worth a look {sum(map(len, look.values()))}, planted pairs "
          f"{sum(map(len, planted.values()))}, found "
          f"{sum(len(look[k] & planted[k]) for k in look)}")


if __name__ == "__main__":
    main()
