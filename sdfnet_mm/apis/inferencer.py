"""Feature extraction and ranking of ship chips with a trained SDF-Net."""
import logging
import os
import os.path as osp
from typing import (Callable, Dict, Iterator, List, Mapping, Optional, Tuple,
                    Union)

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.logging import print_log
from mmengine.runner import load_checkpoint
from mmpretrain.apis import BaseInferencer
from mmpretrain.structures import DataSample

from sdfnet_mm.chips import (CHIP_EXTENSIONS, ChipOptions, chip_info,
                             parse_hoss_name, read_chip_header)
from sdfnet_mm.engine.precision import (Precision, config_amp,
                                        resolve_precision)
from sdfnet_mm.evaluation import pairwise_distance
from sdfnet_mm.registry import TRANSFORMS
from sdfnet_mm.structures import (OPTICAL, SAR, ModalityLike, ReIDFeatures,
                                  parse_modality)

#: The gallery modality a query of each modality is searched in by
#: default (cross-modal retrieval).
OTHER_MODALITY = {OPTICAL: SAR, SAR: OPTICAL}


def inference_config(config: Union[str, Config],
                     cfg_options: Optional[dict] = None) -> Config:
    """The config, with ``cfg_options`` merged, in the form
    :func:`mmpretrain.apis.get_model` builds.

    ``get_model`` builds the model under the default scope ``'mmpretrain'``
    and looks the test dataset type up with ``Registry.get``, which takes a
    name, not the class a lazy-import config holds. The plain form of the
    config (what ``Config.dump`` writes) names every type by its import
    path, e.g. ``'sdfnet_mm.models.SDFNet'``, which ``Registry.get``
    resolves in any scope. The file name is kept (messages, fingerprints).
    """
    if not isinstance(config, Config):
        config = Config.fromfile(config)
    plain = Config(config.to_dict(), filename=config.filename)
    if cfg_options:
        plain.merge_from_dict(cfg_options)
    return plain


