"""Per-query result files: typed entries written and read back."""
import json

import pytest

from sdfnet_mm.structures import PerQueryResult, PerQueryResults, RankedItem


def results() -> PerQueryResults:
    evaluated = PerQueryResult(
        query='q/0001_s01c1_RGB.tif', query_id=1, query_modality=0,
        evaluated=True, ap=0.75, first_match_rank=2, num_matches=2,
        topk=(RankedItem('g/-1_0003_SAR.tif', -1, 1, 0.25),
              RankedItem('g/0001_s01c2_SAR.tif', 1, 1, 0.5)))
    skipped = PerQueryResult('q/0009_s01c1_SAR.tif', 9, 1, False, None, None,
                             0, ())
    return PerQueryResults('cosine', dict(all=[evaluated, skipped],
                                          o2s=[evaluated], s2o=[skipped]))


def test_dump_then_load_gives_the_same_entries(tmp_path):
    path = tmp_path / 'new' / 'per_query.json'
    results().dump(str(path))
    assert PerQueryResults.load(str(path)) == results()
    assert [p.name for p in path.parent.iterdir()] == ['per_query.json']
    raw = json.loads(path.read_text())
    assert raw['settings']['all'][0]['topk'][1] == dict(
        path='g/0001_s01c2_SAR.tif', id=1, modality=1, distance=0.5)


def test_an_evaluated_entry_without_ap_is_refused(tmp_path):
    path = tmp_path / 'r.json'
    results().dump(str(path))
    raw = json.loads(path.read_text())
    raw['settings']['o2s'][0]['ap'] = None
    path.write_text(json.dumps(raw))
    with pytest.raises(ValueError, match=r'r\.json: settings\.o2s\[0\]'):
        PerQueryResults.load(str(path))
    raw['settings']['o2s'] = [dict(raw['settings']['s2o'][0], topk=[{}])]
    path.write_text(json.dumps(raw))
    with pytest.raises(ValueError, match=r'topk #1: keys .* missing'):
        PerQueryResults.load(str(path))
