"""Ranked-list pictures of tool results, one file per query: chips from
inferencer results and gallery index records, and the folder of pictures
(``tools/retrieve.py``, ``tools/search.py``)."""
import os.path as osp
from typing import List, Optional, Sequence

from mmengine.utils import ProgressBar

from .canvas import save_picture
from .ranked_list import Chip, draw_ranked_list


def result_chips(results: dict,
                 sar_scale: Optional[str] = None,
                 optical_bands=None) -> List[Chip]:
    """One :class:`Chip` per chip of :class:`~sdfnet_mm.apis.ReIDInferencer`
    results (ids the file name does not give: None), shown with the chip
    options they were read with."""
    return [
        Chip(path, int(modality), int(identity) if known else None,
             sar_scale, optical_bands)
        for path, modality, identity, known in zip(
            results['paths'], results['modalities'], results['ids'],
            results['id_known'])
    ]


def record_chip(record) -> Chip:
    """The :class:`Chip` of a gallery index record
    (:class:`~sdfnet_mm.retrieval.ChipRecord`), read as it was indexed."""
    return Chip(record.path, record.modality, record.ship_id,
                record.sar_scale, record.optical_bands)


def write_ranked_lists(out: str, queries: Sequence[Chip],
                       galleries: Sequence[Sequence[Chip]],
                       distances: Sequence[Sequence[float]]) -> None:
    """``out/<query file name>.png`` for each query: the query and its
    ranked gallery chips with their distances, with a progress bar."""
    progress = ProgressBar(len(queries))
    for query, gallery, dist in zip(queries, galleries, distances):
        name = osp.splitext(osp.basename(query.path))[0]
        save_picture(draw_ranked_list(query, gallery, dist),
                     osp.join(out, f'{name}.png'))
        progress.update()
    print(f'\npictures written to {out}')
