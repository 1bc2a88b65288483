from .epoch_seed_hook import EpochSeedHook
from .identity_count_check_hook import IdentityCountCheckHook
from .process_setup_hook import ProcessSetupHook

__all__ = ['EpochSeedHook', 'IdentityCountCheckHook', 'ProcessSetupHook']
