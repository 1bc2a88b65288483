"""Register every module of ``sdfnet_mm`` and set up the process, on
request (the tools call it; importing the package does not)."""
import datetime
import warnings

from mmengine import DefaultScope

from sdfnet_mm.engine.process_setup import setup_process


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every module of ``sdfnet_mm`` that registers classes, set up
    the process (:func:`setup_process`) and, by default, make
    ``sdfnet_mm`` the default scope (as MMPretrain's function of this name).

    Args:
        init_default_scope (bool): Set the default scope to ``sdfnet_mm``.
            Defaults to True.
    """
    setup_process()
    import sdfnet_mm.datasets  # noqa: F401
    import sdfnet_mm.engine  # noqa: F401
    import sdfnet_mm.evaluation  # noqa: F401
    import sdfnet_mm.models  # noqa: F401
    import sdfnet_mm.visualization  # noqa: F401
    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('sdfnet_mm', scope_name='sdfnet_mm')
    elif current.scope_name != 'sdfnet_mm':
        warnings.warn(f'register_all_modules: the default scope '
                      f'{current.scope_name!r} becomes \'sdfnet_mm\'; pass '
                      'init_default_scope=False to keep it')
        DefaultScope.get_instance(f'sdfnet_mm-{datetime.datetime.now()}',
                                  scope_name='sdfnet_mm')
