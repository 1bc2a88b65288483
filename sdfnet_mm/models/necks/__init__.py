from .disentangle import ClassTokenNeck, DisentangleNeck

__all__ = ['ClassTokenNeck', 'DisentangleNeck']
