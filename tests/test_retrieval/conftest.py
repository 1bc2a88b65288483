"""The gallery index tests run faiss on one thread: their indexes are
small, and OpenMP threads spinning for a busy core slow them down tenfold
on a loaded machine (data helpers: retrieval_data.py)."""
import faiss
import pytest


@pytest.fixture(autouse=True, scope='package')
def _one_faiss_thread():
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(threads)
