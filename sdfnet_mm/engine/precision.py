"""The precision a run computes in, chosen from the request and the hardware.

Requests (a config's ``precision`` key, ``--precision`` of the tools):

- ``'auto'``: on a CPU with native bfloat16 (AMX-BF16 or AVX-512 BF16,
  :func:`native_bf16_flags`), bfloat16 autocast; on a GPU, float16 AMP with
  a dynamic grad scaler only when the config asks for MMEngine's
  ``AmpOptimWrapper`` (the authors' config; its ``dtype`` if it gives
  one); float32 everywhere else.
- ``'fp32'``: float32.
- ``'bf16'``: bfloat16 autocast (``CPUAutocastOptimWrapper`` on a CPU,
  ``AmpOptimWrapper`` on a GPU). On a CPU without native bfloat16 it falls
  back to float32 with a warning: there the emulation is 6 to 13 times
  slower than float32 (ViT-B/16 train step 13x, demo step 7x, measured on
  a Zen 1 EPYC). ``SDFNET_ALLOW_EMULATED_BF16=1`` runs it anyway (e.g. to
  study its numerics on such a host).
- ``'fp16'``: float16 AMP with a dynamic grad scaler on a GPU; float32 with
  a warning on a CPU (MMEngine's CPU autocast is bfloat16 only).

Every decision is logged once per process with its reason.
"""
import logging
import os
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, ContextManager, Mapping, Optional, Tuple

import torch
from mmengine.logging import print_log

#: Values of a config's ``precision`` and of ``--precision``.
PRECISIONS = ('auto', 'fp32', 'bf16', 'fp16')
#: Autocast dtype of each resolved precision (None: no autocast).
AUTOCAST_DTYPES = {'fp32': None, 'bf16': torch.bfloat16,
                   'fp16': torch.float16}
#: Names of the dtypes as MMEngine's ``AmpOptimWrapper(dtype=...)`` and
#: ``CPUAutocastOptimWrapper(dtype=...)`` take them.
DTYPE_NAMES = {'bf16': 'bfloat16', 'fp16': 'float16'}
#: ``torch.cpu.get_capabilities()`` flags of native bfloat16 arithmetic on
#: x86 (AMX-BF16: Sapphire Rapids and later; AVX-512 BF16: Cooper Lake,
#: Zen 4 and later). ARM's ``bf16`` / ``sve_bf16`` are left out: their
#: speed under PyTorch's CPU autocast has not been measured.
NATIVE_BF16_FLAGS = ('amx_bf16', 'avx512_bf16')
#: Environment variable that lets a ``bf16`` request run emulated.
ALLOW_EMULATED_BF16 = 'SDFNET_ALLOW_EMULATED_BF16'
EMULATION_COST = ('emulated bfloat16 measured 6-13x slower than float32 on '
                  'such a CPU (Zen 1 EPYC: ViT-B/16 train step 13x, demo '
                  'step 7x)')

_LOGGED = set()  # messages already logged by this process


def cpu_capabilities() -> Mapping[str, Any]:
    """``torch.cpu.get_capabilities()`` (cached by torch); on an older torch
    without it, ``avx512_bf16`` from its private probe, else nothing."""
    get = getattr(torch.cpu, 'get_capabilities', None)
    if get is not None:
        return get()
    probe = getattr(torch.cpu, '_is_avx512_bf16_supported', None)
    return {'avx512_bf16': bool(probe())} if probe is not None else {}


def native_bf16_flags(
        capabilities: Optional[Mapping[str, Any]] = None) -> Tuple[str, ...]:
    """The :data:`NATIVE_BF16_FLAGS` this CPU has (empty: no native
    bfloat16).

    Args:
        capabilities: A ``torch.cpu.get_capabilities()``-style mapping;
            None reads this CPU's.

    Not used on purpose: ``torch.backends.cpu.get_cpu_capability()`` (ATen's
    dispatch level: 'AVX512' includes CPUs without BF16) and oneDNN's
    ``_is_mkldnn_bf16_supported`` (true where it emulates bfloat16).
    """
    if capabilities is None:
        capabilities = cpu_capabilities()
    return tuple(flag for flag in NATIVE_BF16_FLAGS
                 if capabilities.get(flag, False))


@dataclass(frozen=True)
class Precision:
    """A resolved precision.

    Attributes:
        name (str): ``'fp32'``, ``'bf16'`` or ``'fp16'``.
        device_type (str): ``'cpu'``, ``'cuda'``, ...
        reason (str): Why, in one line (what is logged).
        fallback (bool): The request could not be granted (logged as a
            warning).
    """
    name: str
    device_type: str
    reason: str
    fallback: bool = False

    @property
    def dtype(self) -> Optional[torch.dtype]:
        """The autocast dtype; None for float32."""
        return AUTOCAST_DTYPES[self.name]

    def autocast(self) -> ContextManager:
        """``torch.autocast`` in this precision (no-op for float32)."""
        if self.dtype is None:
            return nullcontext()
        return torch.autocast(device_type=self.device_type, dtype=self.dtype)