class ReIDInferencer(BaseInferencer):
    """Extract retrieval features of chips and rank a gallery.

    Chips are HOSS chips or chips of other sensors: TIFF / GeoTIFF of any
    depth, PNG, JPEG (:mod:`sdfnet_mm.chips`). The modality of a chip comes
    from its HOSS file name (``PPPP_sXXcY_{RGB|SAR}.tif`` or
    ``-1_NNNN_{RGB|SAR}.tif``), which also gives its identity; for other
    names it is the ``modality`` argument. The ship size (the SSE input) is
    the chip's pixel size times its ground sample distance: given for the
    chip (``chip_gsd``), from its GeoTIFF tags, HOSS's for a HOSS chip, or
    given by modality (``gsd``), in that order; none is an error. SAR
    chips of other sensors are converted from their scale (``sar_scale``,
    or detected dB) to amplitude, multi-band optical chips take the bands
    ``optical_bands``. Each chip then goes through the config's test
    pipeline, whose loading step reads it with these settings.

    Args:
        model (str | Config): Config file or config of the model.
        pretrained (str, optional): Checkpoint to load. Defaults to None
            (a warning; the model keeps its initial weights).
        device (str | torch.device, optional): Device of the model.
        precision (str, optional): ``'auto'``, ``'fp32'``, ``'bf16'`` or
            ``'fp16'`` (:mod:`sdfnet_mm.engine.precision`), as in training;
            None takes the config's ``precision`` (``'auto'`` when it has
            none). The forward runs under the resolved autocast; features
            are returned as float32.

    Example:
        >>> inferencer = ReIDInferencer(CONFIG, CHECKPOINT)
        >>> query = inferencer('HOSS/query', batch_size=32)
        >>> gallery = inferencer('HOSS/bounding_box_test', batch_size=32)
        >>> index, dist = inferencer.rank(query['features'],
        ...                               gallery['features'], topk=5)
        >>> other = inferencer('archive/s1', modality='sar',
        ...                    gsd={'sar': 10.0}, sar_scale='intensity')
    """

    preprocess_kwargs = {
        'modality', 'gsd', 'sar_scale', 'optical_bands', 'chip_gsd'
    }
    #: The checkpoint file loaded (None: initial weights).
    checkpoint: Optional[str]
    #: The config the model was built from (``get_model`` adds keys to
    #: its copy, ``self.config``).
    model_config: Config

    def __init__(self,
                 model: Union[str, Config],
                 pretrained: Optional[str] = None,
                 device: Union[str, torch.device, None] = None,
                 precision: Optional[str] = None) -> None:
        self.checkpoint = pretrained
        if pretrained is None:
            print_log('ReIDInferencer: no checkpoint given; the model keeps '
                      'its initial weights', logger='current',
                      level=logging.WARNING)
        self.model_config = inference_config(model)
        super().__init__(self.model_config, pretrained=False, device=device)
        self.precision = self._resolve_precision(self.model_config, precision)
        if pretrained is not None:
            # Strict, unlike get_model: weights of another architecture
            # must fail here, not give features of a random model.
            try:
                load_checkpoint(self.model, pretrained, map_location='cpu',
                                strict=True)
            except RuntimeError as err:
                raise RuntimeError(f'checkpoint {pretrained} does not fit '
                                   f'the model of the config: {err}') from err

    def _resolve_precision(self, cfg: Config,
                           precision: Optional[str]) -> Precision:
        """The precision of the forward on the model's device: the
        request, else the config's, as :func:`setup_precision` of the
        tools resolves it."""
        if precision is None:
            precision = cfg.get('precision', 'auto')
        device_type = next(self.model.parameters()).device.type
        return resolve_precision(precision, device_type, config_amp(cfg))

    def forward(self, inputs: Union[dict, tuple], **kwargs):
        """The model's ``test_step`` under the resolved autocast."""
        with self.precision.autocast():
            return super().forward(inputs, **kwargs)

    def _init_pipeline(self, cfg: Config) -> Callable:
        """The config's test pipeline (starts with ``LoadHOSSImage``)."""
        return Compose([
            TRANSFORMS.build(transform)
            for transform in cfg.test_dataloader.dataset.pipeline
        ])

    def _inputs_to_list(self, inputs) -> list:
        """A folder gives its chips (:data:`CHIP_EXTENSIONS`, any case) in
        sorted order; data infos of :meth:`chips` pass unchanged."""
        if isinstance(inputs, (str, os.PathLike)) and osp.isdir(inputs):
            folder = os.fspath(inputs)
            paths = [
                osp.join(folder, name) for name in sorted(os.listdir(folder))
                if name.lower().endswith(CHIP_EXTENSIONS)
            ]
            if not paths:
                raise ValueError(f'{folder}: no {"/".join(CHIP_EXTENSIONS)} '
                                 'chips in this folder')
            return paths
        items = [inputs] if isinstance(inputs,
                                       (str, os.PathLike, dict)) else inputs
        paths = [item if isinstance(item, dict) else os.fspath(item)
                 for item in items]
        if not paths:
            raise ValueError('ReIDInferencer: no inputs; expected chip '
                             'paths or a folder of chips')
        for path in paths:
            if not isinstance(path, dict) and not osp.isfile(path):
                raise FileNotFoundError(
                    f'{path}: no such file or folder; expected a chip '
                    f'({"/".join(CHIP_EXTENSIONS)}) or a folder of chips')
        return paths

    @staticmethod
    def data_info(path: str,
                  modality: Optional[int] = None,
                  options: ChipOptions = ChipOptions(),
                  chip_gsd: Optional[float] = None) -> dict:
        """The data info of one chip, as the test pipeline expects it.

        ``modality`` (0 / 1, None: unknown) is used when the file name is
        not a HOSS name; the identity of such a chip is unknown (``None``).
        ``options`` and ``chip_gsd`` decide its ground sample distance, SAR
        scale and optical bands (:func:`sdfnet_mm.chips.chip_info`), which
        ``chip`` (a :class:`~sdfnet_mm.chips.ChipInfo`) holds with the
        header and where the GSD comes from.

        Raises:
            ValueError: naming ``path`` when the name gives no modality and
                none is passed, or when the file is not a chip of it or
                its GSD, scale or bands are unknown.
        """
        try:
            identity, code = parse_hoss_name(path)
        except ValueError:
            code = modality
            if code is None:
                raise ValueError(
                    f'{path}: the modality is unknown: the file name is not '
                    "a HOSS name ('PPPP_sXXcY_RGB.tif' / "
                    "'PPPP_sXXcY_SAR.tif'); give its modality, 'optical' or "
                    "'sar' (the tools' --*modality options)") from None
            identity = None
        chip = chip_info(read_chip_header(path), code, options, chip_gsd)
        return dict(img_path=path, modality=code, identity=identity,
                    chip_size_m=chip.size_m, ship_size=chip.ship_size,
                    sar_scale=chip.sar_scale,
                    optical_bands=chip.optical_bands, chip=chip)

    def chips(self,
              inputs,
              modality: Optional[ModalityLike] = None,
              gsd=None,
              sar_scale: Optional[str] = None,
              optical_bands=None,
              chip_gsd: Optional[Mapping[str, float]] = None) -> List[dict]:
        """The data infos (:meth:`data_info`) of chips, resolved and
        checked (name, header, GSD, SAR scale, bands) without running the
        model; the inferencer takes them as inputs.

        Args:
            inputs: Chip paths or a folder (as for calling the inferencer).
            modality: Modality of chips without a HOSS name.
            gsd: Metres per pixel by modality, for chips without GeoTIFF
                tags that are not HOSS chips: ``{'optical': 0.5}``,
                ``['sar=3.0']`` or a
                :class:`~sdfnet_mm.chips.GroundSampleDistance`.
            sar_scale: ``'amplitude'`` / ``'intensity'`` / ``'db'`` of SAR
                chips that are not HOSS chips.
            optical_bands: R, G, B band indices (``'2,1,0'``) of
                multi-band optical chips that are not HOSS chips.
            chip_gsd: Metres per pixel of single chips, by path as given
                or listed (overrides everything else).

        Raises:
            ValueError: naming the first chip that cannot be resolved.
        """
        paths = self._inputs_to_list(inputs)
        if modality is not None:
            modality = parse_modality(modality, 'ReIDInferencer modality')
        options = ChipOptions(gsd, sar_scale, optical_bands)
        chip_gsd = dict(chip_gsd or {})
        unknown = sorted(set(chip_gsd) - set(paths))
        if unknown:
            raise ValueError(f'chip_gsd names {unknown[:3]} (of '
                             f'{len(unknown)}), which are not among the '
                             'inputs; expected their paths as given or '
                             'listed')
        return [
            self.data_info(path, modality, options, chip_gsd.get(path))
            for path in paths
        ]

    def preprocess(self, inputs: list, batch_size: int = 1, **chip_kwargs):
        """Batches of the test pipeline's outputs, collated.

        ``inputs`` are chip paths, resolved by :meth:`chips` with
        ``chip_kwargs`` (every chip's name and header checked, its GSD, SAR
        scale and bands resolved, before the first batch), or data infos
        :meth:`chips` made (then ``chip_kwargs`` must be empty).
        """
        if all(isinstance(item, dict) for item in inputs):
            if any(value is not None for value in chip_kwargs.values()):
                raise ValueError(
                    f'ReIDInferencer: chip options {sorted(chip_kwargs)} '
                    'given with data infos; give them to chips() instead')
            infos = [dict(info) for info in inputs]  # the pipeline adds
        else:
            infos = self.chips(inputs, **chip_kwargs)
        return super().preprocess(infos, batch_size=batch_size)

    def fingerprint(self):
        """The :class:`~sdfnet_mm.retrieval.ModelFingerprint` of this
        model (checkpoint file and config as merged), which a gallery index
        of its features records.

        Raises:
            ValueError: when no checkpoint was loaded.
        """
        from sdfnet_mm.retrieval import ModelFingerprint
        if self.checkpoint is None:
            raise ValueError('ReIDInferencer: no checkpoint was loaded, so '
                             'the model has no fingerprint for a gallery '
                             'index; pass pretrained=CHECKPOINT')
        return ModelFingerprint.of_files(self.checkpoint, self.model_config)

    def search_index(self,
                     inputs,
                     index,
                     topk: int = 10,
                     gallery_modality: str = 'other',
                     where=None,
                     batch_size: int = 1,
                     **chip_kwargs) -> Tuple[Dict, list]:
        """Rank the chips of a gallery index for each query chip: the
        queries' features are extracted, the gallery's are the index's.

        Args:
            inputs: Query chips: paths, a folder or data infos.
            index: A :class:`~sdfnet_mm.retrieval.GalleryIndex` or its
                folder, built with this model (checkpoint and config).
            topk: Hits per query.
            gallery_modality: ``'other'``: each query's other modality
                (cross-modal: SAR chips for an optical query); or
                ``'optical'``, ``'sar'``, ``'any'`` for all queries.
            where: A :class:`~sdfnet_mm.retrieval.ChipFilter` on the
                gallery chips' metadata, or None.
            batch_size, chip_kwargs: As for calling the inferencer.

        Returns:
            tuple: the queries' results (as calling the inferencer returns
            them) and, per query, its hits
            (:class:`~sdfnet_mm.retrieval.SearchHit`), nearest first.

        Raises:
            ValueError: naming the index when it was built with another
                model.
        """
        from sdfnet_mm.retrieval import GalleryIndex
        if isinstance(index, GalleryIndex):
            index.check_model(self.fingerprint())
        else:
            index = GalleryIndex.open(index, self.fingerprint())
        queries = self(inputs, batch_size=batch_size, **chip_kwargs)
        if gallery_modality != 'other':
            return queries, index.search(queries['features'], topk,
                                         gallery_modality, where)
        hits: list = [None] * len(queries['paths'])
        for code in np.unique(queries['modalities']).tolist():
            rows = np.flatnonzero(queries['modalities'] == code)
            found = index.search(queries['features'][rows], topk,
                                 OTHER_MODALITY[code], where)
            for row, row_hits in zip(rows, found):
                hits[row] = row_hits
        return queries, hits

    def postprocess(self,
                    preds: List[DataSample],
                    visualization=None,
                    return_datasamples: bool = False) -> Dict:
        """Collect the predictions of all chips.

        Returns:
            dict: ``features`` (N, C) float32 and :meth:`chip_metadata`'s
            ``paths``, ``ids``, ``id_known``, ``modalities``; with
            ``return_datasamples`` also ``data_samples``.
        """
        results = dict(
            features=torch.stack([s.pred_feature for s in preds
                                  ]).float().cpu().numpy(),
            **self.chip_metadata(preds))
        if return_datasamples:
            results['data_samples'] = preds
        return results

    @staticmethod
    def chip_metadata(samples: List[DataSample]) -> Dict:
        """What the data samples of N chips say about them.

        Returns:
            dict: ``paths`` (N file paths), ``ids`` (N,) int64 (-1 for
            distractors and unknown identities), ``id_known`` (N,) bool (the
            file name gave the identity), ``modalities`` (N,) int64 (0
            optical, 1 SAR).
        """
        identities = [sample.metainfo['identity'] for sample in samples]
        return dict(
            paths=[sample.img_path for sample in samples],
            ids=np.array([-1 if i is None else i for i in identities],
                         dtype=np.int64),
            id_known=np.array([i is not None for i in identities]),
            modalities=np.array([int(s.modality) for s in samples],
                                dtype=np.int64))

    def model_batches(self,
                      inputs,
                      batch_size: int = 1,
                      modality: Optional[ModalityLike] = None
                      ) -> Iterator[dict]:
        """Batches of chips as the model takes them: through the test
        pipeline and the model's data preprocessor.

        Yields:
            dict: ``inputs`` (B, 3, H, W), ``modality`` (B,), ``ship_size``
            (B, 3) and ``data_samples``, for ``SDFNet.extract_feat`` or
            ``SDFNet(**batch, mode=...)``.
        """
        for data in self.preprocess(self._inputs_to_list(inputs),
                                    batch_size=batch_size,
                                    modality=modality):
            yield self.model.data_preprocessor(data, False)

    @torch.no_grad()
    def neck_features(self,
                      inputs,
                      batch_size: int = 1,
                      modality: Optional[ModalityLike] = None) -> Dict:
        """The neck's features of chips (``SDFNet.extract_feat`` under the
        inferencer's precision, as :meth:`forward`): the fused feature and,
        with DFL, the shared and specific ones.

        Returns:
            dict: ``fused`` (N, C_out), ``shared`` and ``specific`` (N, C)
            float32 arrays (None without DFL) and :meth:`chip_metadata`.
        """
        parts = {name: [] for name in ReIDFeatures._fields}
        samples = []
        for batch in self.model_batches(inputs, batch_size, modality):
            with self.precision.autocast():
                _, features = self.model.extract_feat(
                    batch['inputs'], batch['modality'], batch['ship_size'])
            for name, value in features._asdict().items():
                parts[name].append(value)
            samples.extend(batch['data_samples'])
        results = {
            name: None if values[0] is None else
            torch.cat(values).float().cpu().numpy()
            for name, values in parts.items()
        }
        results.update(self.chip_metadata(samples))
        return results

    @staticmethod
    def rank(query_feats: Union[np.ndarray, torch.Tensor],
             gallery_feats: Union[np.ndarray, torch.Tensor],
             topk: int = 10) -> Tuple[np.ndarray, np.ndarray]:
        """Rank the gallery for each query by cosine distance.

        Features are L2-normalised and the distance is ``1 - cos`` (the
        evaluation setting; float32 rounding clipped to ``[0, 2]``, as
        :meth:`GalleryIndex.search` does, so a chip's distance to itself is
        0 on both paths); equal distances keep gallery order.

        Args:
            query_feats: (Q, C) features.
            gallery_feats: (G, C) features.
            topk (int): Gallery items kept per query (at most G).

        Returns:
            tuple: ``index`` (Q, k) int64 gallery indices, nearest first, and
            ``distance`` (Q, k) float32, with ``k = min(topk, G)``.
        """
        if topk < 1:
            raise ValueError(f'topk={topk}; expected >= 1')
        dist = pairwise_distance(
            torch.as_tensor(query_feats).float(),
            torch.as_tensor(gallery_feats).float(), 'cosine').clamp_(0, 2)
        index = torch.argsort(dist, dim=1, stable=True)[:, :topk]
        return index.numpy(), dist.gather(1, index).numpy()
