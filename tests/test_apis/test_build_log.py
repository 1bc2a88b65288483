"""The resume rules of a gallery index build (sdfnet_mm.apis.build_log),
case by case."""
import pytest

from sdfnet_mm.apis.build_log import BuildLog, BuildRun, check_resume

MODEL = dict(config='/c.py', cfg_options=None, checkpoint='/a.pth')
ARGS = dict(folders=['/archive'], gsd=['sar=3.0'], approx=None)
OTHER_ARGS = dict(ARGS, gsd=['sar=10.0'])


def test_new_folder_starts_a_run(tmp_path):
    log = check_resume(tmp_path / 'new', None, MODEL, ARGS, False, False)
    assert log == BuildLog(MODEL, [BuildRun(ARGS)])
    (tmp_path / 'empty').mkdir()
    assert check_resume(tmp_path / 'empty', None, MODEL, ARGS, False,
                        False).runs == [BuildRun(ARGS)]


def test_unfinished_run_of_the_same_arguments_resumes(tmp_path):
    log = BuildLog(MODEL, [BuildRun(ARGS)])
    log.write(tmp_path)
    assert BuildLog.read(tmp_path) == log
    for holds_index in (False, True):  # killed before / after the 1st save
        assert check_resume(tmp_path, BuildLog.read(tmp_path), MODEL, ARGS,
                            False, holds_index) == log
    with pytest.raises(FileExistsError, match=r"unfinished build with other "
                       r"arguments \(gsd: \['sar=3.0'\] -> \['sar=10.0'\]\)"):
        check_resume(tmp_path, log, MODEL, OTHER_ARGS, False, True)
    with pytest.raises(FileExistsError, match="checkpoint: '/a.pth' -> "
                       "'/b.pth'"):
        check_resume(tmp_path, log, dict(MODEL, checkpoint='/b.pth'), ARGS,
                     False, True)


def test_occupied_folders_are_refused(tmp_path):
    (tmp_path / 'notes.txt').write_text('mine')
    with pytest.raises(FileExistsError, match='already holds files'):
        check_resume(tmp_path, None, MODEL, ARGS, False, False)
    with pytest.raises(FileExistsError, match='already holds a gallery '
                       'index'):
        check_resume(tmp_path, None, MODEL, ARGS, False, True)
    finished = BuildLog(MODEL, [BuildRun(ARGS, finished=True)])
    with pytest.raises(FileExistsError, match='already holds a finished '
                       'gallery index; add chips to an index with --append'):
        check_resume(tmp_path, finished, MODEL, ARGS, False, True)


def test_append(tmp_path):
    with pytest.raises(FileNotFoundError, match='no gallery index to '
                       'append to'):
        check_resume(tmp_path, None, MODEL, ARGS, True, False)
    # An index made with the library has no log: one starts.
    assert check_resume(tmp_path, None, MODEL, ARGS, True,
                        True).runs == [BuildRun(ARGS)]
    finished = BuildLog(MODEL, [BuildRun(ARGS, finished=True)])
    assert check_resume(tmp_path, finished, MODEL, OTHER_ARGS, True,
                        True).runs == [BuildRun(ARGS, True),
                                       BuildRun(OTHER_ARGS)]
    unfinished = BuildLog(MODEL, [BuildRun(ARGS, True), BuildRun(OTHER_ARGS)])
    assert check_resume(tmp_path, unfinished, MODEL, OTHER_ARGS, True,
                        True).runs == [BuildRun(ARGS, True),
                                       BuildRun(OTHER_ARGS)]
    with pytest.raises(ValueError, match='last build run was not finished'):
        check_resume(tmp_path, unfinished, MODEL, ARGS, True, True)


def test_unreadable_log(tmp_path):
    (tmp_path / 'build.json').write_text('{"model": {}}')
    with pytest.raises(ValueError, match=r'build.json: not a readable build '
                       r'log \(KeyError'):
        BuildLog.read(tmp_path)
