"""The values that cross between the kernel and the judge: exact round trips, and data (not
prose) for what cannot cross, worded by the judge."""

import numpy as np
import pytest

from course.client import wire
from course.judge.compare import compare, describe


@pytest.mark.parametrize("value", [
    np.arange(6, dtype=np.float32).reshape(2, 3), np.float64(2.5), np.int64(-3), 1.5, 7, "текст",
    None, True, (np.zeros(2), [1, 2]), {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))},
])
def test_values_come_back_exactly(value):
    back = wire.decode(wire.encode(value))
    assert type(back) is type(value)
    if isinstance(value, dict):
        assert all(np.array_equal(back[k], v) for k, v in value.items())
    elif isinstance(value, tuple):
        assert np.array_equal(back[0], value[0]) and back[1] == value[1]
    elif isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value)
    else:
        assert back == value


def test_what_cannot_cross_travels_as_data_and_the_judge_words_it():
    strings = wire.encode(np.array(["a", "b"]))
    assert strings == {"object": "ndarray", "kind": "<U1"}
    assert compare(np.zeros(2), wire.decode(strings), "w", (1e-6, 1e-9)) == (
        "w: ожидались числа, а функция вернула массив NumPy из нечисловых элементов (dtype <U1)")
    deep = []
    for _ in range(wire.MAX_DEPTH + 3):
        deep = [deep]
    inner = wire.decode(wire.encode(deep))
    while isinstance(inner, list):
        inner = inner[0]
    assert describe(inner) == "слишком глубоко вложенное значение"
    assert describe(wire.decode(wire.encode(object()))) == "объект типа object"


def test_a_forged_description_is_only_data():
    forged = wire.decode({"object": "<script>", "kind": ["not", "text"]})
    assert forged.kind is None and describe(forged) == "объект типа <script>"
