"""Refuse ``--cfg-options`` keys that the config cannot use.

MMEngine's ``Config.merge_from_dict`` adds any key it is given, so a typo
(``model.backbone.structure_layr=3``, ``max_epoch=10``) is either ignored or
fails later far from its cause. Here each key must exist in the config, or
be a constructor argument of the ``type`` of the dict it goes into.
"""
import difflib
import inspect
from typing import Any, Optional

from mmengine.config import Config

from sdfnet_mm import registry

#: Registries searched for a ``type`` given by name.
_REGISTRIES = [
    value for value in vars(registry).values()
    if type(value).__name__ == 'Registry'
]


def _resolve_type(type_: Any) -> Optional[type]:
    """The class or function of a config ``type`` (None if unknown)."""
    if not isinstance(type_, str):
        return type_ if callable(type_) else None
    for candidate in _REGISTRIES:
        found = candidate.get(type_)
        if found is not None:
            return found
    return None


def _accepts_argument(node: dict, name: str) -> bool:
    """Whether ``name`` may be added to ``node``: its ``type`` takes such
    an argument, or its type cannot be checked.

    A class whose ``__init__`` passes ``**kwargs`` on is followed up its
    bases until an ``__init__`` without ``**kwargs``.
    """
    if 'type' not in node:
        return True
    built = _resolve_type(node['type'])
    if built is None:
        return True
    inits = ([vars(cls)['__init__'] for cls in built.__mro__[:-1]
              if '__init__' in vars(cls)]
             if inspect.isclass(built) else [built])
    for init in inits:
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            return True
        if name in params:
            return True
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            return False
    # The last **kwargs is kept by the class itself.
    return True


def _suggestion(name: str, keys) -> str:
    close = difflib.get_close_matches(name, [str(k) for k in keys], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ''


def check_config_options(cfg: Config, options: dict,
                         config_path: str = 'the config') -> None:
    """Raise ``KeyError`` for an option key the config cannot use.

    A key ``a.b.c`` passes when every part exists in ``cfg`` (list items by
    index), or when only the last part is missing and the dict it goes into
    is built from a ``type`` that takes that argument (or whose type cannot
    be checked; plain dicts below the top level, e.g. ``train_cfg``, are
    left to the class that receives them). The ``type`` is the one the same
    options give that dict, if they do (``optim_wrapper.type=
    AmpOptimWrapper optim_wrapper.dtype=bfloat16``), else the config's.

    Args:
        cfg (Config): the config before merging.
        options (dict): ``--cfg-options`` as parsed by ``DictAction``.
        config_path (str): named in the error.
    """
    new_types = {key[:-len('.type')]: value for key, value in options.items()
                 if key.endswith('.type')}
    for key in options:
        parts = key.split('.')
        node: Any = cfg
        for depth, part in enumerate(parts):
            where = '.'.join(parts[:depth]) or 'the top level'
            last = depth == len(parts) - 1
            if isinstance(node, (list, tuple)):
                if not (part.isdigit() and int(part) < len(node)):
                    raise KeyError(
                        f'--cfg-options {key}: {where} is a list of '
                        f'{len(node)} items; expected an index below '
                        f'{len(node)} instead of {part!r}')
                node = node[int(part)]
                continue
            if not isinstance(node, (dict, Config)):
                raise KeyError(f'--cfg-options {key}: {where} is a '
                               f'{type(node).__name__}, not a dict')
            if part in node:
                node = node[part]
                continue
            owner_key = '.'.join(parts[:depth])
            if owner_key in new_types:
                node = {**node, 'type': new_types[owner_key]}
            if last and depth > 0 and _accepts_argument(node, part):
                break
            owner = ''
            if last and 'type' in node:
                built = _resolve_type(node['type'])
                owner = f' ({getattr(built, "__name__", node["type"])} ' \
                        'takes no such argument)'
            # Settings only: the classes a lazy-import config holds at the
            # top level are not listed.
            keys = sorted(str(k) for k, v in node.items()
                          if not inspect.isclass(v) and not callable(v))
            raise KeyError(
                f"--cfg-options {key}: {config_path} has no key "
                f"'{'.'.join(parts[:depth + 1])}'{owner}"
                f'{_suggestion(part, keys)}; keys at {where}: {keys}')
