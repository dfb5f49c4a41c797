"""Read a file written by ``torch.save`` without importing torch: tensors become numpy arrays.

Tagging needs the neural model's weights, not torch: importing torch costs
a worker seconds and a few hundred megabytes. A ``torch.save`` file is a zip
holding a pickle (``data.pkl``) whose tensors point at raw little-endian
storages (``data/<key>``). The unpickler below admits only the globals such a
file of weights uses (typed storages, ``_rebuild_tensor_v2``, ``OrderedDict``),
so, like ``torch.load(weights_only=True)``, it runs no other code.
"""

from __future__ import annotations

import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

__all__ = ["read_torch_file"]

_STORAGES = {"HalfStorage": np.float16, "FloatStorage": np.float32, "DoubleStorage": np.float64,
             "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
             "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_}


def read_torch_file(path: str | Path):
    """The object a ``torch.save`` zip file holds, with numpy arrays for its tensors.

    Raises ``pickle.UnpicklingError`` for globals outside weights, and the zip
    module's errors for a file that is not a zip.
    """
    with zipfile.ZipFile(path) as archive:
        pickled = next(name for name in archive.namelist() if name.endswith("/data.pkl"))
        prefix = pickled[:-len("data.pkl")]
        byteorder = archive.read(prefix + "byteorder").decode() if prefix + "byteorder" in archive.namelist() else "little"
        if byteorder != "little":
            raise pickle.UnpicklingError(f"{path}: {byteorder}-endian tensors are not supported")
        with archive.open(pickled) as handle:
            return _Unpickler(handle, archive, prefix).load()


class _Unpickler(pickle.Unpickler):
    def __init__(self, handle, archive: zipfile.ZipFile, prefix: str):
        super().__init__(handle)
        self._archive, self._prefix, self._storages = archive, prefix, {}

    def find_class(self, module: str, name: str):
        if module == "torch" and name in _STORAGES:
            return _Storage(np.dtype(_STORAGES[name]))
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        raise pickle.UnpicklingError(f"global {module}.{name} is not part of a weights file")

    def persistent_load(self, pid):
        kind, storage, key, _location, count = pid
        if kind != "storage" or not isinstance(storage, _Storage):
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        if key not in self._storages:
            raw = self._archive.read(f"{self._prefix}data/{key}")
            self._storages[key] = np.frombuffer(raw, dtype=storage.dtype, count=count)
        return self._storages[key]


class _Storage:
    """A storage type of the pickle (``torch.HalfStorage``...): only its element type matters."""

    def __init__(self, dtype: np.dtype):
        self.dtype = dtype


def _rebuild_tensor(storage: np.ndarray, offset: int, size, stride, _requires_grad=False, _hooks=None,
                    _metadata=None) -> np.ndarray:
    if not size:
        return np.array(storage[offset])
    item = storage.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=tuple(size),
                                           strides=tuple(s * item for s in stride))
    return view.copy()
