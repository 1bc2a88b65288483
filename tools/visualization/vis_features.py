"""Features by modality: t-SNE of the fused, shared and specific features,
and how much modality each one carries.

    python tools/visualization/vis_features.py CONFIG CHECKPOINT
        [--split test|train] [--out tsne.png] [--max-num-ids 20]
        [--perplexity 30] [--seed 0] [--batch-size 32] [--device cpu]
        [--cfg-options KEY=VALUE ...]

As MMPretrain's ``vis_tsne.py``, for SDF-Net: every chip of the split of
the config's dataset (``test``: query and gallery) goes through the test
pipeline, the data preprocessor and ``SDFNet.extract_feat``; each feature
of the neck (DFL: fused, shared and specific; the baseline's CLS-token
neck: fused only) is L2-normalised, as the ranking uses it, and gets one
panel: a 2-D t-SNE (scikit-learn, PCA initialisation) of the chips of the
first ``--max-num-ids`` ships of the split (as MMPretrain's
``--max-num-class``; distractors left out; 0: every chip), colour by ship
(20 colours, repeated beyond), marker by modality.

The **modality-separation score** of a feature is the accuracy of a
linear probe telling optical from SAR: logistic regression on the
standardised normalised feature, 5-fold stratified cross-validation
over every chip of the split (mean ± std over the folds; chance is the
larger modality's share). If
DFL works, the shared feature carries less modality than the specific
one.
"""
import argparse
import os.path as osp
from typing import Dict, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mmengine.config import DictAction  # noqa: E402
from mmengine.utils import mkdir_or_exist  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402
from sklearn.model_selection import (StratifiedKFold,  # noqa: E402
                                     cross_val_score)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sdfnet_mm.apis import ReIDInferencer, inference_config  # noqa: E402
from sdfnet_mm.registry import DATASETS  # noqa: E402
from sdfnet_mm.structures import (MODALITY_NAMES, OPTICAL,  # noqa: E402
                                  SAR, ReIDFeatures)
from sdfnet_mm.utils import register_all_modules  # noqa: E402

#: Marker of each modality; colour of distractors.
MARKERS = {OPTICAL: 'o', SAR: '^'}
DISTRACTOR_COLOUR = (0.6, 0.6, 0.6)
PANEL_SIZE = (5, 5)  # inches
DPI = 100
FOLDS = 5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='t-SNE of the features and their modality content')
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--split', choices=('test', 'train'), default='test',
                        help="split of the config's dataset")
    parser.add_argument('--out', default='tsne.png', help='output .png')
    parser.add_argument('--max-num-ids', type=int, default=20,
                        help='ships in the t-SNE (first ids; 0: all chips)')
    parser.add_argument('--perplexity', type=float, default=30.0,
                        help='t-SNE perplexity (at most a third of the chips'
                        ' less one is used)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of t-SNE and of the probe folds')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    args = parser.parse_args(argv)
    if args.max_num_ids < 0:
        parser.error(f'--max-num-ids {args.max_num_ids}; expected >= 0')
    return args


def plotted_chips(ids: np.ndarray, max_num_ids: int) -> np.ndarray:
    """(N,) bool: the chips of the ``max_num_ids`` smallest ship ids
    (distractors left out), or every chip when it is 0."""
    if max_num_ids == 0:
        return np.ones(len(ids), dtype=bool)
    ships = np.unique(ids[ids >= 0])[:max_num_ids]
    return np.isin(ids, ships)


def l2_normalise(features: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, 1e-12)


def modality_separation(features: np.ndarray, modalities: np.ndarray,
                        seed: int = 0) -> Tuple[float, float]:
    """(mean, std) accuracy over ``FOLDS`` stratified folds of a logistic
    regression telling the modality from the (N, C) ``features``."""
    counts = np.bincount(modalities, minlength=2)
    if counts.min() < FOLDS:
        raise ValueError(f'{counts[OPTICAL]} optical and {counts[SAR]} SAR '
                         f'chips; the probe needs at least {FOLDS} of each')
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    scores = cross_val_score(probe, features, modalities, cv=folds)
    return float(scores.mean()), float(scores.std())


def embed_2d(features: np.ndarray, perplexity: float,
             seed: int) -> np.ndarray:
    """(N, 2) t-SNE of (N, C) features."""
    perplexity = min(perplexity, (len(features) - 1) / 3)
    return TSNE(2, perplexity=perplexity, init='pca', random_state=seed
                ).fit_transform(features)


