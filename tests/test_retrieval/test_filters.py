"""Metadata filters applied before the vector search (ID selector) and
after it (over-fetching), against brute force."""
import numpy as np
import pytest

from retrieval_data import (FINGERPRINT, SENSORS, chip_records,
                            clustered_features, reference_ranking)
from sdfnet_mm.retrieval import ChipFilter, ChipRecord, GalleryIndex
from sdfnet_mm.structures import SAR

WINDOW = ChipFilter(captured_from='2023-02-08', captured_before='2023-02-15')


@pytest.fixture
def gallery(tmp_path):
    """(exact index, features, modalities, records) of 1000 chips."""
    features, _, modalities = clustered_features(1000, 32, seed=4)
    records = chip_records(modalities, seed=4)
    index = GalleryIndex.create(tmp_path / 'index', 32, FINGERPRINT)
    index.add(features, records)
    return index, features, modalities, records


def in_window(records) -> np.ndarray:
    """Capture time in [2023-02-08, 2023-02-15) (UTC), as a NumPy mask."""
    return np.array([
        r.capture_time is not None
        and '2023-02-08' <= r.capture_time[:10] < '2023-02-15'
        for r in records
    ])


def hit_rows(hits) -> list:
    return [[hit.row for hit in query_hits] for query_hits in hits]


def test_time_window_before_search_is_brute_force_on_the_window(gallery):
    index, features, modalities, records = gallery
    queries = features[:30] + 0.1
    allowed = in_window(records) & (modalities == SAR)
    assert 0 < allowed.sum() < (modalities == SAR).sum() / 2
    hits = index.search(queries, 10, 'sar', where=WINDOW)
    reference = reference_ranking(features, queries, 10, allowed)
    assert hit_rows(hits) == [rows.tolist() for rows, _ in reference]


def test_time_window_after_search_filters_the_overfetched_hits(gallery):
    """'after': the 4 x 10 nearest SAR chips of all, those outside the
    window dropped: a prefix of the 'before' ranking, often shorter."""
    index, features, modalities, records = gallery
    queries = features[:30] + 0.1
    window = in_window(records)
    hits = index.search(queries, 10, 'sar', where=WINDOW,
                        filter_stage='after', overfetch=4)
    over_all = reference_ranking(features, queries, 40, modalities == SAR)
    expected = [[r for r in rows if window[r]][:10] for rows, _ in over_all]
    assert hit_rows(hits) == expected
    before = hit_rows(index.search(queries, 10, 'sar', where=WINDOW))
    assert all(a == b[:len(a)] for a, b in zip(hit_rows(hits), before))
    assert any(len(rows) < 10 for rows in hit_rows(hits))


def test_sensor_and_ship_id_filters(gallery):
    index, features, modalities, records = gallery
    where = ChipFilter(sensors=[SENSORS[1]], ship_id_known=True)
    allowed = np.array([r.sensor == SENSORS[1] and r.ship_id is not None
                        for r in records])
    hits = index.search(features[:20], 15, 'any', where=where)
    reference = reference_ranking(features, features[:20], 15, allowed)
    assert hit_rows(hits) == [rows.tolist() for rows, _ in reference]
    unknown = index.search(features[:20], 15, where=ChipFilter(
        ship_id_known=False))
    assert all(h.chip.ship_id is None for query in unknown for h in query)
    with pytest.raises(ValueError, match='must be a list of sensor names'):
        index.search(features[:1], 5, where=ChipFilter(sensors='Gaofen-3'))


def test_capture_times_are_compared_in_utc(tmp_path):
    """02:00 at +03:00 is 23:00 UTC the day before: outside a window that
    opens at midnight UTC; a time without offset is taken as UTC."""
    index = GalleryIndex.create(tmp_path / 'index', 4, FINGERPRINT)
    index.add(np.eye(4, dtype=np.float32)[:3], [
        ChipRecord('east.tif', 'sar',
                   capture_time='2023-03-01T02:00:00+03:00'),
        ChipRecord('utc.tif', 'sar', capture_time='2023-03-01T00:00:00'),
        ChipRecord('none.tif', 'sar'),
    ])
    hits = index.search(np.ones((1, 4), np.float32), 5, where=ChipFilter(
        captured_from='2023-03-01T00:00:00Z'))
    assert [(h.chip.path, h.chip.capture_time) for h in hits[0]] == [
        ('utc.tif', '2023-03-01T00:00:00')]
    with pytest.raises(ValueError, match="ChipFilter: capture time 'March' "
                       'is not ISO-8601'):
        index.search(np.ones((1, 4), np.float32), 5,
                     where=ChipFilter(captured_before='March'))
