"""``torch.return_types``: the named tuples PyTorch's multi-output functions return (``torch.max(x, 1)`` is a
``torch.return_types.max(values=..., indices=...)``): tuples with named fields, printed, indexed and pickled
as PyTorch's."""

_FIELDS = {
    "aminmax": ("min", "max"), "cummax": ("values", "indices"), "cummin": ("values", "indices"),
    "frexp": ("mantissa", "exponent"), "geqrf": ("a", "tau"), "histogram": ("hist", "bin_edges"),
    "histogramdd": ("hist", "bin_edges"), "kthvalue": ("values", "indices"), "linalg_cholesky_ex": ("L", "info"),
    "linalg_eig": ("eigenvalues", "eigenvectors"), "linalg_eigh": ("eigenvalues", "eigenvectors"),
    "linalg_inv_ex": ("inverse", "info"), "linalg_ldl_factor": ("LD", "pivots"),
    "linalg_ldl_factor_ex": ("LD", "pivots", "info"),
    "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"), "linalg_lu": ("P", "L", "U"),
    "linalg_lu_factor": ("LU", "pivots"), "linalg_lu_factor_ex": ("LU", "pivots", "info"),
    "linalg_qr": ("Q", "R"), "linalg_slogdet": ("sign", "logabsdet"), "linalg_solve_ex": ("result", "info"),
    "linalg_svd": ("U", "S", "Vh"), "lu_unpack": ("P", "L", "U"), "max": ("values", "indices"),
    "median": ("values", "indices"), "min": ("values", "indices"), "mode": ("values", "indices"),
    "nanmedian": ("values", "indices"), "qr": ("Q", "R"), "slogdet": ("sign", "logabsdet"),
    "sort": ("values", "indices"), "svd": ("U", "S", "V"), "topk": ("values", "indices"),
    "triangular_solve": ("solution", "cloned_coefficient"), "_lu_with_info": ("LU", "pivots", "info"),
}


class _StructSeq(tuple):
    """A PyTorch structseq: ``cls(sequence)`` of exactly ``n_fields`` items, fields readable by name."""

    __slots__ = ()
    _fields = ()

    def __new__(cls, sequence=(), dict=None):  # noqa: A002  (PyTorch's parameter names)
        items = tuple(sequence)
        if len(items) != cls.n_fields:
            raise TypeError(f"torch.return_types.{cls.__name__}() takes a {cls.n_fields}-sequence "
                            f"({len(items)}-sequence given)")
        return tuple.__new__(cls, items)

    @classmethod
    def _from(cls, *items):
        return tuple.__new__(cls, items)

    def __repr__(self):
        body = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"torch.return_types.{type(self).__name__}(\n{body})"

    __str__ = __repr__

    def __reduce__(self):
        return (type(self), (tuple(self),))


def _make(name, fields):
    ns = {"__slots__": (), "_fields": fields, "n_fields": len(fields), "n_sequence_fields": len(fields),
          "n_unnamed_fields": 0, "__module__": __name__, "__qualname__": name}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: tuple.__getitem__(self, i))
    return type(name, (_StructSeq,), ns)


for _name, _f in _FIELDS.items():
    globals()[_name] = _make(_name, _f)
    globals()[_name + "_out"] = globals()[_name]

__all__ = sorted(list(_FIELDS) + [n + "_out" for n in _FIELDS])
