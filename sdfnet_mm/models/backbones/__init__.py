from .sdf_vit import SDFViT, SDFViTOutput

__all__ = ['SDFViT', 'SDFViTOutput']
