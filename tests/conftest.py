"""Fixtures shared by the tests; helper functions are in helpers.py."""

import pytest

from course.lessons import existing

LESSONS = existing()


def pytest_configure(config):
    if not LESSONS:
        raise pytest.UsageError("no lesson notebooks under source/")


@pytest.fixture(params=LESSONS)
def lesson(request):
    return request.param
