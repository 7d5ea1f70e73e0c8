"""Rebuild the panel's JupyterLab extension from its TypeScript source (needs Node.js 20 and
npm; students and CI use the prebuilt copy in ``course/panel/labextension``)::

    .venv/bin/python -m course.panel.build

It installs the exact npm packages of ``frontend/package-lock.json`` (``npm ci``; again only
with ``--install`` once ``frontend/node_modules`` exists), compiles
the source (``npm run build``: TypeScript, then ``jupyter labextension build`` with
``@jupyterlab/builder``) and records the hash of the source in the build, so that a test fails
when the shipped build is older than its source.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from course.panel import FRONTEND, LABEXTENSION

SOURCE_HASH = LABEXTENSION / "source-hash.txt"
_SOURCES = ("package.json", "package-lock.json", "tsconfig.json")
_SOURCE_DIRS = ("src", "style")


def source_files():
    """The files the build is made from, in a fixed order."""
    files = [FRONTEND / name for name in _SOURCES]
    for folder in _SOURCE_DIRS:
        files += sorted(p for p in (FRONTEND / folder).rglob("*") if p.is_file())
    return files


def source_hash():
    """sha256 of the names and contents of ``source_files()``."""
    digest = hashlib.sha256()
    for path in source_files():
        digest.update(str(path.relative_to(FRONTEND)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def main():
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    if not (FRONTEND / "node_modules").is_dir() or "--install" in sys.argv:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, env=env,
                       check=True)
    shutil.rmtree(LABEXTENSION / "static", ignore_errors=True)  # no stale chunks left behind
    subprocess.run(["npm", "run", "build"], cwd=FRONTEND, env=env, check=True)
    SOURCE_HASH.write_text(source_hash() + "\n", "utf-8")
    print(f"Сборка готова: {LABEXTENSION}")


if __name__ == "__main__":
    main()
