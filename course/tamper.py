"""In-kernel guard: is the environment the checks rely on still genuine?

Student code runs in the same kernel as the hidden checks. Before a check trusts the
kernel, it verifies that the builtins and the numpy/stdlib objects it uses have not been
replaced. Each finding is a Russian sentence; an empty list means nothing was found.
"""

import base64
import builtins
import json
import os
import posix
import subprocess
import sys

import numpy as np

_BUILTIN_FUNCTION = [].append.__class__
_FUNCTION = (lambda: None).__class__
_HEAPTYPE = 1 << 9
_LITERAL_TYPES = {"int": (0).__class__, "float": (0.0).__class__, "str": "".__class__,
                  "bytes": b"".__class__, "list": [].__class__, "tuple": ().__class__,
                  "dict": {}.__class__, "bool": True.__class__, "type": (0).__class__.__class__}
BUILTIN_FUNCTIONS = ("abs", "all", "any", "callable", "getattr", "hasattr", "isinstance",
                     "len", "max", "min", "print", "range", "repr", "sorted", "sum", "zip",
                     "iter", "next", "__import__", "open", "exec", "compile")
# What the in-kernel half of a check (course.runner, course.wire) uses; comparisons happen in
# the judge's fresh process, so replacing np.allclose and the like changes nothing there.
NUMPY_TYPES = ("ndarray", "dtype", "generic", "float32", "float64")
NUMPY_CALLABLES = ("asarray", "array", "frombuffer", "ascontiguousarray", "errstate",
                   "result_type")
STDLIB = ((subprocess, ("run",)), (json, ("dumps", "loads")), (base64, ("b64encode", "b64decode")))


def _genuine_builtin(name):
    obj = builtins.__dict__.get(name)
    if name in _LITERAL_TYPES:
        return obj is _LITERAL_TYPES[name]
    if isinstance(obj, _LITERAL_TYPES["type"]):
        return not (obj.__flags__ & _HEAPTYPE) and obj.__name__ == name
    return obj.__class__ is _BUILTIN_FUNCTION and obj.__name__ == name


def _genuine_numpy(name):
    obj = getattr(np, name, None)
    if name in NUMPY_TYPES:
        return isinstance(obj, type) and not (obj.__flags__ & _HEAPTYPE)
    if isinstance(obj, _FUNCTION):
        return obj.__code__.co_filename.startswith(np.__path__[0])
    module = getattr(obj, "__module__", "") or ""
    if not module.startswith("numpy"):
        return False
    impl = getattr(obj, "_implementation", None)  # numpy's array-function dispatchers
    if impl is not None:
        return impl.__class__ is _BUILTIN_FUNCTION or isinstance(impl, _FUNCTION) and \
            impl.__code__.co_filename.startswith(np.__path__[0])
    if isinstance(obj, type):
        home = sys.modules.get(obj.__module__)
        return getattr(home, obj.__qualname__, None) is obj and \
            (getattr(home, "__file__", "") or "").startswith(np.__path__[0])
    return obj.__class__ is _BUILTIN_FUNCTION or obj.__class__ is np.ufunc


def _genuine_stdlib(module, name):
    obj = getattr(module, name, None)
    return isinstance(obj, _FUNCTION) and obj.__code__.co_filename == module.__file__


def _genuine_posix(name):
    """Whether ``os.<name>`` is still the C function of the real posix module."""
    obj = getattr(os, name, None)
    return obj.__class__ is _BUILTIN_FUNCTION and obj.__name__ == name and \
        getattr(obj, "__self__", None) is posix and sys.modules.get("posix") is posix


def _genuine_executable():
    """Whether ``sys.executable``, which the checks run the judge with, is this very Python
    (a script put in its place could answer for the judge)."""
    if not os.path.exists("/proc/self/exe"):  # not Linux: nothing to compare with
        return True
    try:
        mine, named = os.stat("/proc/self/exe"), os.stat(sys.executable)
    except (OSError, TypeError, ValueError):
        return False
    return (mine.st_dev, mine.st_ino) == (named.st_dev, named.st_ino)


def findings():
    """Russian descriptions of everything replaced; empty if the kernel looks genuine."""
    found = [f"встроенная функция Python «{n}»" for n in (*_LITERAL_TYPES, *BUILTIN_FUNCTIONS)
             if not _genuine_builtin(n)]
    numpy_file = getattr(np, "__file__", None) or ""
    if sys.modules.get("numpy") is not np or not numpy_file.endswith("__init__.py") or \
            getattr(np, "__path__", None) is None:
        found.append("модуль numpy в sys.modules")
    else:
        found += [f"numpy.{n}" for n in (*NUMPY_TYPES, *NUMPY_CALLABLES) if not _genuine_numpy(n)]
        rng = getattr(getattr(np, "random", None), "default_rng", None)
        if getattr(rng, "__module__", None) != "numpy.random" or \
                rng.__class__.__name__ != "cython_function_or_method":
            found.append("numpy.random.default_rng")
    found += [f"{m.__name__}.{n}" for m, names in STDLIB for n in names
              if not _genuine_stdlib(m, n)]
    if not _genuine_posix("stat"):
        found.append("os.stat")
    elif not _genuine_executable():
        found.append("sys.executable")
    return found
