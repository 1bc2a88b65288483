"""Data of the gallery index tests: a model fingerprint, small clustered
features and chip records."""
import numpy as np

from sdfnet_mm.retrieval import ChipRecord, ModelFingerprint

SENSORS = ('WorldView-3', 'Sentinel-1', 'Gaofen-3')
FINGERPRINT = ModelFingerprint('work_dirs/a/epoch_100.pth', 'a' * 64,
                               'configs/sdfnet_vitb16_hoss.py', 'c' * 64)


def clustered_features(num: int, dim: int, seed: int, num_ids: int = 0):
    """(features (num, dim) float32, ids (num,), modalities (num,)): identity
    centres, an optical / SAR offset per identity, noisy views."""
    rng = np.random.default_rng(seed)
    num_ids = num_ids or max(1, num // 10)
    centres = rng.standard_normal((num_ids, dim))
    offsets = 0.6 * rng.standard_normal((num_ids, 2, dim))
    ids = rng.integers(0, num_ids, num)
    modalities = rng.integers(0, 2, num)
    features = (centres[ids] + offsets[ids, modalities] +
                0.5 * rng.standard_normal((num, dim)))
    return features.astype(np.float32), ids, modalities


def chip_records(modalities, start: int = 0, seed: int = 0) -> list:
    """Records ``chip_<start + i>.tif`` with the given modalities, sensors
    and capture days drawn from ``seed`` (every 5th without a capture
    time), ship id known for even rows."""
    rng = np.random.default_rng(seed)
    records = []
    for i, modality in enumerate(modalities, start):
        day = int(rng.integers(1, 29))
        records.append(
            ChipRecord(
                path=f'archive/chip_{i:06d}.tif',
                modality=int(modality),
                sensor=SENSORS[int(rng.integers(0, 3))],
                gsd=0.5 if modality == 0 else 1.0,
                capture_time=None if i % 5 == 4 else
                f'2023-02-{day:02d}T{i % 24:02d}:00:00+00:00',
                ship_id=i // 10 if i % 2 == 0 else None))
    return records


def reference_ranking(gallery, queries, k, allowed):
    """Per query (rows (k,), distances (k,)): brute force in float64 over
    the ``allowed`` rows, smallest 1 - cos first, ties by row."""
    gallery = gallery / np.linalg.norm(gallery, axis=1, keepdims=True)
    queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    rows = np.flatnonzero(allowed)
    ranking = []
    for similarities in queries.astype(np.float64) @ gallery[rows].T:
        order = np.lexsort((rows, -similarities))[:k]
        ranking.append((rows[order], 1 - similarities[order]))
    return ranking