def identity_colours(ids: np.ndarray) -> np.ndarray:
    """(N, 3) colour per chip: tab20 by the rank of its id, grey for
    distractors (-1)."""
    palette = matplotlib.colormaps['tab20'].colors
    ranks = {pid: rank for rank, pid in enumerate(sorted(set(ids.tolist())))}
    return np.array([DISTRACTOR_COLOUR if pid < 0 else
                     palette[ranks[pid] % len(palette)] for pid in ids])


def plot_panels(embeddings: Dict[str, np.ndarray],
                scores: Dict[str, Tuple[float, float]], ids: np.ndarray,
                modalities: np.ndarray, title: str, out: str) -> dict:
    """Draw one panel per feature; returns the panel ``titles`` and the
    ``legend`` texts."""
    figure, axes = plt.subplots(
        1, len(embeddings), squeeze=False, dpi=DPI,
        figsize=(PANEL_SIZE[0] * len(embeddings), PANEL_SIZE[1]))
    colours = identity_colours(ids)
    titles = []
    for axis, (name, points) in zip(axes[0], embeddings.items()):
        for modality, marker in MARKERS.items():
            chosen = modalities == modality
            axis.scatter(points[chosen, 0], points[chosen, 1], s=18,
                         c=colours[chosen], marker=marker,
                         edgecolors='none', label=MODALITY_NAMES[modality])
        mean, std = scores[name]
        titles.append(f'{name} feature\nmodality probe accuracy '
                      f'{100 * mean:.1f} ± {100 * std:.1f} %')
        axis.set_title(titles[-1], fontsize='medium')
        axis.set_xticks([])
        axis.set_yticks([])
    legend = axes[0][0].legend(loc='best', fontsize='small')
    for handle in legend.legend_handles:
        handle.set_color('black')
    figure.suptitle(title, fontsize='medium')
    figure.tight_layout()
    mkdir_or_exist(osp.dirname(osp.abspath(out)))
    figure.savefig(out, dpi=DPI)
    plt.close(figure)
    return dict(titles=titles,
                legend=[text.get_text() for text in legend.get_texts()])


def main(argv=None) -> dict:
    """Write the figure and print the scores. Returns ``features`` (the
    inferencer's :meth:`~ReIDInferencer.neck_features`), ``scores``
    ({feature: (mean, std)}), ``chance``, ``shown`` (the chips in the
    t-SNE), ``embeddings`` and the figure's ``titles`` and ``legend``."""
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg = inference_config(args.config, args.cfg_options)
    dataset_cfg = cfg[f'{args.split}_dataloader']['dataset']
    dataset = DATASETS.build(dict(dataset_cfg, pipeline=[]))
    paths = [dataset.get_data_info(i)['img_path']
             for i in range(len(dataset))]
    inferencer = ReIDInferencer(cfg, args.checkpoint, args.device)
    features = inferencer.neck_features(paths, batch_size=args.batch_size)
    modalities = features['modalities']
    chance = float(np.bincount(modalities).max() / len(modalities))
    print(f'{len(paths)} chips of the {args.split} split '
          f'({(modalities == OPTICAL).sum()} optical, '
          f'{(modalities == SAR).sum()} SAR); modality-separation score '
          f'(linear probe accuracy, {FOLDS}-fold CV; chance '
          f'{100 * chance:.1f} %):')
    shown = plotted_chips(features['ids'], args.max_num_ids)
    scores, embeddings = {}, {}
    for name in ReIDFeatures._fields:
        if features[name] is None:
            continue
        normalised = l2_normalise(features[name])
        scores[name] = modality_separation(normalised, modalities, args.seed)
        print(f'  {name:<9}{100 * scores[name][0]:6.1f} ± '
              f'{100 * scores[name][1]:.1f} %')
        embeddings[name] = embed_2d(normalised[shown], args.perplexity,
                                    args.seed)
    ships = len(np.unique(features['ids'][shown]))
    figure = plot_panels(
        embeddings, scores, features['ids'][shown], modalities[shown],
        f'{osp.basename(args.checkpoint)}, {args.split} split: t-SNE of '
        f'{shown.sum()} chips of {ships} ships (colour: ship, marker: '
        'modality); probe on all chips', args.out)
    print(f't-SNE of {", ".join(embeddings)} written to {args.out}')
    return dict(figure, features=features, scores=scores, chance=chance,
                shown=shown, embeddings=embeddings)


if __name__ == '__main__':
    main()
