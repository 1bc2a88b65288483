"""Build time, size, latency and recall of the gallery index
(:class:`sdfnet_mm.retrieval.GalleryIndex`), exact and approximate.

    python benchmarks/bench_index.py            # 100k and 1M galleries
    python benchmarks/bench_index.py --quick    # 200k, exact and IVF-PQ,
                                                # 100 single queries, 5 x 64

Data: 768-d model-like features (:class:`reid_features.ArchiveFeatures`: 100
ship classes, one identity per 20 chips, an optical and a SAR centre per
identity, noisy L2-normalised views; cosine 0.7 within a ship and
modality, 0.5 across modalities, 0.25 within a class), optical and SAR
chips half and half, each with a metadata record (path, sensor, ground
sample distance, capture time, ship id for 80%). Queries: new views of
archive identities, either modality.

Each (gallery, index kind) runs in its own process, exact first:

- build s: ``GalleryIndex.train`` (IVF-PQ: on the first ``39 * nlist``
  chips of each modality, faiss' advice) plus ``add`` of the whole gallery
  in batches of 16384 (L2-normalising, faiss, SQLite); generating the
  features is not counted; save s: ``GalleryIndex.save``;
- disk MB: the saved version folder; RSS MB: the process's resident memory
  after building minus before creating the index (features are generated
  batch by batch, so it is the index's);
- latency: ``GalleryIndex.search`` end to end (faiss, SQLite look-up of the
  hits, result objects), top-10: single queries over both modalities
  (``modality='any'``, the whole gallery; ``--single`` queries after 10
  warm-up ones), batches of 64 (``--batches``), and cross-modal single
  queries (the other modality only: half the gallery, the usual search);
  wall-clock p50 / p99, and in brackets the p50 of the process's CPU time
  (all threads), which a loaded host does not inflate;
- recall@10: mean share of the exact index's top-10 that the approximate
  index returns, over the batch queries (both modalities) and over the
  single cross-modal queries (whose top-10 are the other views of the
  same ship, then look-alike ships: the harder case).

With ``--sweep``, each approximate index is searched again with the
search parameters of ``SWEEPS`` (recall, and latency of 100 single
queries).

faiss runs on ``--threads`` threads. OpenMP threads wait passively
(``OMP_WAIT_POLICY=PASSIVE`` unless set): with the default spinning, on
this 2-core host shared with other jobs, training a small IVF-PQ index
took 20-90x longer (measured). The last two lines are the approximate
index's recall@10 and single-query p50 (both modalities) on the largest
gallery of the run.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: Largest gallery of --quick: builds, searches and recall in < 3 minutes.
QUICK_GALLERY = 200_000
#: --single and --batches of --quick.
QUICK_QUERIES = (100, 5)
FULL_GALLERIES = (100_000, 1_000_000)
#: HNSW builds take 2.5x IVF-PQ's at 1M (measured): only on galleries up
#: to this size in the full run.
HNSW_MAX_GALLERY = 100_000
BATCH = 16384
#: Search parameters tried on the built approximate index (--sweep).
SWEEPS = {
    'ivfpq': [dict(nprobe=nprobe, refine_factor=factor)
              for nprobe in (8, 16, 32) for factor in (4, 8, 16)],
    'hnsw': [dict(ef_search=ef) for ef in (64, 128, 256, 512)],
}
QUERY_BATCH = 64
TOPK = 10
SENSORS = ('WorldView-3', 'Sentinel-1')  # optical, SAR
GSD = (0.5, 10.0)


def ivfpq_spec(rows_per_modality: int):
    """:class:`IVFPQSpec`'s defaults, chosen by measurement (README,
    Benchmarks: 96 sub-quantizers of 8 bits, 16 lists probed, 16 x k
    candidates re-ranked), with about 4 sqrt(n) lists (a power of two:
    2048 at 500k chips per modality)."""
    from sdfnet_mm.retrieval import IVFPQSpec
    return IVFPQSpec(nlist=2**round(np.log2(4 * rows_per_modality**0.5)))


def index_spec(kind: str, num_gallery: int):
    """None (exact) or the approximate spec of ``kind``."""
    from sdfnet_mm.retrieval import HNSWSpec
    if kind == 'exact':
        return None
    if kind == 'ivfpq':
        return ivfpq_spec(num_gallery // 2)
    return HNSWSpec(m=32, ef_construction=80, ef_search=128)


def chip_records(start: int, ids, modalities) -> list:
    """Metadata of chips ``start, start + 1, ...``."""
    from sdfnet_mm.retrieval import ChipRecord
    return [
        ChipRecord(
            path=f'archive/{start + i:07d}.tif',
            modality=modality,
            sensor=SENSORS[modality],
            gsd=GSD[modality],
            capture_time=f'20{15 + (start + i) % 10}-0{1 + i % 9}-'
            f'{1 + i % 28:02d}T{i % 24:02d}:00:00Z',
            ship_id=ship if (start + i) % 5 else None)
        for i, (ship, modality) in enumerate(
            zip(ids.tolist(), modalities.tolist()))
    ]


def percentiles_ms(seconds) -> tuple:
    """(p50, p99) in milliseconds."""
    p50, p99 = np.percentile(np.array(seconds) * 1e3, [50, 99])
    return float(p50), float(p99)


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob('*')
               if p.is_file()) / 2**20


def build(index, archive, centres, num_gallery: int) -> float:
    """Train (if needed) and fill ``index``; returns the seconds spent in
    ``train`` and ``add``."""
    spec, seconds = index.spec, 0.0
    if index.needs_training:
        per_modality = 39 * spec.nlist
        sample, modalities = [], []
        for features, _, mods in archive.chunks(
                min(num_gallery, 2 * per_modality), 0, centres, BATCH):
            sample.append(features.numpy())
            modalities.append(mods.numpy())
        start = time.perf_counter()
        index.train(np.concatenate(sample), np.concatenate(modalities))
        seconds += time.perf_counter() - start
        del sample
    for start_row, (features, ids, modalities) in zip(
            range(0, num_gallery, BATCH),
            archive.chunks(num_gallery, 0, centres, BATCH)):
        records = chip_records(start_row, ids, modalities)
        start = time.perf_counter()
        index.add(features.numpy(), records)
        seconds += time.perf_counter() - start
    return seconds


def run_case(kind: str, num_gallery: int, args) -> dict:
    """Build and measure one index kind on one gallery, in this process."""
    import faiss
    import torch

    from process_memory import resident_mb
    from reid_features import ArchiveFeatures
    from sdfnet_mm.retrieval import GalleryIndex, ModelFingerprint
    from sdfnet_mm.retrieval.index_spec import spec_to_dict
    faiss.omp_set_num_threads(args.threads)
    torch.set_num_threads(args.threads)
    archive = ArchiveFeatures(args.dim, num_gallery // 20, seed=args.seed)
    centres = archive.view_centres()
    num_queries = args.single + args.batches * QUERY_BATCH
    queries, _, query_modalities = next(
        archive.chunks(num_queries, 1, centres, num_queries))
    queries, query_modalities = queries.numpy(), query_modalities.numpy()
    fingerprint = ModelFingerprint('bench.pth', '0' * 64, 'bench.py',
                                   '0' * 64)
    directory = Path(args.work_dir) / f'{kind}_{num_gallery}'
    before = resident_mb()
    index = GalleryIndex.create(directory, args.dim, fingerprint,
                                approx=index_spec(kind, num_gallery))
    result = dict(kind=kind, num_gallery=num_gallery)
    result['build_s'] = build(index, archive, centres, num_gallery)
    result['rss_mb'] = resident_mb() - before
    start = time.perf_counter()
    index.save()
    result['save_s'] = time.perf_counter() - start
    result['disk_mb'] = folder_mb(directory / index.manifest.folder)
    result['params'] = spec_to_dict(index.spec)
    single, batches = queries[:args.single], queries[args.single:]
    cross = [1 - int(m) for m in query_modalities[:args.single]]
    for query in single[:10]:  # warm-up
        index.search(query[None], TOPK, 'any')
    result['single_any'], _ = timed_searches(index, single[:, None], 'any')
    result['single_cross'], cross_rows = timed_searches(
        index, single[:, None], cross)
    result['batch'], rows = timed_searches(
        index, batches.reshape(-1, QUERY_BATCH, args.dim), 'any')
    truth_file = Path(args.work_dir) / f'exact_{num_gallery}_top{TOPK}.json'
    if kind == 'exact':
        truth_file.write_text(json.dumps(dict(any=rows, cross=cross_rows)))
    else:
        truth = json.loads(truth_file.read_text())
        result['recall'] = recall(rows, truth['any'])
        result['recall_cross'] = recall(cross_rows, truth['cross'])
        result['sweep'] = []
        for params in SWEEPS[kind] if args.sweep else ():
            index.set_search_params(**params)
            timing, _ = timed_searches(index, single[:100, None], 'any')
            result['sweep'].append(dict(
                params=params, single_any=timing,
                recall=recall(timed_searches(
                    index, batches.reshape(-1, QUERY_BATCH, args.dim),
                    'any')[1], truth['any']),
                recall_cross=recall(timed_searches(
                    index, single[:100, None], cross)[1], truth['cross'])))
    shutil.rmtree(directory)
    return result


def timed_searches(index, groups: np.ndarray, modality) -> tuple:
    """Search each group of queries ``groups[i]`` (n, C): a single query or
    a batch, top-10, in ``modality`` (one for all, or one per group).

    Returns:
        (dict(wall=(p50, p99) ms, cpu=p50 ms of process CPU time) per
        group, per query its rows).
    """
    wall, cpu, rows = [], [], []
    for number, group in enumerate(groups):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        hits = index.search(group, TOPK, modality if isinstance(
            modality, str) else modality[number])
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
        rows += [[hit.row for hit in query_hits] for query_hits in hits]
    return dict(wall=percentiles_ms(wall), cpu=percentiles_ms(cpu)[0]), rows


def recall(rows: list, truth: list) -> float:
    """Mean share of each query's exact top-10 rows found."""
    return float(np.mean([len(set(found) & set(exact)) / len(exact)
                          for found, exact in zip(rows, truth)]))


