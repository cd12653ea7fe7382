"""The C library behind the package: found, loaded once, its functions typed.

Where libinfomin comes from, first match wins:
  1. $INFOMIN_LIBRARY (a path to libinfomin.so.0; the build tree's tests set it);
  2. the library folder this package was installed with (_install.py);
  3. the system's search (ctypes.util.find_library).
"""
import ctypes
import ctypes.util
import os

try:
    from . import _install
except ImportError:  # the source tree, before `make`
    _install = None

c_double_p = ctypes.POINTER(ctypes.c_double)
c_int_p = ctypes.POINTER(ctypes.c_int)
c_long_p = ctypes.POINTER(ctypes.c_long)
handle_p = ctypes.c_void_p

# im_status values (status.h)
OK = 0


def _candidates():
    env = os.environ.get("INFOMIN_LIBRARY")
    if env:
        yield env
        return
    if _install is not None:
        yield os.path.join(_install.LIBDIR, "libinfomin.so.0")
    found = ctypes.util.find_library("infomin")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError(
        "infomin: cannot load libinfomin: tried %s. Install infomin (make install), or set "
        "INFOMIN_LIBRARY to the path of libinfomin.so.0" % ("; ".join(tried) or "nothing: no path known"))


lib = _load()


def _proto(name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


_arrays = [c_double_p, ctypes.c_long, ctypes.c_int, c_double_p, ctypes.c_long, ctypes.c_int]

_proto("im_version", ctypes.c_char_p)
_proto("im_version_number", ctypes.c_int)
_proto("im_status_name", ctypes.c_char_p, ctypes.c_int)
_proto("im_mi_open", ctypes.c_int, ctypes.POINTER(handle_p), ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p),
       ctypes.c_int, ctypes.c_uint64)
_proto("im_mi_close", None, handle_p)
_proto("im_mi_message", ctypes.c_char_p, handle_p)
_proto("im_mi_run", ctypes.c_int, handle_p, *_arrays, c_double_p)
_proto("im_mi_fit", ctypes.c_int, handle_p, *_arrays)
_proto("im_mi_estimate", ctypes.c_int, handle_p, *_arrays, c_double_p)
_proto("im_mi_interval", ctypes.c_int, handle_p, *_arrays, ctypes.c_int, ctypes.c_double, c_double_p, c_double_p,
       c_double_p)
_proto("im_mi_crossfit", ctypes.c_int, handle_p, *_arrays, ctypes.c_int, ctypes.c_double, c_double_p, c_double_p,
       c_double_p)
_proto("im_mi_pvalue", ctypes.c_int, handle_p, *_arrays, ctypes.c_int, c_double_p, c_double_p)
_proto("im_mi_run_given", ctypes.c_int, handle_p, *_arrays, c_double_p, ctypes.c_long, ctypes.c_int, c_double_p)
_proto("im_mi_has_given", ctypes.c_int, handle_p)
_proto("im_entropy", ctypes.c_int, c_double_p, ctypes.c_long, ctypes.c_int, ctypes.c_int, c_double_p, ctypes.c_char_p,
       ctypes.c_size_t)
_proto("im_kl_divergence", ctypes.c_int, c_double_p, ctypes.c_long, c_double_p, ctypes.c_long, ctypes.c_int, ctypes.c_int,
       c_double_p, ctypes.c_char_p, ctypes.c_size_t)
_proto("im_mi_bound", ctypes.c_char_p, handle_p)
_proto("im_mi_unit", ctypes.c_char_p, handle_p)
_proto("im_mi_trains", ctypes.c_int, handle_p)
_proto("im_mi_note", ctypes.c_char_p, handle_p)
_proto("im_mi_set_split", ctypes.c_int, handle_p, ctypes.c_double, ctypes.c_double, ctypes.c_double)
_proto("im_mi_split", ctypes.c_int, handle_p, ctypes.c_long, c_int_p, c_long_p)
_proto("im_mi_set_threads", ctypes.c_int, handle_p, ctypes.c_int)
_proto("im_mi_interrupt", None, handle_p)
_proto("im_catalog_count", ctypes.c_int)
_proto("im_catalog_plugin", ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p),
       ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_char_p))
_proto("im_catalog_key", ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p * 5))

EINTERRUPTED = next(i for i in range(32) if lib.im_status_name(i) == b"interrupted")
