"""Speed and memory of the ReID metric against the per-query NumPy loop.

    python benchmarks/bench_metric.py            # all four cases (~10 min)
    python benchmarks/bench_metric.py --quick    # 2k x 20k random (~1.5 min)

Data: dimension 768 (float32), cosine distance; the gallery has one
identity per 20 items and 10% distractors (id -1); every query has at least
one true match (so all queries are evaluated and both methods rank the same
distance rows). Features are either ``random`` (Gaussian: the worst case of
the counting method, true matches spread over the whole ranking) or
``model-like`` (identity centre + Gaussian noise of std 2.5: mAP about 70%,
the regime of a trained model).

Methods, each case and method in its own process:

- ``eval_func``: the evaluation function that ReID toolkits commonly ship
  (Market-1501 ``eval_func`` of reid-strong-baseline, TransReID and the
  AGW / HOSS code bases derived from them; re-written here from its
  published description): the full distance matrix first, one
  ``np.argsort(distmat, axis=1)``, a match matrix, then per query the CMC
  by cumulative sum, AP through a per-element Python list of precisions,
  and INP; no camera filter (the HOSS protocol);
- ``loop``: a lean variant of the same per-query loop, our stronger
  reference: the same distance rows (same :class:`~sdfnet_mm.evaluation.
  functional.DistanceRows` chunks, hence the same float32 values), then
  the package's sort-based reference
  (:func:`~sdfnet_mm.evaluation.reference_ranking`: per query
  ``np.argsort(row, kind='stable')`` and AP / CMC / INP);
- ``metric``: :func:`sdfnet_mm.evaluation.ranking_stats`, the core of
  ``ReIDMetric`` on one setting (distances in query chunks, ranks by
  counting);
- ``ReIDMetric.calculate``: the full metric, all three settings (all, o2s,
  s2o).

At 10k x 100k both loops run on the first queries only and their times are
extrapolated linearly (marked ``*``).

Columns: wall seconds, best of ``--repeats`` runs after a warm-up (one run
at 10k x 100k and for ``eval_func``); ``rank s`` = total minus the time of
the same distance rows alone (measured in the same process); peak MB = the
process's peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) minus
its RSS just before the method starts, once the features exist
(``/proc/self/statm``); mAP and R1 in percent over the listed queries;
speedups of the metric, end to end over ``eval_func`` and over the lean
loop, and for the ranking stage over the lean loop. The run asserts that
all three give the same mAP, R1/5/10 and mINP (within 1e-6) on the same
queries. The last line is the end-to-end speedup over ``eval_func`` in the
quick case (the issue's reference: the loop ReID toolkits commonly use).
"""
import argparse
import json
import subprocess
import sys
import time

import numpy as np
import torch

from process_memory import peak_mb, resident_mb
from reid_features import add_centres_
from sdfnet_mm.evaluation import (ReIDMetric, ranking_stats,
                                  reference_ranking, summarize_ranking)
from sdfnet_mm.evaluation.functional import DistanceRows, default_chunk_size

#: name: (queries, gallery, features)
CASES = {
    '2k x 20k random': (2000, 20000, 'random'),
    '2k x 20k model-like': (2000, 20000, 'model-like'),
    '10k x 100k random': (10000, 100000, 'random'),
    '10k x 100k model-like': (10000, 100000, 'model-like'),
}
QUICK_CASE = '2k x 20k random'
#: Model-like features: identity centre + this much Gaussian noise.
NOISE = 2.5
#: Queries the loop ranks at 10k x 100k (rounded to whole distance chunks).
LOOP_QUERIES = 400
GALLERY_PER_ID = 20
DISTRACTOR_FRACTION = 0.1
TOLERANCE = 1e-6
RATE_KEYS = ('mAP', 'R1', 'R5', 'R10', 'mINP')


