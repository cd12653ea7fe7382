"""Thread counts for the PyTorch twins of the benchmarks.

torch.set_num_threads sets PyTorch's own (OpenMP) threads, not those of the
BLAS it calls for matrix products. Debian's python3-torch calls the system
BLAS (libblas.so.3: OpenBLAS), which runs one thread per core unless told
otherwise: a PyTorch run set to one thread that way ran its products on both
cores of a 2-core machine (two threads in the process). The twins therefore
set both, and can also run the combination that gave: one PyTorch thread,
OpenBLAS on every core.
"""
import ctypes

import torch


def _openblas():
    """The OpenBLAS the process has loaded (torch's), or None."""
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))   # make sure the BLAS is loaded
    with open("/proc/self/maps") as maps:
        if "openblas" not in maps.read():
            return None
    try:
        lib = ctypes.CDLL("libopenblas.so.0")   # the same instance: the loader matches its soname
    except OSError:
        return None
    lib.openblas_get_corename.restype = ctypes.c_char_p
    lib.openblas_get_config.restype = ctypes.c_char_p
    return lib


_LIB = _openblas()


def set_threads(torch_threads, blas_threads=None):
    """PyTorch's threads and its BLAS's (the same count unless given)."""
    torch.set_num_threads(torch_threads)
    if _LIB is not None:
        _LIB.openblas_set_num_threads(blas_threads or torch_threads)


def blas_name():
    """'OpenBLAS 0.3.21 Haswell', as infomin's benchmarks print theirs."""
    if _LIB is None:
        return "BLAS: not OpenBLAS (its threads are not set)"
    version = _LIB.openblas_get_config().decode().split()[1]
    return f"OpenBLAS {version} {_LIB.openblas_get_corename().decode()}"


# (label, PyTorch threads, BLAS threads): one core, two cores, and what
# torch.set_num_threads(1) alone gives (one PyTorch thread, BLAS on 2 cores)
CONFIGS = (("1", 1, 1), ("2", 2, 2), ("1+2blas", 1, 2))