def check_precision(value: str, where: str) -> str:
    """``value`` if it is one of :data:`PRECISIONS`, else a ``ValueError``
    naming ``where`` it came from."""
    if value not in PRECISIONS:
        raise ValueError(f'{where}: precision {value!r}, expected one of '
                         f'{PRECISIONS}')
    return value


def config_amp(cfg: Mapping) -> Optional[str]:
    """``'fp16'`` / ``'bf16'`` when the config's ``optim_wrapper`` is
    MMEngine's ``AmpOptimWrapper`` (a class, a registry name or an import
    path) in that dtype (float16 unless it says bfloat16), else None."""
    wrapper = cfg.get('optim_wrapper') or {}
    kind = wrapper.get('type')
    name = getattr(kind, '__name__', str(kind)).rsplit('.', 1)[-1]
    if name != 'AmpOptimWrapper':
        return None
    dtype = str(wrapper.get('dtype'))
    return 'bf16' if dtype in ('bfloat16', 'torch.bfloat16') else 'fp16'


def _cpu_precision(requested: str, capabilities, allow_emulated
                   ) -> Tuple[str, str, bool]:
    flags = native_bf16_flags(capabilities)
    if requested == 'fp16':
        return ('fp32', 'float32, not the requested float16: float16 '
                'autocast needs a GPU; on a CPU ask for bf16 (or auto)', True)
    if flags:
        return 'bf16', ('bfloat16 autocast (' + (
            'auto: ' if requested == 'auto' else 'requested; ') +
            f"this CPU has native bfloat16: {', '.join(flags)})"), False
    missing = (f"{' and '.join(NATIVE_BF16_FLAGS)} absent from "
               'torch.cpu.get_capabilities()')
    if requested == 'auto':
        return 'fp32', (f'float32 (auto: no native bfloat16 on this CPU, '
                        f'{missing}; {EMULATION_COST})'), False
    if allow_emulated is None:
        allow_emulated = os.environ.get(ALLOW_EMULATED_BF16, '') == '1'
    if allow_emulated:
        return 'bf16', (f'bfloat16 autocast, EMULATED ({ALLOW_EMULATED_BF16}'
                        f'=1): no native bfloat16 on this CPU ({missing}); '
                        f'{EMULATION_COST}'), True
    return 'fp32', (f'float32, not the requested bfloat16: no native '
                    f'bfloat16 on this CPU ({missing}); {EMULATION_COST}. '
                    f'Set {ALLOW_EMULATED_BF16}=1 to run it anyway'), True


def resolve_precision(requested: str = 'auto',
                      device_type: str = 'cpu',
                      config_amp: Optional[str] = None,
                      capabilities: Optional[Mapping[str, Any]] = None,
                      allow_emulated: Optional[bool] = None,
                      log: bool = True) -> Precision:
    """The precision a run on ``device_type`` uses for ``requested``.

    Args:
        requested (str): One of :data:`PRECISIONS`.
        device_type (str): Where the model runs.
        config_amp (str, optional): ``'fp16'`` / ``'bf16'`` when the config
            asks for MMEngine's ``AmpOptimWrapper`` in that dtype (what
            ``'auto'`` uses on a GPU), else None.
        capabilities: CPU capabilities (:func:`native_bf16_flags`); None
            reads this CPU's.
        allow_emulated (bool, optional): Grant ``'bf16'`` on a CPU without
            native bfloat16; None reads ``SDFNET_ALLOW_EMULATED_BF16``.
        log (bool): Log the decision (once per process and message).
    """
    check_precision(requested, 'resolve_precision')
    if requested == 'fp32':
        name, reason, fallback = 'fp32', 'float32 (requested)', False
    elif device_type == 'cpu':
        name, reason, fallback = _cpu_precision(requested, capabilities,
                                                allow_emulated)
    elif device_type == 'cuda':
        if requested != 'auto':
            name, reason, fallback = requested, (
                f'{DTYPE_NAMES[requested]} AMP on the GPU (requested)'), False
        elif config_amp is not None:
            name, reason, fallback = config_amp, (
                f'{DTYPE_NAMES[config_amp]} AMP on the GPU (auto: the '
                "config's AmpOptimWrapper)"), False
        else:
            name, reason, fallback = 'fp32', (
                'float32 (auto: on a GPU only configs with AmpOptimWrapper '
                'or a request train in mixed precision)'), False
    else:
        name, fallback = 'fp32', requested != 'auto'
        reason = f'float32 ({requested}: no mixed precision on ' \
            f'{device_type!r} here)'
    precision = Precision(name, device_type, f'precision: {reason}',
                          fallback)
    if log:
        log_once(precision.reason,
                 logging.WARNING if fallback else logging.INFO)
    return precision


def log_once(message: str, level: int = logging.INFO) -> None:
    """``print_log`` a message the first time this process sees it."""
    if message in _LOGGED:
        return
    _LOGGED.add(message)
    print_log(message, logger='current', level=level)
