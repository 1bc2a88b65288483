"""tools/dataset_converters/check_{hoss,optisar_pair}.py on the real HOSS
samples, the synthetic pairs and damaged copies of both."""
import shutil

import numpy as np
import pytest
from PIL import Image

from tool_runner import python_tool

CHECK_HOSS = 'tools/dataset_converters/check_hoss.py'
CHECK_PAIRS = 'tools/dataset_converters/check_optisar_pair.py'


def check(tool, root, *options):
    return python_tool(tool, root, *options, check=False)


@pytest.fixture
def hoss_copy(hoss_root, tmp_path):
    return shutil.copytree(hoss_root, tmp_path / 'HOSS')


@pytest.fixture
def pairs_copy(synthetic_pairs_root, tmp_path):
    return shutil.copytree(synthetic_pairs_root, tmp_path / 'OptiSar_Pair')


def truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def test_real_samples_pass_as_a_partial_copy(hoss_root):
    done = check(CHECK_HOSS, hoss_root)
    assert done.returncode == 0, done.stdout[-2000:]
    for row in ('| bounding_box_train | 56 | 21 | 41 | 15 | 1,063 | 361 | '
                'partial |', '| query | 31 | 31 | 18 | 13 | 176 | — | '
                'partial |', '| bounding_box_test | 78 | 32 | 52 | 26 | 593 '
                '| 177 | partial |'):
        assert row in done.stdout
    assert 'OK: a partial copy' in done.stdout
    strict = check(CHECK_HOSS, hoss_root, '--strict', '--headers-only')
    assert strict.returncode == 1 and '--strict: an error' in strict.stdout


def test_hoss_faults_name_the_file(hoss_copy):
    truncate(hoss_copy / 'query' / '0002_s05c1_RGB.tif')
    constant = hoss_copy / 'query' / next(
        p.name for p in (hoss_copy / 'query').glob('*_SAR.tif'))
    Image.fromarray(np.zeros((20, 8), np.float32)).save(constant)
    (hoss_copy / 'bounding_box_train' / 'notes.txt').write_text('x')
    shutil.copy(hoss_copy / 'bounding_box_test' / '-1_0081_SAR.tif',
                hoss_copy / 'query' / '-1_0081_SAR.tif')
    sar = next((hoss_copy / 'bounding_box_train').glob('*_SAR.tif'))
    Image.fromarray(np.zeros((8, 4, 3), np.uint8)).save(sar)
    done = check(CHECK_HOSS, hoss_copy)
    assert done.returncode == 1
    faults = [line for line in done.stdout.splitlines()
              if line.startswith('FAULT: ')]
    text = '\n'.join(faults)
    assert 'query/0002_s05c1_RGB.tif: cannot read the image' in text
    assert f'query/{constant.name}: SAR chip is constant' in text
    assert 'bounding_box_train/notes.txt: file name does not parse' in text
    assert 'query/-1_0081_SAR.tif: a distractor' in text
    assert 'query/-1_0081_SAR.tif: also in bounding_box_test/' in text
    assert f'{sar.name}: TIFF uint8 with 3 band(s); HOSS chips' in text
    assert 'FAILED: 6 fault(s)' in done.stdout
    # Headers only: the constant SAR chip is not decoded.
    headers = check(CHECK_HOSS, hoss_copy, '--headers-only')
    assert constant.name not in headers.stdout
    assert 'FAILED: 5 fault(s)' in headers.stdout


def test_hoss_layout_and_subset_faults(hoss_copy):
    o2s = hoss_copy / 'subset' / 'O2S'
    (o2s / 'query').mkdir(parents=True)
    (o2s / 'bounding_box_test').mkdir()
    shutil.copy(hoss_copy / 'query' / '0002_s05c1_RGB.tif', o2s / 'query')
    sar_query = next((hoss_copy / 'query').glob('*_SAR.tif'))
    shutil.copy(sar_query, o2s / 'query')
    shutil.copy(next((hoss_copy / 'bounding_box_test').glob('0*_SAR.tif')),
                o2s / 'bounding_box_test')
    shutil.rmtree(hoss_copy / 'bounding_box_test')
    done = check(CHECK_HOSS, hoss_copy)
    assert done.returncode == 1
    assert 'bounding_box_test: missing; expected the HOSS layout' in \
        done.stdout
    assert f'O2S/query/{sar_query.name}: a SAR chip in subset/O2S/query; ' \
        'expected optical only' in done.stdout
    assert 'subset/S2O/query: missing' in done.stdout


def test_synthetic_pairs_pass_as_a_partial_copy(synthetic_pairs_root):
    done = check(CHECK_PAIRS, synthetic_pairs_root)
    assert done.returncode == 0, done.stdout[-2000:]
    assert '| all folders | 48 | 24 | 24 | 24 | — | — | unknown |' in \
        done.stdout
    assert '24 optical x SAR pairs over 24 pair ids' in done.stdout
    assert 'OK: a partial copy' in done.stdout
    assert check(CHECK_PAIRS, synthetic_pairs_root, '--strict',
                 '--headers-only').returncode == 1


def test_pair_faults_name_the_file(pairs_copy):
    png = next((pairs_copy / 'land').glob('*_SAR.png'))
    truncate(png)
    (pairs_copy / 'ship' / 'nested').mkdir()
    (pairs_copy / 'ship' / 'ship_12_RGB.jpg').write_text('x')
    lone = next((pairs_copy / 'ship').glob('*_SAR.tif'))
    lone.unlink()
    done = check(CHECK_PAIRS, pairs_copy)
    assert done.returncode == 1
    assert f'FAULT: {png}: cannot read the image' in done.stdout
    assert 'ship/nested: a folder inside' in done.stdout
    assert 'ship/ship_12_RGB.jpg: file name does not parse' in done.stdout
    one_sided = next(line for line in done.stdout.splitlines()
                     if 'one modality only' in line)
    # the deleted SAR chip's id, and the id of the unreadable chip
    assert one_sided.startswith('note: 2 pair id(s)')
    assert str(int(lone.name.split('_')[1])) in one_sided.split(': ')[-1]
    assert 'FAILED: 3 fault(s)' in done.stdout
    missing = check(CHECK_PAIRS, pairs_copy / 'nowhere')
    assert missing.returncode == 1 and 'nowhere: not a folder' in \
        missing.stdout
