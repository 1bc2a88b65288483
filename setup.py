"""Install sdfnet_mm: ``pip install -e .`` (add ``[tests]`` for the test tools,
``[retrieval]`` for the faiss gallery index)."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> list:
    """Requirement lines of ``requirements/<name>.txt`` without comments."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith('#')]


version: dict = {}
exec((HERE / 'sdfnet_mm' / 'version.py').read_text(), version)

setup(
    name='sdfnet_mm',
    version=version['__version__'],
    description='SDF-Net cross-modal (optical-SAR) ship re-identification '
    'on MMEngine and MMPretrain',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.9',
    packages=find_packages(include=['sdfnet_mm', 'sdfnet_mm.*']),
    install_requires=read_requirements('runtime'),
    extras_require={
        'tests': read_requirements('tests'),
        'retrieval': read_requirements('retrieval'),
    },
    zip_safe=False,
)
