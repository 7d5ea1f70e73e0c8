"""Regenerate the capstone's data (lesson 05_schedules): the kit's digits.npz (training and
validation images, shipped to students) and the judge's held-out test split (never shipped).

The images are scikit-learn's bundled copy of the UCI «Optical Recognition of Handwritten
Digits» test set (1797 images 8×8, pixels 0..16, E. Alpaydin and C. Kaynak, 1998; CC BY 4.0).
scikit-learn is needed only here, not by the course:

    .venv/bin/python -m pip install scikit-learn   # or any environment that has it
    .venv/bin/python scripts/make_digits.py

One permutation drawn with seed 0 cuts the 1797 images into 400 for the test split, 300 for
validation and 1097 for training.

- ``course/student/optkit/digits.npz`` (the kit): ``pixels`` (1397, 64) uint8 and ``labels``
  (1397,) uint8 of the training and validation images only, in their original order, with
  ``train_index`` (1097,) and ``validation_index`` (300,) into these arrays.
- ``course/exercises/capstone_test.npz`` (the judge): ``pixels`` (400, 64) and ``labels``
  (400,) of the test images. It lives beside the capstone's judge, outside the kit, and the
  release check makes sure none of its images reaches ``release/``.

tests/test_capstone.py checks that both shipped files hold exactly what this script makes.
"""

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
KIT_FILE = ROOT / "course" / "student" / "optkit" / "digits.npz"
TEST_FILE = ROOT / "course" / "exercises" / "capstone_test.npz"
N_TEST, N_VALIDATION = 400, 300


def make():
    """{"kit": {name: array}, "test": {name: array}}: the contents of the two files."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    pixels, labels = digits.data.astype(np.uint8), digits.target.astype(np.uint8)
    order = np.random.default_rng(0).permutation(len(labels))
    test = np.sort(order[:N_TEST])
    validation = np.sort(order[N_TEST:N_TEST + N_VALIDATION])
    kept = np.sort(order[N_TEST:])                      # training and validation, in order
    position = {int(i): k for k, i in enumerate(kept)}
    train = np.sort(order[N_TEST + N_VALIDATION:])
    return {
        "kit": {
            "pixels": pixels[kept],
            "labels": labels[kept],
            "train_index": np.array([position[int(i)] for i in train], dtype=np.uint16),
            "validation_index": np.array([position[int(i)] for i in validation],
                                         dtype=np.uint16),
        },
        "test": {"pixels": pixels[test], "labels": labels[test]},
    }


if __name__ == "__main__":
    made = make()
    for target, arrays in ((KIT_FILE, made["kit"]), (TEST_FILE, made["test"])):
        np.savez_compressed(target, **arrays)
        print(f"written {target} ({target.stat().st_size} bytes)")