def spawn(kind: str, num_gallery: int, args) -> dict:
    """:func:`run_case` in a fresh process (its own memory)."""
    command = [
        sys.executable, __file__, '--kind', kind, '--gallery',
        str(num_gallery), '--work-dir', args.work_dir, '--dim',
        str(args.dim), '--seed', str(args.seed), '--threads',
        str(args.threads), '--single', str(args.single), '--batches',
        str(args.batches)
    ] + ['--sweep'] * args.sweep
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f'{kind} at {num_gallery} failed:\n'
                           f'{done.stderr[-3000:]}')
    return json.loads(done.stdout.strip().splitlines()[-1])


def format_params(params: dict) -> str:
    return ' '.join(f'{key}={value}' for key, value in params.items()
                    if key != 'kind')


def timing_cell(timing: dict) -> str:
    """'p50 / p99 (CPU p50)' in ms."""
    return '{:.2f} / {:.2f} ({:.2f})'.format(*timing['wall'], timing['cpu'])


def print_table(results) -> None:
    print('| gallery | index | parameters | build s | save s | disk MB | '
          'RSS MB | 1 query ms | 64 queries ms | cross-modal 1 query ms | '
          'recall@10 | cross-modal recall@10 |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for r in results:
        recalls = ' | '.join(
            f'{r[key]:.3f}' if key in r else '(reference)'
            for key in ('recall', 'recall_cross'))
        print(f"| {r['num_gallery']:,} | {r['kind']} | "
              f"{format_params(r['params'])} | {r['build_s']:.1f} | "
              f"{r['save_s']:.1f} | {r['disk_mb']:.0f} | {r['rss_mb']:.0f} | "
              f"{timing_cell(r['single_any'])} | {timing_cell(r['batch'])} | "
              f"{timing_cell(r['single_cross'])} | {recalls} |")
    print('\nms: wall-clock p50 / p99 (process CPU time p50).')


def print_sweep(results) -> None:
    print('\n| gallery | index | search parameters | recall@10 | '
          'cross-modal recall@10 | 1 query ms |')
    print('|---|---|---|---|---|---|')
    for r in results:
        for point in r.get('sweep', ()):
            print(f"| {r['num_gallery']:,} | {r['kind']} | "
                  f"{format_params(point['params'])} | {point['recall']:.3f}"
                  f" | {point['recall_cross']:.3f} | "
                  f"{timing_cell(point['single_any'])} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--quick', action='store_true',
        help=f'{QUICK_GALLERY:,} chips, exact and IVF-PQ (< 3 minutes)')
    parser.add_argument('--galleries', type=int, nargs='+',
                        help=f'gallery sizes (default {FULL_GALLERIES})')
    parser.add_argument('--dim', type=int, default=768)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--single', type=int, default=200,
                        help='single queries timed (after 10 warm-up)')
    parser.add_argument('--batches', type=int, default=20,
                        help='batches of 64 queries timed')
    parser.add_argument('--sweep', action='store_true',
                        help='also try the search parameters of SWEEPS '
                        'on each approximate index (recall, p50 over 100 '
                        'single queries)')
    parser.add_argument('--work-dir', help='where the indexes are written '
                        '(default: a temporary folder, removed)')
    parser.add_argument('--kind', help=argparse.SUPPRESS)
    parser.add_argument('--gallery', type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kind:
        print(json.dumps(run_case(args.kind, args.gallery, args)))
        return
    os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    if args.quick:
        args.single, args.batches = QUICK_QUERIES
        cases = [(QUICK_GALLERY, ('exact', 'ivfpq'))]
    else:
        cases = [(n, ('exact', 'ivfpq', 'hnsw') if n <= HNSW_MAX_GALLERY
                  else ('exact', 'ivfpq'))
                 for n in args.galleries or FULL_GALLERIES]
    import faiss
    print(f'faiss {faiss.__version__}, {args.threads} threads, OMP_WAIT_POLICY'
          f"={os.environ['OMP_WAIT_POLICY']}, dim {args.dim}, top-{TOPK}, "
          f'load average {os.getloadavg()[0]:.1f} at start\n')
    results = []
    with tempfile.TemporaryDirectory() as temporary:
        args.work_dir = args.work_dir or temporary
        for num_gallery, kinds in cases:
            for kind in kinds:
                results.append(spawn(kind, num_gallery, args))
    print_table(results)
    if args.sweep:
        print_sweep(results)
    largest = [r for r in results if r['kind'] == 'ivfpq'][-1]
    print(f'\nload average {os.getloadavg()[0]:.1f} at the end')
    print(f"recall@10: {largest['recall']:.3f}")
    print(f"p50_ms: {largest['single_any']['wall'][0]:.1f}")


if __name__ == '__main__':
    main()
