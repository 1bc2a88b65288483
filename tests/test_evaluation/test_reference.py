"""The sort-based reference ranking on hand-computed cases."""
import numpy as np
import pytest

from sdfnet_mm.evaluation import reference_ranking, summarize_ranking


def test_ap_inp_and_ranks_by_hand():
    # Query 1 (camera 0): matches at ranks 1 and 3; query 2: rank 2;
    # query 7: no match (skipped).
    dist = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0]])
    stats = reference_ranking(dist, [1, 2, 7], [0, 0, 0], [1, 2, 1],
                              [1, 1, 1], topk=2)
    assert stats.evaluated.tolist() == [True, True, False]
    assert stats.num_matches.tolist() == [2, 1, 0]
    np.testing.assert_allclose(stats.average_precision, [(1 + 2 / 3) / 2,
                                                         1 / 2])
    np.testing.assert_allclose(stats.inverse_negative_penalty, [2 / 3, 1 / 2])
    assert stats.first_match_rank.tolist() == [1, 2]
    assert stats.topk_index.tolist() == [[0, 1]] * 3
    assert summarize_ranking(stats)['mAP'] == pytest.approx(
        100 * ((1 + 2 / 3) / 2 + 1 / 2) / 2)


def test_camera_filter_and_ties_by_hand():
    # Ties at distance 1 are ranked in gallery order; with the camera
    # filter the same-id same-camera item 1 is removed (listed last, -1).
    dist = np.array([[1.0, 1.0, 1.0, 0.5]])
    stats = reference_ranking(dist, [3], [0], [5, 3, 3, -1], [0, 0, 1, 0],
                              camera_filter=True, topk=4)
    assert stats.num_matches.tolist() == [1]
    assert stats.first_match_rank.tolist() == [3]  # after items 3 and 0
    assert stats.topk_index.tolist() == [[3, 0, 2, -1]]
    assert stats.topk_distance[0, -1] == np.inf