def make_split(num_query: int, num_gallery: int, features: str, dim: int,
               seed: int):
    """Features and labels (see the module docstring)."""
    gen = torch.Generator().manual_seed(seed)
    num_ids = max(1, num_gallery // GALLERY_PER_ID)
    gallery_ids = torch.randint(0, num_ids, (num_gallery, ), generator=gen)
    distractor = torch.rand(num_gallery, generator=gen) < DISTRACTOR_FRACTION
    gallery_ids[distractor] = -1
    present = gallery_ids[gallery_ids >= 0].unique()
    query_ids = present[torch.randint(
        0, len(present), (num_query, ), generator=gen)]
    query_feats = torch.randn(num_query, dim, generator=gen)
    gallery_feats = torch.randn(num_gallery, dim, generator=gen)
    if features == 'model-like':
        centres = torch.randn(num_ids + 1, dim, generator=gen)
        centres[-1] = 0  # distractors (id -1, the last row): noise only
        for feats, ids in ((query_feats, query_ids),
                           (gallery_feats, gallery_ids)):
            add_centres_(feats, ids, centres, NOISE)
    return (query_feats, query_ids,
            torch.randint(0, 2, (num_query, ), generator=gen), gallery_feats,
            gallery_ids, torch.randint(0, 2, (num_gallery, ), generator=gen))


def loop_ranking(dist, query_ids, gallery_ids):
    """The sort-based reference, one stable sort per query (no camera
    filter): per-query AP, INP and first-match rank."""
    no_cameras = np.zeros(len(query_ids)), np.zeros(len(gallery_ids))
    stats = reference_ranking(dist, query_ids, no_cameras[0], gallery_ids,
                              no_cameras[1])
    return (stats.average_precision.numpy(),
            stats.inverse_negative_penalty.numpy(),
            stats.first_match_rank.numpy())


def rates(aps, inps, firsts) -> dict:
    """Percent rates as :func:`summarize_ranking` reports them."""
    result = dict(mAP=float(np.mean(aps)) * 100)
    for k in (1, 5, 10):
        result[f'R{k}'] = float(np.mean(firsts <= k)) * 100
    result['mINP'] = float(np.mean(inps)) * 100
    return result


def query_chunks(num_queries: int, num_gallery: int):
    """Index tensors of the first ``num_queries`` queries in the metric's
    chunks."""
    return torch.arange(num_queries).split(default_chunk_size(num_gallery))


def distance_seconds(split, num_queries: int) -> float:
    """Time to compute the first ``num_queries`` distance rows in the
    metric's chunks (what both methods spend on distances)."""
    query, _, _, gallery, _, _ = split
    start = time.perf_counter()
    rows = DistanceRows(query, gallery)
    for queries in query_chunks(num_queries, len(gallery)):
        rows(queries)
    return time.perf_counter() - start


def loop_method(split, num_queries: int):
    """The loop on the first ``num_queries`` queries: per-query results and
    the time spent on distances."""
    query, query_ids, _, gallery, gallery_ids, _ = split
    rows = DistanceRows(query, gallery)
    gallery_ids = gallery_ids.numpy()
    dist_seconds, per_query = 0.0, ([], [], [])
    for queries in query_chunks(num_queries, len(gallery)):
        tick = time.perf_counter()
        dist = rows(queries).numpy()
        dist_seconds += time.perf_counter() - tick
        for store, values in zip(
                per_query,
                loop_ranking(dist, query_ids[queries].numpy(), gallery_ids)):
            store.append(values)
    return [np.concatenate(values) for values in per_query], dist_seconds


def eval_func(distmat: np.ndarray, query_ids: np.ndarray,
              gallery_ids: np.ndarray):
    """The toolkits' ``eval_func`` (see the module docstring), without the
    camera filter: per-query AP, INP and first-match rank."""
    indices = np.argsort(distmat, axis=1)
    matches = (gallery_ids[indices] == query_ids[:, None]).astype(np.int32)
    aps, inps, firsts = [], [], []
    for raw_cmc in matches:
        if not np.any(raw_cmc):
            continue
        cmc = raw_cmc.cumsum()
        last_hit = np.where(raw_cmc == 1)[0].max()
        inps.append(cmc[last_hit] / (last_hit + 1.0))
        firsts.append(np.argmax(cmc >= 1) + 1)
        precisions = [x / (i + 1.0) for i, x in enumerate(cmc)]
        aps.append((np.asarray(precisions) * raw_cmc).sum() / raw_cmc.sum())
    return np.array(aps), np.array(inps), np.array(firsts)


def eval_func_method(split, num_queries: int):
    """``eval_func`` on the first ``num_queries`` queries: the full distance
    matrix, then the ranking; per-query results and the distance time."""
    query, query_ids, _, gallery, gallery_ids, _ = split
    rows = DistanceRows(query, gallery)
    tick = time.perf_counter()
    distmat = np.concatenate([
        rows(queries).numpy()
        for queries in query_chunks(num_queries, len(gallery))
    ])
    dist_seconds = time.perf_counter() - tick
    return eval_func(distmat, query_ids[:num_queries].numpy(),
                     gallery_ids.numpy()), dist_seconds


def best_of(repeats: int, function):
    """(shortest wall time, last result) of ``repeats`` calls."""
    best, result = float('inf'), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_method(method: str, case: str, dim: int, seed: int,
               repeats: int) -> dict:
    """One method on one case, in this process: best of ``repeats`` runs
    after a short warm-up."""
    num_query, num_gallery, features = CASES[case]
    split = make_split(num_query, num_gallery, features, dim, seed)
    chunk = default_chunk_size(num_gallery)
    num_loop = num_query
    if num_query * num_gallery > 10**8:
        num_loop = min(num_query, -(-LOOP_QUERIES // chunk) * chunk)
    warm_up = tuple(part[:10] if i in (0, 1, 2) else part
                    for i, part in enumerate(split))
    before = resident_mb()
    result = dict(repeats=repeats)
    if method == 'metric':
        ranking_stats(*warm_up)
        result['seconds'], stats = best_of(repeats,
                                           lambda: ranking_stats(*split))
        result['dist_seconds'] = min(
            distance_seconds(split, num_query) for _ in range(repeats))
        result.update(summarize_ranking(stats))
        subset = slice(0, num_loop)
        result['subset'] = rates(
            stats.average_precision[subset].numpy(),
            stats.inverse_negative_penalty[subset].numpy(),
            stats.first_match_rank[subset].numpy())
    elif method == 'calculate':
        ReIDMetric.calculate(*warm_up)
        result['seconds'], metrics = best_of(
            repeats, lambda: ReIDMetric.calculate(*split))
        result.update({key: metrics[f'all_{key}'] for key in RATE_KEYS})
    else:
        reference = loop_method if method == 'loop' else eval_func_method
        reference(warm_up, 10)
        seconds, (per_query, dist_seconds) = best_of(
            repeats, lambda: reference(split, num_loop))
        scale = num_query / num_loop
        result.update(
            seconds=seconds * scale,
            dist_seconds=dist_seconds * scale,
            extrapolated=num_loop < num_query,
            num_loop=num_loop,
            subset=rates(*per_query))
        result.update(result['subset'])
    result['peak_mb'] = peak_mb() - before
    return result


def spawn(method: str, case: str, args) -> dict:
    """:func:`run_method` in a fresh process (its own peak RSS)."""
    command = [
        sys.executable, __file__, '--method', method, '--case', case,
        '--dim', str(args.dim), '--seed', str(args.seed), '--repeats',
        str(repeats_of(method, case, args))
    ]
    out = subprocess.run(
        command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def repeats_of(method: str, case: str, args) -> int:
    """Timed runs: ``--repeats``; once for the large case and for
    ``eval_func`` (about a minute a run, so the noise is small)."""
    if method == 'eval_func' or CASES[case][1] > 20000:
        return 1
    return args.repeats


def benchmark_case(case: str, args):
    """Rows of the table for one case, and the total speedup."""
    toolkit = spawn('eval_func', case, args)
    loop = spawn('loop', case, args)
    metric = spawn('metric', case, args)
    calculate = spawn('calculate', case, args)
    for reference in (toolkit, loop):
        for key in RATE_KEYS:
            difference = abs(metric['subset'][key] - reference['subset'][key])
            assert difference <= TOLERANCE, (case, key, metric['subset'][key],
                                             reference['subset'][key])
    loop_rank = loop['seconds'] - loop['dist_seconds']
    metric_rank = metric['seconds'] - metric['dist_seconds']
    speedup = toolkit['seconds'] / metric['seconds']
    mark = ' *' if loop['extrapolated'] else ''
    over = (f"queries 0-{loop['num_loop'] - 1}"
            if loop['extrapolated'] else 'all queries')
    rows = [
        (case, 'eval_func (toolkits)' + mark, toolkit['seconds'],
         toolkit['seconds'] - toolkit['dist_seconds'], toolkit['peak_mb'],
         toolkit['mAP'], toolkit['R1'], '1.00', '', '', over),
        (case, 'loop (lean NumPy)' + mark, loop['seconds'], loop_rank,
         loop['peak_mb'], loop['mAP'], loop['R1'],
         f"{toolkit['seconds'] / loop['seconds']:.2f}", '1.00', '1.00', over),
        (case, 'metric (ranking_stats)', metric['seconds'], metric_rank,
         metric['peak_mb'], metric['subset']['mAP'], metric['subset']['R1'],
         f'{speedup:.2f}', f"{loop['seconds'] / metric['seconds']:.2f}",
         f'{loop_rank / metric_rank:.2f}', over),
    ]
    if loop['extrapolated']:
        rows.append((case, 'metric (ranking_stats)', metric['seconds'],
                     metric_rank, metric['peak_mb'], metric['mAP'],
                     metric['R1'], '', '', '', 'all queries'))
    rows.append((case, 'ReIDMetric.calculate', calculate['seconds'], None,
                 calculate['peak_mb'], calculate['mAP'], calculate['R1'], '',
                 '', '', 'all queries; 3 settings'))
    return rows, speedup


def print_table(rows) -> None:
    print(f"{'case':<21} {'method':<24} {'total s':>8} {'rank s':>7} "
          f"{'peak MB':>8} {'mAP':>8} {'R1':>6} {'x eval_func':>11} "
          f"{'x loop':>7} {'rank x loop':>11}  mAP/R1 over")
    for (case, method, total, rank, peak, mean_ap, rank1, over_toolkit,
         over_loop, rank_over_loop, over) in rows:
        rank = '' if rank is None else f'{rank:.2f}'
        print(f'{case:<21} {method:<24} {total:>8.2f} {rank:>7} '
              f'{peak:>8.0f} {mean_ap:>8.4f} {rank1:>6.3f} {over_toolkit:>11} '
              f'{over_loop:>7} {rank_over_loop:>11}  {over}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--quick', action='store_true', help=f'only {QUICK_CASE!r}')
    parser.add_argument('--dim', type=int, default=768)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--repeats',
        type=int,
        default=3,
        help='timed runs per method at 2k x 20k (best kept); 1 at 10k x 100k')
    parser.add_argument(
        '--method',
        choices=('metric', 'loop', 'eval_func', 'calculate'),
        help=argparse.SUPPRESS)
    parser.add_argument('--case', choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.method:
        print(
            json.dumps(
                run_method(args.method, args.case, args.dim, args.seed,
                           args.repeats)))
        return
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, '
          f'dim {args.dim}, cosine distance')
    cases = [QUICK_CASE] if args.quick else list(CASES)
    rows, speedups = [], {}
    for case in cases:
        case_rows, speedups[case] = benchmark_case(case, args)
        rows += case_rows
    print_table(rows)
    print('Times: best of --repeats runs (one run at 10k x 100k and for '
          'eval_func). rank s = '
          'total - time of the same distance rows alone. * time '
          'extrapolated linearly from the listed queries. peak MB: peak RSS '
          'increase over the RSS once the features exist.')
    print('x eval_func / x loop: end-to-end speedups; rank x loop: speedup '
          'of the ranking stage over the lean loop.')
    print('metric, eval_func and loop agree within 1e-6 on mAP, R1, R5, R10 '
          'and mINP (over the loops\' queries).')
    print(f'speedup: {speedups[QUICK_CASE]:.2f}')


if __name__ == '__main__':
    main()
