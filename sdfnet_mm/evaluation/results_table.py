"""A readable table of the :class:`ReIDMetric` results."""
import math
from typing import Dict, Optional

from sdfnet_mm.structures import SETTING_TITLES
#: Rate columns (percent) then count columns.
RATE_COLUMNS = ('mAP', 'R1', 'R5', 'R10', 'mINP')
COUNT_COLUMNS = ('num_queries', 'num_skipped')


def format_results_table(metrics: Dict[str, float],
                         title: Optional[str] = None) -> str:
    """The three settings as rows, the metric's keys as columns.

    Args:
        metrics (dict): ``ReIDMetric`` output, keys ``[<prefix>/]<setting>_
            <column>`` (e.g. ``reid/all_mAP``); other keys are ignored.
        title (str, optional): a first line.

    Returns:
        str: a Markdown table, one row per setting found (key
        ``<setting>_<column>`` is the row's setting and the column).

    Raises:
        KeyError: when no ``<setting>_mAP`` key is present.
    """
    values = {key.rsplit('/', 1)[-1]: value for key, value in metrics.items()}
    rows = [setting for setting in SETTING_TITLES
            if f'{setting}_mAP' in values]
    if not rows:
        raise KeyError(f'format_results_table: no all_mAP / o2s_mAP / '
                       f's2o_mAP key in {sorted(metrics)}')
    columns = RATE_COLUMNS + COUNT_COLUMNS
    lines = [] if title is None else [title]
    lines.append('| setting | ' + ' | '.join(columns) + ' |')
    lines.append('|---' * (len(columns) + 1) + '|')
    for setting in rows:
        cells = [f'{setting} ({SETTING_TITLES[setting]})']
        for column in columns:
            value = values.get(f'{setting}_{column}')
            if value is None:
                cells.append('-')
            elif column in COUNT_COLUMNS:
                cells.append(str(int(value)))
            elif math.isnan(value):
                cells.append('nan')
            else:
                cells.append(f'{value:.2f}')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
