"""OptiSARPairDataset on generated synthetic pairs, and its refusals."""
import shutil

import numpy as np
import pytest
from PIL import Image

from sdfnet_mm.datasets import LoadHOSSImage, OptiSARPairDataset

PIPELINE = [
    dict(type='LoadHOSSImage', sar_to_rgb='log'),
    dict(type='PackReIDInputs'),
]


@pytest.fixture
def pairs_copy(synthetic_pairs_root, tmp_path):
    """A copy of the synthetic pairs to damage."""
    return shutil.copytree(synthetic_pairs_root, tmp_path / 'OptiSar_Pair')


def infos_of(dataset):
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def test_every_chip_parsed_and_ids_relabelled(synthetic_pairs_root):
    dataset = OptiSARPairDataset(str(synthetic_pairs_root))
    infos = infos_of(dataset)
    assert len(infos) == 48 and dataset.num_ids == 24
    assert dataset.num_pairs == 24  # one optical x one SAR per id
    folders = {info['img_path'].split('/')[-2] for info in infos}
    assert folders == {'ship', 'harbour', 'land'}
    assert sorted({info['identity'] for info in infos}) == list(range(1, 25))
    for info in infos:
        assert info['gt_label'] == info['identity'] - 1
        suffix = info['img_path'].rsplit('_', 1)[1].split('.')[0]
        assert info['modality'] == {'RGB': 0, 'SAR': 1}[suffix]


def test_every_optical_chip_pairs_with_every_sar_chip(pairs_copy):
    """Two more chips of id 1 in another folder: 2 optical x 2 SAR."""
    (pairs_copy / 'extra').mkdir()
    for suffix in ('RGB', 'SAR'):
        source = next(pairs_copy.rglob(f'*_000001_{suffix}.*'))
        shutil.copy(source,
                    pairs_copy / 'extra' / f'x_1_b_{suffix}{source.suffix}')
    dataset = OptiSARPairDataset(str(pairs_copy))
    assert dataset.num_ids == 24 and len(dataset) == 50
    assert dataset.num_pairs == 23 + 4


def test_pipeline_loads_both_chip_formats(synthetic_pairs_root):
    dataset = OptiSARPairDataset(str(synthetic_pairs_root),
                                 pipeline=PIPELINE)
    seen = set()
    for index in range(len(dataset)):
        info = dataset.get_data_info(index)
        packed = dataset[index]
        width, height = Image.open(info['img_path']).size
        assert packed['inputs'].shape == (3, height, width)
        assert int(packed['data_samples'].modality) == info['modality']
        assert 'ship_size' not in packed['data_samples']
        seen.add((info['img_path'][-3:], Image.open(info['img_path']).mode,
                  info.get('sar_scale')))
    assert seen == {('tif', 'RGB', None), ('tif', 'F', 'amplitude'),
                    ('png', 'RGB', None), ('png', 'L', 'display')}


def test_eight_bit_sar_is_used_as_it_is(synthetic_pairs_root):
    """As the authors' loader reads OptiSar_Pair's PNGs; a float SAR chip
    is stretched (here: the dB stretch) like any SAR amplitude."""
    dataset = OptiSARPairDataset(str(synthetic_pairs_root))
    infos = {info['img_path']: info for info in
             (dataset.get_data_info(i) for i in range(len(dataset)))}
    load = LoadHOSSImage(sar_to_rgb='log')
    path = str(next(synthetic_pairs_root.glob('land/*_SAR.png')))
    img = load(dict(infos[path]))['img']
    grey = np.asarray(Image.open(path))
    assert img.shape == grey.shape + (3, )
    for channel in range(3):
        assert np.array_equal(img[..., channel], grey)
    with pytest.raises(ValueError, match='SAR scale unknown'):
        load(dict(img_path=path, modality=1))  # no scale: not a HOSS chip
    tif = str(next(synthetic_pairs_root.glob('ship/*_SAR.tif')))
    stretched = load(dict(infos[tif]))['img']
    assert stretched.max() == 255 and stretched.dtype == np.uint8


def test_declared_sar_scale_is_used_and_checked(synthetic_pairs_root):
    dataset = OptiSARPairDataset(str(synthetic_pairs_root),
                                 sar_scale='intensity')
    scales = {dataset.get_data_info(i).get('sar_scale')
              for i in range(len(dataset))}
    assert scales == {None, 'intensity'}
    with pytest.raises(ValueError, match='declared dB'):
        OptiSARPairDataset(str(synthetic_pairs_root), sar_scale='db')


def test_layout_faults_name_the_place(pairs_copy, tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.*does not exist'):
        OptiSARPairDataset(str(tmp_path / 'missing'))
    flat = tmp_path / 'flat'
    flat.mkdir()
    (flat / 'a_1_RGB.tif').write_bytes(b'')
    with pytest.raises(ValueError, match='has no sub-folder'):
        OptiSARPairDataset(str(flat))
    (pairs_copy / 'land' / 'nested').mkdir()
    with pytest.raises(ValueError, match='land/nested: a folder inside'):
        OptiSARPairDataset(str(pairs_copy))


def test_unparsable_name_is_refused(pairs_copy):
    (pairs_copy / 'land' / 'notes.txt').write_text('x')
    with pytest.raises(ValueError, match=r'land/notes\.txt: file name does'):
        OptiSARPairDataset(str(pairs_copy))


def test_unreadable_or_wrongly_typed_image_is_refused(pairs_copy):
    broken = pairs_copy / 'ship' / 'ship_000099_RGB.tif'
    broken.write_bytes(b'II*\x00garbage')
    with pytest.raises(ValueError, match='ship_000099_RGB.tif: cannot read'):
        OptiSARPairDataset(str(pairs_copy))
    broken.unlink()
    wrong = pairs_copy / 'harbour' / 'harbour_000099_SAR.tif'
    Image.fromarray(np.zeros((8, 4, 3), np.uint8)).save(wrong)
    with pytest.raises(ValueError,
                       match='harbour_000099_SAR.tif: SAR chip with 3 bands'):
        OptiSARPairDataset(str(pairs_copy))
    wrong.unlink()
    deep = pairs_copy / 'land' / 'land_000099_SAR.png'
    Image.fromarray(np.zeros((8, 4), np.uint16)).save(deep)
    with pytest.raises(ValueError, match='land_000099_SAR.png: SAR pixels of '
                       'type uint16; expected float amplitude or 8-bit'):
        OptiSARPairDataset(str(pairs_copy))


def test_ids_with_one_modality_error_or_drop(pairs_copy, log_messages):
    for path in list(pairs_copy.rglob('*_000003_SAR.*')) + list(
            pairs_copy.rglob('*_000010_RGB.*')):
        path.unlink()
    with pytest.raises(ValueError, match=r'2 pair id\(s\).*: 3, 10;'):
        OptiSARPairDataset(str(pairs_copy))
    dataset = OptiSARPairDataset(str(pairs_copy), incomplete_ids='drop')
    assert dataset.num_ids == 22 and len(dataset) == 44
    assert any('3, 10' in m and '2 chip(s) are left out' in m
               for m in log_messages)
    with pytest.raises(ValueError, match="incomplete_ids='keep'"):
        OptiSARPairDataset(str(pairs_copy), incomplete_ids='keep')
