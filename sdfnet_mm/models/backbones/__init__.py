from .sdf_vit import SDFViT

__all__ = ['SDFViT']
