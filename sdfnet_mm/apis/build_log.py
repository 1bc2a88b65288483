"""The record a gallery index build keeps next to the index: which model
(config, ``--cfg-options``, checkpoint) embeds the chips, and each run of
``tools/build_index.py`` on it (its folders and chip options, finished or
not), so that a killed run can be resumed and ``tools/search.py`` can load
the model without being told.

``DIR/build.json``, replaced atomically::

    {"model": {"config": ..., "cfg_options": {...} | null,
               "checkpoint": ..., "precision": "fp32" | "bf16" | ...},
     "runs": [{"arguments": {...}, "finished": true}, ...]}

Rules (:func:`check_resume`): without ``append``, a folder that holds an
index or files is refused unless it holds exactly one unfinished run with
the same model and arguments (then that run resumes); with ``append``, a new
run starts unless the last run is unfinished (then it must be the same run,
which resumes).
"""
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from sdfnet_mm.engine.fileio import AtomicLocalBackend

FILE_NAME = 'build.json'


@dataclass
class BuildRun:
    """One run of the build tool: its ``arguments`` (folders, chip
    options, index kind; what decides the chips added and their features)
    and whether it added all its chips."""
    arguments: dict
    finished: bool = False


@dataclass
class BuildLog:
    """The model of an index and the runs that built it."""
    model: dict
    runs: List[BuildRun] = field(default_factory=list)

    @classmethod
    def read(cls, directory: Path) -> Optional['BuildLog']:
        """The log of ``directory``, None when it has none.

        Raises:
            ValueError: naming the file when it is not a build log.
        """
        path = Path(directory) / FILE_NAME
        if not path.is_file():
            return None
        try:
            fields = json.loads(path.read_text())
            return cls(fields['model'],
                       [BuildRun(**run) for run in fields['runs']])
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f'{path}: not a readable build log '
                             f'({type(error).__name__}: {error})') from None

    def write(self, directory: Path) -> None:
        """Replace ``directory/build.json`` atomically."""
        AtomicLocalBackend().put_text(
            json.dumps(asdict(self), indent=1),
            Path(directory) / FILE_NAME)


def differences(recorded: Dict, given: Dict) -> List[str]:
    """``'key: recorded -> given'`` for each key whose values differ."""
    return [
        f'{key}: {recorded.get(key)!r} -> {given.get(key)!r}'
        for key in sorted(set(recorded) | set(given))
        if recorded.get(key) != given.get(key)
    ]


def check_resume(directory: Path, log: Optional[BuildLog], model: dict,
                 arguments: dict, append: bool,
                 holds_index: bool) -> BuildLog:
    """The log to continue in ``directory``: its unfinished last run when
    that is this run, else a new run appended (see the module docstring).

    Args:
        log: the folder's build log, None when it has none.
        model: the model given (config, cfg_options, checkpoint).
        arguments: the run's arguments.
        append: the tool's ``--append``.
        holds_index: ``directory`` holds a gallery index.

    Raises:
        FileExistsError: without ``append``, for a folder that holds an
            index or files and no unfinished run of these arguments.
        FileNotFoundError: with ``append``, for a folder without an index.
        ValueError: with ``append``, when the last run is unfinished and
            is another run.
    """
    last = log.runs[-1] if log and log.runs else None
    resumable = last is not None and not last.finished
    if append:
        if not holds_index:
            raise FileNotFoundError(
                f'{directory}: no gallery index to append to; build one '
                'without --append')
        log = log or BuildLog(model)
        if resumable and last.arguments != arguments:
            changed = '; '.join(differences(last.arguments, arguments))
            raise ValueError(
                f'{directory}: its last build run was not finished; rerun '
                'it with its arguments to finish it before appending '
                f'({changed})')
        if not resumable:
            log.runs.append(BuildRun(arguments))
        return log
    occupied = holds_index or (directory.is_dir() and any(directory.iterdir()))
    if not occupied:
        return BuildLog(model, [BuildRun(arguments)])
    if log is None or len(log.runs) != 1 or not resumable:
        what = 'a finished gallery index' if log and log.runs and \
            not resumable else (
                'a gallery index' if holds_index else 'files')
        raise FileExistsError(
            f'{directory} already holds {what}; add chips to an index with '
            '--append, or choose another --out')
    changed = differences(log.model, model) + differences(
        last.arguments, arguments)
    if changed:
        raise FileExistsError(
            f'{directory} holds an unfinished build with other arguments '
            f'({"; ".join(changed)}); rerun it with its arguments to resume '
            'it, or choose another --out')
    return log
