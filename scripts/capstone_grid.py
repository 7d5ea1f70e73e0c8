"""How many plausible choices pass the capstone of lesson 05 (the figure in the README).

The grid: every method of the course at five learning rates around its usual range, each with
the five schedules a student tries first (constant, step and 1/t with their defaults, cosine
without warmup and cosine with a one-epoch warmup). Each choice is judged as a submission is:
trained with the reference implementations at capstone.SEEDS and measured on the held-out test
split. A few minutes of CPU:

    .venv/bin/python scripts/capstone_grid.py
"""

import sys

from course.exercises.capstone_choice import held_out_accuracies
from course.student.optkit import capstone

LEARNING_RATES = {
    "sgd": (0.03, 0.1, 0.3, 1.0, 3.0),
    "momentum": (0.01, 0.03, 0.1, 0.3, 1.0),
    "nesterov": (0.01, 0.03, 0.1, 0.3, 1.0),
    "adagrad": (0.01, 0.03, 0.1, 0.3, 1.0),
    "rmsprop": (0.001, 0.003, 0.01, 0.03, 0.1),
    "adam": (0.003, 0.01, 0.03, 0.1, 0.3),
    "adamw": (0.003, 0.01, 0.03, 0.1, 0.3),
}
SCHEDULES = ({"schedule": "constant"}, {"schedule": "step"}, {"schedule": "inverse_time"},
             {"schedule": "warmup_cosine"},
             {"schedule": "warmup_cosine", "warmup_steps": capstone.STEPS_PER_EPOCH})


def grid():
    """The plausible choices, in a fixed order."""
    return [{"optimizer": optimizer, "lr": lr, **schedule}
            for optimizer, rates in LEARNING_RATES.items() for lr in rates
            for schedule in SCHEDULES]


def main():
    passed = []
    choices = grid()
    for choice in choices:
        accuracies = held_out_accuracies(choice)
        ok = min(accuracies) >= capstone.THRESHOLD
        passed += [choice] if ok else []
        print(("ПРОХОДИТ  " if ok else "          ") + f"{choice}: "
              + ", ".join(f"{a:.4f}" for a in accuracies), flush=True)
    print(f"Порог {capstone.THRESHOLD:.1%} на тестовой выборке при каждом зерне "
          f"{capstone.SEEDS} проходят {len(passed)} из {len(choices)} выборов.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
