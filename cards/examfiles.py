"""Find and read the exam's data files: its blueprint and its service catalog, side by side.

Pure apart from the default directory: the build (`build_fixtures`), a data migration and, at
run time, anything that compiles notes read the same two files from one directory
(`notes/exam/` in this repository): `<stem>.blueprint.yaml` and `<stem>.services.yaml`. There is
exactly one blueprint there; every problem is a SourceError naming the file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path, PurePath

from .blueprint import Blueprint, load_blueprint
from .catalog import Catalog, load_catalog
from .notes import Problem, SourceError

BLUEPRINT_SUFFIX = ".blueprint.yaml"
CATALOG_SUFFIX = ".services.yaml"
# Where the exam's files live, relative to the notes directory and to the project.
EXAM_SUBDIR = "exam"


@dataclass(frozen=True)
class ExamFiles:
    blueprint: Blueprint
    catalog: Catalog


def blueprint_file(directory: Path, shown: str) -> Path:
    """The one `*.blueprint.yaml` in `directory` (`shown` names the directory in messages)."""
    # A missing or unreadable directory globs to nothing: reported as "found none".
    found = sorted(path for path in directory.glob(f"*{BLUEPRINT_SUFFIX}") if path.is_file())
    if len(found) != 1:
        names = ", ".join(path.name for path in found) or "none"
        raise SourceError(
            [Problem(shown, None, f"expected exactly one *{BLUEPRINT_SUFFIX} file, found {names}")]
        )
    return found[0]


def load_exam_files(directory: Path, shown: str) -> ExamFiles:
    """Read and check the blueprint of `directory` and the service catalog beside it."""
    blueprint_path = blueprint_file(directory, shown)
    stem = blueprint_path.name.removesuffix(BLUEPRINT_SUFFIX)
    blueprint = load_blueprint(blueprint_path, str(PurePath(shown) / blueprint_path.name))
    catalog_name = stem + CATALOG_SUFFIX
    catalog = load_catalog(directory / catalog_name, str(PurePath(shown) / catalog_name), blueprint)
    return ExamFiles(blueprint=blueprint, catalog=catalog)


def project_exam_dir() -> Path:
    from django.conf import settings  # the only Django this module needs, and only here

    return Path(settings.BASE_DIR) / "notes" / EXAM_SUBDIR


@functools.cache
def exam_files() -> ExamFiles:
    """The committed exam files of this project, read once per process.

    For code that compiles notes at run time (an upload): the same files the build reads.
    """
    return load_exam_files(project_exam_dir(), f"notes/{EXAM_SUBDIR}")
