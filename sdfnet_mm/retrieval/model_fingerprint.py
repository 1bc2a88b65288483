"""Which model embedded an index's features: hashes of the checkpoint file
and of the config."""
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional, Union

from mmengine.config import Config

#: Bytes hashed per read.
READ_BLOCK = 1 << 24


@dataclass(frozen=True)
class ModelFingerprint:
    """Two models are the same when both SHA-256 hashes are equal; the
    paths are kept for messages only.

    Attributes:
        checkpoint: path of the checkpoint file.
        checkpoint_sha256: SHA-256 of its bytes (hex).
        config: path (or name) of the config.
        config_sha256: SHA-256 of the resolved config (hex, see
            :meth:`of_files`).
    """
    checkpoint: str
    checkpoint_sha256: str
    config: str
    config_sha256: str

    @classmethod
    def of_files(cls, checkpoint: Union[str, Path],
                 config: Union[str, Path, Config]) -> 'ModelFingerprint':
        """Hash a checkpoint file and a config (a file, ``_base_`` files
        merged, or a :class:`Config`): the config's hash is that of its
        dictionary as sorted JSON, so formatting and comments do not count
        but every value does."""
        digest = hashlib.sha256()
        with open(checkpoint, 'rb') as f:
            for block in iter(lambda: f.read(READ_BLOCK), b''):
                digest.update(block)
        if not isinstance(config, Config):
            config = Config.fromfile(config)
        config_text = json.dumps(
            config.to_dict(), sort_keys=True, default=repr)
        return cls(
            str(checkpoint), digest.hexdigest(),
            str(config.filename or '<Config object>'),
            hashlib.sha256(config_text.encode()).hexdigest())

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, fields: dict, where: str) -> 'ModelFingerprint':
        """Inverse of :meth:`to_dict`; ``ValueError`` naming ``where`` when
        a field is missing or unknown."""
        try:
            return cls(**fields)
        except TypeError:
            raise ValueError(
                f'{where}: model fingerprint {fields!r} must have exactly the '
                'keys checkpoint, checkpoint_sha256, config, config_sha256'
            ) from None

    def difference(self, given: 'ModelFingerprint') -> Optional[str]:
        """None when ``given`` is the same model, else what differs, this
        fingerprint being the index's."""
        parts = [
            f'{name} {mine} (sha256 {my_hash[:12]}) but the model given has '
            f'{name} {theirs} (sha256 {their_hash[:12]})'
            for name, mine, my_hash, theirs, their_hash in (
                ('checkpoint', self.checkpoint, self.checkpoint_sha256,
                 given.checkpoint, given.checkpoint_sha256),
                ('config', self.config, self.config_sha256, given.config,
                 given.config_sha256)) if my_hash != their_hash
        ]
        return '; '.join(parts) or None
