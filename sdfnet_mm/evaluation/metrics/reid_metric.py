"""Cross-modal ReID metric: mAP, CMC and mINP in three settings."""
import logging
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from torch import Tensor

from sdfnet_mm.registry import METRICS
from sdfnet_mm.structures import CROSS_MODAL, SETTINGS, check_modalities
from sdfnet_mm.structures.per_query_result import PerQueryResults
from ..functional import (CMC_RANKS, RankingOptions, RankingStats,
                          per_query_results, ranking_stats, summarize_ranking)

#: Per setting: (query mask, gallery mask) over the pools, None for all.
Selections = Dict[str, Tuple[Optional[Tensor], Optional[Tensor]]]
#: Keys every data sample (as a dict) must carry.
SAMPLE_KEYS = ('pred_feature', 'gt_label', 'modality', 'is_query')


@METRICS.register_module()
class ReIDMetric(BaseMetric):
    """mAP, CMC Rank-1/5/10 and mINP of cross-modal ship ReID.

    Three settings come from one set of features (``docs/method.md``
    §2): ``all`` (every query against every gallery item), ``o2s`` (optical
    queries, SAR gallery) and ``s2o`` (SAR queries, optical gallery). Each
    sample lists in ``settings`` the settings whose folders hold it; when no
    sample carries the ``'o2s'`` (``'s2o'``) tag, that setting is derived
    from the ``all`` items by modality. Which one was used is logged once per
    evaluation.

    Reported keys (percent; flat and always the same): for each setting
    ``<s>_mAP``, ``<s>_R1``, ``<s>_R5``, ``<s>_R10``, ``<s>_mINP``,
    ``<s>_num_queries`` (queries evaluated) and ``<s>_num_skipped`` (queries
    without a true match in that gallery). A setting without an evaluable
    query reports NaN rates and logs a warning.

    Protocol: no same-id/same-camera removal unless ``camera_filter=True``
    (camera = modality here); distractors (id -1) stay in the gallery and
    never match; ties in distance are ranked in gallery order (the order of
    the collected results, i.e. the dataset order with MMEngine's unshuffled
    test sampler). See :mod:`sdfnet_mm.evaluation.functional.ranking`.

    Args:
        metric (str): ``'cosine'`` (``1 - cos`` of L2-normalised features,
            the authors' ranking) or ``'euclidean'`` (squared, raw
            features). Defaults to ``'cosine'``.
        camera_filter (bool): Remove gallery items with the query's id and
            modality (Market-1501 style). Defaults to False.
        rerank (bool): k-reciprocal re-ranking (memory O((Q + G)^2), see
            :func:`~sdfnet_mm.evaluation.k_reciprocal_distance`).
            Defaults to False.
        rerank_mode (str): ``'zhong'`` (the widely used script, default)
            or ``'paper'`` (the paper's formulas as written); see
            :class:`~sdfnet_mm.evaluation.RankingOptions`.
        k1 (int): Re-ranking k1. Defaults to 20.
        k2 (int): Re-ranking k2. Defaults to 6.
        lambda_value (float): Re-ranking weight of the original distance.
            Defaults to 0.3.
        chunk_size (int, optional): Queries whose distances are computed at
            once (memory O(chunk_size x G)). Defaults to None (about 16M
            distances a chunk).
        per_query_out (str, optional): Also write every query's result
            (file, AP, rank of the first true match, top-k gallery files)
            of each setting to this JSON file
            (:class:`~sdfnet_mm.structures.PerQueryResults`). Defaults to
            None.
        topk (int): Gallery items listed per query in ``per_query_out``.
            Defaults to 10.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Key prefix. Defaults to ``'reid'``.
        collect_dir (str, optional): Folder for collecting results on CPU.
    """
    default_prefix: Optional[str] = 'reid'

    def __init__(self,
                 metric: str = 'cosine',
                 camera_filter: bool = False,
                 rerank: bool = False,
                 rerank_mode: str = 'zhong',
                 k1: int = 20,
                 k2: int = 6,
                 lambda_value: float = 0.3,
                 chunk_size: Optional[int] = None,
                 per_query_out: Optional[str] = None,
                 topk: int = 10,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        self.options = RankingOptions(
            metric=metric,
            camera_filter=camera_filter,
            rerank=rerank,
            rerank_mode=rerank_mode,
            k1=k1,
            k2=k2,
            lambda_value=lambda_value,
            chunk_size=chunk_size)
        if topk < 1:
            raise ValueError(f'ReIDMetric: topk={topk}; expected >= 1')
        self.per_query_out = per_query_out
        self.topk = topk

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep one entry per sample (feature on CPU, labels as Python
        values), so that ``collect_results`` trims the sampler's padding.

        Args:
            data_batch: Unused.
            data_samples (Sequence[dict]): Samples with ``pred_feature``
                (C,), ``gt_label`` (tensor([id])), ``modality`` (0-d),
                ``is_query`` (bool), ``settings`` (tuple of str; taken as
                ``('all',)`` when absent) and ``img_path`` (optional; the
                file named in ``per_query_out``).
        """
        for sample in data_samples:
            missing = [key for key in SAMPLE_KEYS if key not in sample]
            where = sample.get('img_path', 'a data sample')
            if missing:
                raise KeyError(f'ReIDMetric: {where} lacks {missing}; '
                               f'expected the keys {SAMPLE_KEYS}')
            feature = sample['pred_feature']
            if not isinstance(feature, Tensor) or feature.dim() != 1:
                raise ValueError(f'ReIDMetric: pred_feature of {where} '
                                 'should be a (C,) tensor')
            label = torch.as_tensor(sample['gt_label'])
            if label.numel() != 1:
                raise ValueError(f'ReIDMetric: gt_label of {where} has '
                                 f'{label.numel()} values; expected one id')
            self.results.append(
                dict(
                    feature=feature.detach().cpu(),
                    identity=int(label.item()),
                    modality=int(sample['modality']),
                    is_query=bool(sample['is_query']),
                    img_path=str(sample.get('img_path', '')),
                    settings=tuple(sample.get('settings', ('all', )))))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """The flat metric dict from the collected entries."""
        if not results:
            raise ValueError('ReIDMetric: no results to evaluate')
        try:
            feats = torch.stack([item['feature'] for item in results])
        except RuntimeError as err:
            raise ValueError('ReIDMetric: pred_feature sizes differ between '
                             f'samples; expected one size ({err})') from err
        ids = torch.tensor([item['identity'] for item in results])
        modalities = torch.tensor([item['modality'] for item in results])
        is_query = torch.tensor([item['is_query'] for item in results])
        tags = [set(item['settings']) for item in results]

        def tagged(name: str) -> Tensor:
            return torch.tensor([name in tag for tag in tags])

        in_all = tagged('all')
        selections = {'all': (in_all & is_query, in_all & ~is_query)}
        sources = []
        for name, (query_modality, gallery_modality) in CROSS_MODAL.items():
            members = tagged(name)
            if bool(members.any()):
                selections[name] = (members & is_query, members & ~is_query)
                sources.append(f'{name}: subset folders')
            else:
                selections[name] = (in_all & is_query
                                    & (modalities == query_modality),
                                    in_all & ~is_query
                                    & (modalities == gallery_modality))
                sources.append(f'{name}: modality filter of the all split')
        print_log(
            'ReIDMetric settings: ' + '; '.join(sources), logger='current')
        items = (feats, ids, modalities)
        topk = self.topk if self.per_query_out else 0
        metrics, stats = _evaluate(items, items, selections, self.options,
                                   topk)
        if self.per_query_out:
            paths = [item['img_path'] for item in results]
            self._write_per_query(items, paths, selections, stats)
        return metrics

    def _write_per_query(self, items: Tuple[Tensor, Tensor, Tensor],
                         paths: List[str], selections: Selections,
                         stats: Dict[str, RankingStats]) -> None:
        """Write ``per_query_out`` from the rankings' top-k lists."""
        settings = {}
        for name, ranking in stats.items():
            query_mask, gallery_mask = selections[name]
            settings[name] = per_query_results(
                ranking, _select_paths(paths, query_mask),
                *_select(items, query_mask)[1:],
                _select_paths(paths, gallery_mask),
                *_select(items, gallery_mask)[1:])
        PerQueryResults(self.options.metric, settings).dump(
            self.per_query_out)
        print_log(f'ReIDMetric: per-query results written to '
                  f'{self.per_query_out}', logger='current')

    @staticmethod
    def calculate(query_feats: Tensor, query_ids: Tensor,
                  query_modalities: Tensor, gallery_feats: Tensor,
                  gallery_ids: Tensor, gallery_modalities: Tensor,
                  **options) -> Dict[str, float]:
        """The flat metric dict of one query/gallery pair, ``o2s`` and
        ``s2o`` by modality filter.

        Args:
            query_feats (Tensor): (Q, C) features.
            query_ids (Tensor): (Q,) identities (-1: distractor).
            query_modalities (Tensor): (Q,) 0 optical, 1 SAR.
            gallery_feats (Tensor): (G, C) features.
            gallery_ids (Tensor): (G,) identities (-1: distractor).
            gallery_modalities (Tensor): (G,) 0 optical, 1 SAR.
            **options: ``metric``, ``camera_filter``, ``rerank``,
                ``rerank_mode``, ``k1``, ``k2``, ``lambda_value``,
                ``chunk_size`` (as in
                :class:`ReIDMetric`).

        Returns:
            dict: ``<setting>_<key>`` for the three settings.
        """
        queries = (query_feats, torch.as_tensor(query_ids),
                   torch.as_tensor(query_modalities))
        gallery = (gallery_feats, torch.as_tensor(gallery_ids),
                   torch.as_tensor(gallery_modalities))
        for name, (feats, ids, modalities) in (('query', queries),
                                               ('gallery', gallery)):
            if not len(ids) == len(modalities) == len(feats):
                raise ValueError(
                    f'{len(feats)} {name} features, {len(ids)} ids and '
                    f'{len(modalities)} modalities; expected one per feature')
        selections = {'all': (None, None)}
        for name, (query_modality, gallery_modality) in CROSS_MODAL.items():
            selections[name] = (queries[2] == query_modality,
                                gallery[2] == gallery_modality)
        return _evaluate(queries, gallery, selections,
                         RankingOptions(**options))[0]


def _evaluate(queries: Tuple[Tensor, Tensor, Tensor],
              gallery: Tuple[Tensor, Tensor, Tensor],
              selections: Selections, options: RankingOptions,
              topk: int = 0
              ) -> Tuple[Dict[str, float], Dict[str, RankingStats]]:
    """The flat metric dict of every setting, and the per-query ranking
    results of the settings that have a gallery.

    Args:
        queries (tuple): the query pool: (Nq, C) features, (Nq,) ids and
            (Nq,) modalities.
        gallery (tuple): the gallery pool, likewise (Ng items).
        selections (dict): setting name -> ((Nq,) query mask, (Ng,) gallery
            mask), None for the whole pool.
        options (RankingOptions): how to rank.
        topk (int): top-k list length kept in the rankings (0: none).
    """
    check_modalities(queries[2], 'query modalities')
    check_modalities(gallery[2], 'gallery modalities')
    metrics, stats_by_setting = {}, {}
    for name in SETTINGS:
        query_mask, gallery_mask = selections[name]
        query_part = _select(queries, query_mask)
        gallery_part = _select(gallery, gallery_mask)
        if len(gallery_part[0]) == 0:
            if name == 'all':
                raise ValueError('ReIDMetric: the all setting has an empty '
                                 'gallery; expected gallery items '
                                 "(is_query=False, tagged 'all')")
            summary = _no_gallery_summary(len(query_part[0]))
        else:
            stats = ranking_stats(*query_part, *gallery_part, options, topk)
            stats_by_setting[name] = stats
            summary = summarize_ranking(stats, CMC_RANKS)
        del query_part, gallery_part
        if summary['num_queries'] == 0:
            print_log(
                f'ReIDMetric: setting {name!r} has no query with a true '
                f"match ({summary['num_skipped']} skipped); its rates are "
                'NaN',
                logger='current',
                level=logging.WARNING)
        metrics.update(
            {f'{name}_{key}': value
             for key, value in summary.items()})
    return metrics, stats_by_setting


def _select(items: Tuple[Tensor, ...], mask: Optional[Tensor]) -> tuple:
    """``items`` restricted to ``mask`` (all of them for None)."""
    return items if mask is None else tuple(item[mask] for item in items)


def _select_paths(paths: List[str], mask: Optional[Tensor]) -> List[str]:
    """``paths`` restricted to ``mask`` (all of them for None)."""
    if mask is None:
        return paths
    return [paths[index] for index in mask.nonzero().squeeze(1).tolist()]


def _no_gallery_summary(num_query: int) -> dict:
    """The summary of a setting whose gallery is empty: all skipped."""
    empty = torch.zeros(0, dtype=torch.float64)
    stats = RankingStats(empty, empty, torch.zeros(0, dtype=torch.int64),
                         torch.zeros(num_query, dtype=torch.bool),
                         torch.zeros(num_query, dtype=torch.int64))
    return summarize_ranking(stats, CMC_RANKS)
