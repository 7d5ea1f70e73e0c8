"""Regenerate course/student/optkit/digits.npz, the capstone's data (lesson 05_schedules).

The images are scikit-learn's bundled copy of the UCI «Optical Recognition of Handwritten
Digits» test set (1797 images 8×8, pixels 0..16, E. Alpaydin and C. Kaynak, 1998; CC BY 4.0).
scikit-learn is needed only here, not by the course:

    .venv/bin/python -m pip install scikit-learn   # or any environment that has it
    .venv/bin/python scripts/make_digits.py

The file holds ``pixels`` (1797, 64) uint8, ``labels`` (1797,) uint8 and the fixed split into
``train_index`` (1297,) and ``validation_index`` (500,), drawn once with seed 0.
tests/test_capstone.py checks that the shipped file holds exactly what this script makes.
"""

from pathlib import Path

import numpy as np

TARGET = Path(__file__).resolve().parent.parent / "course" / "student" / "optkit" / "digits.npz"
N_VALIDATION = 500


def make():
    """{name: array} of the data file."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    order = np.random.default_rng(0).permutation(len(digits.target))
    return {
        "pixels": digits.data.astype(np.uint8),
        "labels": digits.target.astype(np.uint8),
        "train_index": np.sort(order[N_VALIDATION:]).astype(np.uint16),
        "validation_index": np.sort(order[:N_VALIDATION]).astype(np.uint16),
    }


if __name__ == "__main__":
    np.savez_compressed(TARGET, **make())
    print(f"written {TARGET} ({TARGET.stat().st_size} bytes)")
