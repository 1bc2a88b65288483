"""How much the k-reciprocal re-ranking variants differ in mAP and R1.

    python benchmarks/bench_rerank.py [--sets 5] [--k1 20 --k2 6 --lambda 0.3]

Data: random cross-modal sets in the size of HOSS's test split: 100
identities, 150 queries (75 optical, 75 SAR, ids drawn at random), a
gallery of 3 optical + 3 SAR items per identity (600), dimension 256.
Model-like clustered features: identity centre + a shift per modality (the
modality gap) + per-identity-and-modality offset + Gaussian noise, scaled so
that plain ranking lands near a trained model's HOSS numbers (about 60% All
mAP).

Rows, per setting (All, O->S, S->O; each setting re-ranks its own query
and gallery set, as :class:`~sdfnet_mm.evaluation.ReIDMetric` does):

- ``none``: cosine distance, no re-ranking;
- ``paper``: ``rerank_mode='paper'`` (the paper's formulas as written);
- ``zhong``: ``rerank_mode='zhong'`` (the default: Zhong et al.'s script);
- ``zhong, float16 V``: the script with the authors' float16 storage of the
  encodings and Jaccard distances
  (:func:`~sdfnet_mm.evaluation.functional.reference_zhong_rerank` with
  ``storage=np.float16``).

Printed: mean over ``--sets`` random sets, then the paired differences
against ``paper`` (mean ± sample std over the sets), then the time of one
re-ranking at N = 750 (150 + 600; HOSS's test split has N = 769) on this
machine (indicative only: the host is shared).
"""
import argparse
import time

import numpy as np
import torch

from sdfnet_mm.evaluation import (RankingOptions, k_reciprocal_distance,
                                  ranking_stats, reference_ranking,
                                  summarize_ranking)
from sdfnet_mm.evaluation.functional import reference_zhong_rerank
from sdfnet_mm.structures import CROSS_MODAL, SETTING_TITLES

NUM_IDS, NUM_QUERY, PER_MODALITY, DIM = 100, 150, 3, 256
#: Feature scales (centre 1): modality shift, id-modality offset, noise.
SHIFT, OFFSET, NOISE = 0.7, 1.0, 2.25
METHODS = ('none', 'paper', 'zhong', 'zhong, float16 V')


def make_set(seed: int):
    """(query feats, ids, modalities, gallery feats, ids, modalities)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((NUM_IDS, DIM))
    shift = SHIFT * rng.standard_normal((2, DIM))
    offset = OFFSET * rng.standard_normal((NUM_IDS, 2, DIM))
    query_ids = rng.integers(0, NUM_IDS, NUM_QUERY)
    query_modalities = np.repeat([0, 1], NUM_QUERY // 2)
    gallery_ids = np.repeat(np.arange(NUM_IDS), 2 * PER_MODALITY)
    gallery_modalities = np.tile(np.repeat([0, 1], PER_MODALITY), NUM_IDS)

    def feats(ids, modalities):
        return (centres[ids] + shift[modalities] + offset[ids, modalities] +
                NOISE * rng.standard_normal((len(ids), DIM))).astype(
                    np.float32)

    return (feats(query_ids, query_modalities), query_ids, query_modalities,
            feats(gallery_ids, gallery_modalities), gallery_ids,
            gallery_modalities)


def evaluate(parts, method: str, k1: int, k2: int, lambda_value: float):
    """mAP and R1 (%) of one method on one query/gallery selection."""
    query, query_ids, query_cams, gallery, gallery_ids, gallery_cams = parts
    if method == 'zhong, float16 V':
        dist = reference_zhong_rerank(query, gallery, k1, k2, lambda_value,
                                      storage=np.float16)
        stats = reference_ranking(dist, query_ids, query_cams, gallery_ids,
                                  gallery_cams)
    else:
        options = RankingOptions(
            rerank=method != 'none',
            rerank_mode='zhong' if method == 'none' else method, k1=k1,
            k2=k2, lambda_value=lambda_value)
        stats = ranking_stats(*(torch.from_numpy(np.asarray(part))
                                for part in parts), options)
    summary = summarize_ranking(stats)
    return summary['mAP'], summary['R1']


def selections(data):
    """Setting name -> the (query, gallery) selection of ``data``."""
    query, query_ids, query_cams, gallery, gallery_ids, gallery_cams = data
    result = {'all': data}
    for name, (query_modality, gallery_modality) in CROSS_MODAL.items():
        keep_q, keep_g = (query_cams == query_modality,
                          gallery_cams == gallery_modality)
        result[name] = (query[keep_q], query_ids[keep_q], query_cams[keep_q],
                        gallery[keep_g], gallery_ids[keep_g],
                        gallery_cams[keep_g])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sets', type=int, default=5)
    parser.add_argument('--k1', type=int, default=20)
    parser.add_argument('--k2', type=int, default=6)
    parser.add_argument('--lambda', dest='lambda_value', type=float,
                        default=0.3)
    args = parser.parse_args()
    # results[method][setting] -> (sets, 2) of mAP, R1
    results = {method: {setting: [] for setting in SETTING_TITLES}
               for method in METHODS}
    for seed in range(args.sets):
        for setting, parts in selections(make_set(seed)).items():
            for method in METHODS:
                results[method][setting].append(
                    evaluate(parts, method, args.k1, args.k2,
                             args.lambda_value))
    print(f'{args.sets} random cross-modal sets, k1={args.k1}, '
          f'k2={args.k2}, lambda={args.lambda_value}; mAP / R1 (%), mean '
          'over the sets\n')
    header = ' | '.join(SETTING_TITLES.values())
    print(f'| method | {header} |')
    print('|---' * (len(SETTING_TITLES) + 1) + '|')
    for method in METHODS:
        cells = [
            '{:.2f} / {:.2f}'.format(*np.mean(results[method][setting], 0))
            for setting in SETTING_TITLES
        ]
        print(f'| {method} | ' + ' | '.join(cells) + ' |')
    print('\nPaired differences against paper (mean ± sample std over the '
          'sets), mAP / R1 points\n')
    print(f'| method − paper | {header} |')
    print('|---' * (len(SETTING_TITLES) + 1) + '|')
    for method in METHODS:
        if method == 'paper':
            continue
        cells = []
        for setting in SETTING_TITLES:
            diff = (np.array(results[method][setting]) -
                    np.array(results['paper'][setting]))
            mean, std = diff.mean(0), diff.std(0, ddof=1)
            cells.append(f'{mean[0]:+.2f} ± {std[0]:.2f} / '
                         f'{mean[1]:+.2f} ± {std[1]:.2f}')
        print(f'| {method} | ' + ' | '.join(cells) + ' |')

    query, _, _, gallery, _, _ = make_set(0)
    query, gallery = torch.from_numpy(query), torch.from_numpy(gallery)
    print(f'\nOne re-ranking at N = {len(query) + len(gallery)} (best of 3, '
          'seconds, indicative):')
    for mode in ('zhong', 'paper'):
        options = RankingOptions(rerank_mode=mode, k1=args.k1, k2=args.k2,
                                 lambda_value=args.lambda_value)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            k_reciprocal_distance(query, gallery, options)
            times.append(time.perf_counter() - start)
        print(f'  k_reciprocal_distance({mode}): {min(times):.3f}')
    start = time.perf_counter()
    reference_zhong_rerank(query.numpy(), gallery.numpy(), args.k1, args.k2,
                           args.lambda_value)
    print(f'  reference loop: {time.perf_counter() - start:.3f}')


if __name__ == '__main__':
    main()
