"""What a dataset check found: faults naming files, and counts per split
beside the published ones."""
from dataclasses import dataclass, field
from typing import List, Optional

#: Faults printed before the rest is counted.
SHOWN_FAULTS = 50


@dataclass
class SplitCount:
    """Counts of one split (or folder) and the published ones (None: no
    published number)."""
    split: str
    chips: int
    ids: int
    optical: int
    sar: int
    published_chips: Optional[int] = None
    published_ids: Optional[int] = None

    @property
    def status(self) -> str:
        """``complete``, ``partial`` (fewer), ``more`` or ``unknown``."""
        pairs = [(n, p) for n, p in ((self.chips, self.published_chips),
                                     (self.ids, self.published_ids))
                 if p is not None]
        if not pairs:
            return 'unknown'
        if any(n > p for n, p in pairs):
            return 'more'
        return 'complete' if all(n == p for n, p in pairs) else 'partial'


@dataclass
class CheckReport:
    """Faults (each naming a file or folder), notes, and the counts."""
    dataset: str
    root: str
    faults: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    counts: List[SplitCount] = field(default_factory=list)
    #: Set by checks that judge completeness otherwise (e.g. by size).
    partial_reason: Optional[str] = None

    @property
    def partial(self) -> bool:
        return self.partial_reason is not None or any(
            c.status == 'partial' for c in self.counts)

    def table(self) -> str:
        """The counts as a Markdown table."""

        def cell(value):
            return '—' if value is None else f'{value:,}'

        lines = ['| split | chips | ids | optical | SAR | published chips '
                 '| published ids | status |', '|---' * 8 + '|']
        for c in self.counts:
            lines.append(
                f'| {c.split} | {c.chips:,} | {c.ids:,} | {c.optical:,} | '
                f'{c.sar:,} | {cell(c.published_chips)} | '
                f'{cell(c.published_ids)} | {c.status} |')
        return '\n'.join(lines)

    def summary(self, strict: bool = False) -> str:
        """The table, notes, faults and the verdict, as printed."""
        lines = [f'{self.dataset} at {self.root}', '', self.table(), '']
        lines += [f'note: {note}' for note in self.notes]
        if self.partial_reason:
            lines.append(f'partial: {self.partial_reason}')
        shown = self.faults[:SHOWN_FAULTS]
        lines += [f'FAULT: {fault}' for fault in shown]
        if len(self.faults) > len(shown):
            lines.append(f'... and {len(self.faults) - len(shown)} more '
                         'faults')
        lines.append(self.verdict(strict))
        return '\n'.join(lines)

    def verdict(self, strict: bool = False) -> str:
        if self.faults:
            return f'FAILED: {len(self.faults)} fault(s)'
        if self.partial:
            what = 'a partial copy' + (' (--strict: an error)'
                                       if strict else '')
            return f'{"FAILED" if strict else "OK"}: {what}'
        return 'OK: complete'

    def exit_code(self, strict: bool = False) -> int:
        """0 when the copy passes, 1 on a fault (or, with ``strict``, a
        partial copy)."""
        return int(bool(self.faults) or (strict and self.partial))
