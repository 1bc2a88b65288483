"""How a query-gallery ranking is computed: one options object, checked
once, shared by :func:`~.ranking.ranking_stats` and ``ReIDMetric``."""
from dataclasses import dataclass
from typing import Optional

from .distances import DISTANCE_METRICS

#: k-reciprocal re-ranking as the widely used script computes it, or as the
#: paper states it (see :func:`~.rerank.k_reciprocal_distance`).
RERANK_MODES = ('zhong', 'paper')


@dataclass(frozen=True)
class RankingOptions:
    """Options of a ranking evaluation.

    Args:
        metric (str): ``'cosine'`` (``1 - cos`` of L2-normalised features,
            the authors' ranking) or ``'euclidean'`` (squared, raw
            features). Defaults to ``'cosine'``.
        camera_filter (bool): Remove gallery items of the query's id and
            camera (here: modality) from its ranking, Market-1501 style.
            Defaults to False.
        rerank (bool): Rank by k-reciprocal re-ranking (memory
            O((Q + G)^2), see :func:`~.rerank.k_reciprocal_distance`).
            Defaults to False.
        rerank_mode (str): ``'zhong'`` (Zhong et al.'s script as everyone
            reports with it: distances scaled by their row maximum, rows of
            the encoding summing to 1, more than 2/3) or ``'paper'`` (the
            paper's formulas as written). Defaults to ``'zhong'``.
        k1 (int): Re-ranking k1. Defaults to 20.
        k2 (int): Re-ranking k2. Defaults to 6.
        lambda_value (float): Re-ranking weight of the original distance, in
            [0, 1]. Defaults to 0.3.
        chunk_size (int, optional): Queries whose (q, G) distances are
            computed at once (memory O(chunk_size x G)). Defaults to None
            (about 16M distances a chunk).

    Raises:
        ValueError: naming the option when a value is out of range.
    """
    metric: str = 'cosine'
    camera_filter: bool = False
    rerank: bool = False
    rerank_mode: str = 'zhong'
    k1: int = 20
    k2: int = 6
    lambda_value: float = 0.3
    chunk_size: Optional[int] = None

    def __post_init__(self) -> None:
        if self.metric not in DISTANCE_METRICS:
            raise ValueError(f'metric={self.metric!r}; expected one of '
                             f'{DISTANCE_METRICS}')
        if self.rerank_mode not in RERANK_MODES:
            raise ValueError(f'rerank_mode={self.rerank_mode!r}; expected '
                             f'one of {RERANK_MODES}')
        if self.k1 < 1 or self.k2 < 1:
            raise ValueError(f'k1={self.k1}, k2={self.k2}; expected both '
                             '>= 1')
        if not 0 <= self.lambda_value <= 1:
            raise ValueError(f'lambda_value={self.lambda_value}; expected '
                             'in [0, 1]')
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError(f'chunk_size={self.chunk_size}; expected >= 1 '
                             'or None')
