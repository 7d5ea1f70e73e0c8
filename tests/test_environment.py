"""The pip route (requirements.lock) and the conda route (environment.yml) pin the same versions."""

import re
import tomllib

import yaml

from course.lessons import ROOT


def _lock():
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def _conda():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                if "==" in item:
                    name, version = item.split("==")
                    pins[name.lower()] = version
        elif "=" in dep:
            name, version = dep.split("=")
            pins[name.lower()] = version
    return pins


def test_every_direct_dependency_is_pinned_alike_in_both_routes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = [re.split(r"[<>=\[ ]", d)[0].lower() for d in project["dependencies"]]
    lock, conda = _lock(), _conda()
    for name in direct:
        assert name in lock, f"{name} is not in requirements.lock"
        assert conda.get(name) == lock[name], f"{name}: conda {conda.get(name)} vs pip {lock[name]}"


def test_conda_route_has_nothing_the_lock_lacks():
    lock = _lock()
    for name, version in _conda().items():
        if name != "python":
            assert lock.get(name) == version, f"{name}={version} is not in requirements.lock"


def test_python_version_matches_the_lock_comment():
    conda = _conda()
    assert conda["python"] == "3.11"
    assert "Python 3.11" in (ROOT / "requirements.lock").read_text()
