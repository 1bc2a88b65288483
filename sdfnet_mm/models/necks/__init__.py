from .disentangle import ClassTokenNeck, DisentangleNeck, ReIDFeatures

__all__ = ['ClassTokenNeck', 'DisentangleNeck', 'ReIDFeatures']
