"""torch.uint16 / uint32 / uint64: PyTorch's limited support, op by op. For every op numtorch either gives
torch's values and dtype or raises torch's exception class with torch's message (torch refuses most kernels
for these dtypes and every promotion with another non-floating dtype)."""
import io
import pickle

import numpy as np
import pytest

import numtorch as nt
from conftest import torch

UNAMES = ("uint16", "uint32", "uint64")


def _t(m, d, v=(3, 1, 2)):
    return m.tensor(list(v), dtype=d)


# (name, f(module, dtype)); each runs on torch and on numtorch with the same-named dtype
CASES = {
    # creation
    "tensor": lambda m, d: m.tensor([1, 2, 3], dtype=d),
    "tensor_big": lambda m, d: m.tensor([2 ** 15 + 1, 5], dtype=d),
    "tensor_0d": lambda m, d: m.tensor(7, dtype=d),
    "tensor_2d": lambda m, d: m.tensor([[1, 2], [3, 4]], dtype=d),
    "tensor_float_list": lambda m, d: m.tensor([1.7, 2.2], dtype=d),
    "tensor_negative": lambda m, d: m.tensor([-1, 5], dtype=d),
    "tensor_most_negative": lambda m, d: m.tensor([-(m.iinfo(d).max)], dtype=d),
    "tensor_below_range": lambda m, d: m.tensor([-(m.iinfo(d).max) - 1], dtype=d),
    "tensor_above_range": lambda m, d: m.tensor([m.iinfo(d).max + 1], dtype=d),
    "tensor_max": lambda m, d: m.tensor([m.iinfo(d).max], dtype=d),
    "tensor_float_scalar": lambda m, d: m.tensor(2.5, dtype=d),
    "tensor_float_ndarray": lambda m, d: m.tensor(np.array([2.5]), dtype=d),
    "full_above_range": lambda m, d: m.full((2,), m.iinfo(d).max + 1, dtype=d),
    "fill_negative": lambda m, d: m.zeros(2, dtype=d).fill_(-1),
    "fill_above_range": lambda m, d: m.zeros(2, dtype=d).fill_(m.iinfo(d).max + 1),
    "requires_grad_": lambda m, d: _t(m, d).requires_grad_(),
    "zeros": lambda m, d: m.zeros(3, dtype=d),
    "ones": lambda m, d: m.ones(2, 3, dtype=d),
    "full": lambda m, d: m.full((3,), 7, dtype=d),
    "empty_shape": lambda m, d: (m.empty(3, dtype=d).shape, m.empty(3, dtype=d).dtype),
    "zeros_like": lambda m, d: m.zeros_like(m.zeros(2, dtype=d)),
    "ones_like": lambda m, d: m.ones_like(m.zeros(2, dtype=d)),
    "full_like": lambda m, d: m.full_like(m.zeros(2, dtype=d), 9),
    "new_zeros": lambda m, d: m.zeros(2, dtype=d).new_zeros(3),
    "arange": lambda m, d: m.arange(5, dtype=d),
    "linspace": lambda m, d: m.linspace(0, 4, 5, dtype=d),
    "rand": lambda m, d: m.rand(2, dtype=d),
    "randint_dtype": lambda m, d: m.randint(0, 5, (3,), dtype=d).dtype,
    # casts both ways
    "to_float": lambda m, d: _t(m, d).to(m.float32),
    "to_double": lambda m, d: _t(m, d).double(),
    "to_long": lambda m, d: _t(m, d).long(),
    "to_int8": lambda m, d: _t(m, d).to(m.int8),
    "to_bool": lambda m, d: m.tensor([1, 0], dtype=d).bool(),
    "from_float": lambda m, d: m.tensor([1.5, 2.0]).to(d),
    "from_int64": lambda m, d: m.tensor([1, 7]).to(d),
    "from_bool": lambda m, d: m.tensor([True, False]).to(d),
    "type_method": lambda m, d: _t(m, d).type(),
    "type_cast": lambda m, d: _t(m, d).type(m.float64),
    "copy_into_uint": lambda m, d: m.zeros(2, dtype=d).copy_(m.tensor([3, 4])),
    "copy_into_float": lambda m, d: m.zeros(2).copy_(m.tensor([3, 4], dtype=d)),
    "clone": lambda m, d: _t(m, d).clone(),
    "fill_": lambda m, d: _t(m, d).fill_(5),
    "zero_": lambda m, d: _t(m, d).zero_(),
    # comparisons
    "eq": lambda m, d: _t(m, d) == _t(m, d, (3, 2, 2)),
    "eq_scalar": lambda m, d: _t(m, d) == 1,
    "eq_float_scalar": lambda m, d: _t(m, d) == 1.5,
    "ne": lambda m, d: _t(m, d) != _t(m, d, (3, 2, 2)),
    "ne_0d": lambda m, d: _t(m, d) != m.tensor(1),
    "eq_fn": lambda m, d: m.eq(_t(m, d), 2),
    "lt": lambda m, d: _t(m, d) < _t(m, d, (3, 2, 2)),
    "le": lambda m, d: _t(m, d) <= 2,
    "gt": lambda m, d: _t(m, d) > 2,
    "ge": lambda m, d: _t(m, d) >= 2,
    "equal": lambda m, d: m.equal(_t(m, d), _t(m, d)),
    "isnan": lambda m, d: _t(m, d).isnan(),
    "isfinite": lambda m, d: _t(m, d).isfinite(),
    # min / max / order
    "min": lambda m, d: _t(m, d).min(),
    "max": lambda m, d: _t(m, d).max(),
    "max_dim": lambda m, d: m.tensor([[1, 2]], dtype=d).max(1),
    "amax": lambda m, d: _t(m, d).amax(),
    "amin": lambda m, d: _t(m, d).amin(),
    "argmax": lambda m, d: _t(m, d).argmax(),
    "argmin": lambda m, d: _t(m, d).argmin(),
    "minimum": lambda m, d: m.minimum(_t(m, d), _t(m, d, (1, 2, 3))),
    "maximum": lambda m, d: m.maximum(_t(m, d), _t(m, d, (1, 2, 3))),
    "max_binary": lambda m, d: m.max(_t(m, d), _t(m, d, (1, 2, 3))),
    "clamp": lambda m, d: _t(m, d).clamp(0, 1),
    "sort": lambda m, d: _t(m, d).sort(),
    "sort_desc": lambda m, d: m.sort(_t(m, d), descending=True),
    "argsort": lambda m, d: _t(m, d).argsort(),
    "topk": lambda m, d: _t(m, d).topk(2),
    "unique": lambda m, d: m.tensor([1, 2, 1], dtype=d).unique(),
    "searchsorted": lambda m, d: m.searchsorted(m.tensor([1, 3], dtype=d), m.tensor([2], dtype=d)),
    # bitwise and shifts
    "and": lambda m, d: _t(m, d) & _t(m, d, (1, 1, 3)),
    "or": lambda m, d: _t(m, d) | _t(m, d, (4, 1, 3)),
    "xor": lambda m, d: _t(m, d) ^ _t(m, d, (1, 1, 3)),
    "and_scalar": lambda m, d: _t(m, d) & 1,
    "and_true": lambda m, d: _t(m, d) & True,
    "bitwise_and_fn": lambda m, d: m.bitwise_and(_t(m, d), _t(m, d)),
    "not": lambda m, d: ~_t(m, d),
    "lshift": lambda m, d: _t(m, d) << 2,
    "rshift": lambda m, d: _t(m, d) >> 1,
    "lshift_tensor": lambda m, d: _t(m, d) << _t(m, d, (1, 1, 1)),
    "bitwise_left_shift": lambda m, d: m.bitwise_left_shift(_t(m, d), _t(m, d, (1, 1, 1))),
    "logical_and": lambda m, d: m.logical_and(_t(m, d), _t(m, d)),
    "logical_not": lambda m, d: m.logical_not(_t(m, d)),
    # arithmetic
    "add": lambda m, d: _t(m, d) + _t(m, d),
    "add_scalar": lambda m, d: _t(m, d) + 1,
    "radd_scalar": lambda m, d: 1 + _t(m, d),
    "add_true": lambda m, d: _t(m, d) + True,
    "add_fn": lambda m, d: m.add(_t(m, d), _t(m, d)),
    "sub": lambda m, d: _t(m, d) - _t(m, d, (1, 1, 1)),
    "rsub_scalar": lambda m, d: 5 - _t(m, d),
    "mul": lambda m, d: _t(m, d) * _t(m, d, (2, 1, 3)),
    "mul_scalar": lambda m, d: _t(m, d) * 3,
    "mul_float_scalar": lambda m, d: _t(m, d) * 2.5,
    "mul_0d_int": lambda m, d: _t(m, d) * m.tensor(3),
    "mul_0d_float": lambda m, d: _t(m, d) * m.tensor(3.0),
    "mul_float_tensor": lambda m, d: _t(m, d) * m.tensor([3.0, 1.0, 2.0]),
    "mul_wraps": lambda m, d: m.tensor([300], dtype=d) * m.tensor([300], dtype=d),
    "mul_true": lambda m, d: _t(m, d) * True,
    "mul_complex": lambda m, d: _t(m, d) * (1 + 1j),
    "div": lambda m, d: _t(m, d) / _t(m, d, (2, 1, 4)),
    "div_scalar": lambda m, d: _t(m, d) / 2,
    "div_trunc": lambda m, d: m.div(_t(m, d), _t(m, d), rounding_mode="trunc"),
    "floordiv": lambda m, d: _t(m, d) // _t(m, d),
    "remainder": lambda m, d: _t(m, d) % _t(m, d),
    "neg": lambda m, d: -_t(m, d),
    "abs": lambda m, d: _t(m, d).abs(),
    "sign": lambda m, d: _t(m, d).sign(),
    "pow": lambda m, d: _t(m, d) ** 2,
    "sqrt": lambda m, d: _t(m, d).sqrt(),
    "mm": lambda m, d: m.ones(2, 2, dtype=d) @ m.ones(2, 2, dtype=d),
    "diff": lambda m, d: _t(m, d).diff(),
    # reductions
    "sum": lambda m, d: _t(m, d).sum(),
    "sum_dim": lambda m, d: m.ones(2, 3, dtype=d).sum(0),
    "sum_dtype_same": lambda m, d: _t(m, d).sum(dtype=d),
    "prod": lambda m, d: _t(m, d).prod(),
    "cumsum": lambda m, d: _t(m, d).cumsum(0),
    "mean": lambda m, d: _t(m, d).mean(),
    "any": lambda m, d: m.tensor([1, 0], dtype=d).any(),
    "all": lambda m, d: m.tensor([1, 0], dtype=d).all(),
    "count_nonzero": lambda m, d: m.tensor([1, 0], dtype=d).count_nonzero(),
    "nonzero": lambda m, d: m.tensor([1, 0], dtype=d).nonzero(),
    "bincount": lambda m, d: m.bincount(m.tensor([1, 0], dtype=d)),
    "isin": lambda m, d: m.isin(_t(m, d), m.tensor([1], dtype=d)),
    # joining, shaping, indexing
    "cat": lambda m, d: m.cat([_t(m, d)] * 2),
    "cat_mixed": lambda m, d: m.cat([_t(m, d), m.tensor([1])]),
    "stack": lambda m, d: m.stack([_t(m, d)] * 2),
    "reshape": lambda m, d: _t(m, d).reshape(3, 1),
    "transpose_contig": lambda m, d: m.zeros(2, 3, dtype=d).t().contiguous(),
    "expand": lambda m, d: m.tensor([1], dtype=d).expand(3).contiguous(),
    "chunk": lambda m, d: _t(m, d).chunk(3),
    "flip": lambda m, d: _t(m, d).flip(0),
    "roll": lambda m, d: _t(m, d).roll(1),
    "repeat": lambda m, d: _t(m, d).repeat(2),
    "tril": lambda m, d: m.ones(2, 2, dtype=d).tril(),
    "pad": lambda m, d: m.nn.functional.pad(_t(m, d), (1, 1)),
    "index_int": lambda m, d: _t(m, d)[1],
    "index_tensor": lambda m, d: _t(m, d)[m.tensor([2, 0])],
    "index_mask": lambda m, d: _t(m, d)[m.tensor([True, False, True])],
    "slice": lambda m, d: _t(m, d)[1:],
    "setitem": lambda m, d: (lambda t: (t.__setitem__(0, 9), t)[1])(_t(m, d)),
    "index_by_uint": lambda m, d: m.tensor([3, 1, 5])[m.tensor([2, 0], dtype=d)],
    "index_select": lambda m, d: _t(m, d).index_select(0, m.tensor([1])),
    "gather": lambda m, d: _t(m, d).gather(0, m.tensor([1])),
    "scatter": lambda m, d: m.zeros(2, dtype=d).scatter(0, m.tensor([1]), m.tensor([5], dtype=d)),
    "masked_fill": lambda m, d: _t(m, d).masked_fill(m.tensor([True, False, True]), 0),
    "where": lambda m, d: m.where(m.tensor([True, False]), m.tensor([1, 2], dtype=d), m.tensor([3, 4], dtype=d)),
    "where_mixed": lambda m, d: m.where(m.tensor([True, False]), m.tensor([1, 2], dtype=d), m.tensor([3, 4])),
    "view_as_uint8": lambda m, d: m.tensor([1, 0], dtype=d).view(m.uint8),
    "view_from_uint8": lambda m, d: m.zeros(8, dtype=m.uint8).view(d),
    # printing, Python values, NumPy
    "repr": lambda m, d: repr(m.tensor([[1, 2], [3, 65535]], dtype=d)),
    "repr_0d": lambda m, d: repr(m.tensor(7, dtype=d)),
    "str": lambda m, d: str(_t(m, d)),
    "item": lambda m, d: m.tensor(7, dtype=d).item(),
    "tolist": lambda m, d: m.tensor([2 ** 15 + 3], dtype=d).tolist(),
    "int": lambda m, d: int(m.tensor(7, dtype=d)),
    "numpy": lambda m, d: _t(m, d).numpy().dtype,
    "from_numpy": lambda m, d: m.from_numpy(np.array([1, 2], dtype=str(d).split(".")[1])),
    "tensor_from_ndarray": lambda m, d: m.tensor(np.array([1, 2], dtype=str(d).split(".")[1])),
    "as_tensor_ndarray": lambda m, d: m.as_tensor(np.array([1, 2], dtype=str(d).split(".")[1])),
    "element_size": lambda m, d: _t(m, d).element_size(),
    "is_signed": lambda m, d: _t(m, d).is_signed(),
    "requires_grad": lambda m, d: m.tensor([1], dtype=d, requires_grad=True),
    "hash_tensor": lambda m, d: m.hash_tensor(_t(m, d)),
    "mul_": lambda m, d: _t(m, d).mul_(2),
    "imul": lambda m, d: (lambda t: (t.__imul__(2), t)[1])(_t(m, d)),
    "iand": lambda m, d: (lambda t: (t.__iand__(2), t)[1])(_t(m, d)),
    "iadd": lambda m, d: (lambda t: (t.__iadd__(2), t)[1])(_t(m, d)),
    "add_": lambda m, d: _t(m, d).add_(1),
    "div_": lambda m, d: _t(m, d).div_(2),
    "true_divide": lambda m, d: _t(m, d).true_divide(_t(m, d)),
    "reciprocal": lambda m, d: _t(m, d).reciprocal(),
    "round": lambda m, d: _t(m, d).round(),
    "floor": lambda m, d: _t(m, d).floor(),
    "frac": lambda m, d: _t(m, d).frac(),
    "addcmul": lambda m, d: m.addcmul(_t(m, d), _t(m, d), _t(m, d)),
    "dot": lambda m, d: m.dot(_t(m, d), _t(m, d)),
    "bmm": lambda m, d: m.bmm(m.ones(1, 1, 2, dtype=d), m.ones(1, 2, 1, dtype=d)),
    "mv": lambda m, d: m.mv(m.ones(1, 3, dtype=d), _t(m, d)),
    "einsum": lambda m, d: m.einsum("i,i->", _t(m, d), _t(m, d)),
    "kron": lambda m, d: m.kron(_t(m, d), _t(m, d)),
    "outer": lambda m, d: m.outer(_t(m, d), _t(m, d)),
    "diag": lambda m, d: m.diag(_t(m, d)),
    "histc": lambda m, d: _t(m, d).histc(),
    "cumprod": lambda m, d: _t(m, d).cumprod(0),
    "logcumsumexp": lambda m, d: _t(m, d).logcumsumexp(0),
    "cummax": lambda m, d: _t(m, d).cummax(0),
    "kthvalue": lambda m, d: _t(m, d).kthvalue(1),
    "median": lambda m, d: _t(m, d).median(),
    "softmax": lambda m, d: _t(m, d).softmax(0),
    "nansum": lambda m, d: _t(m, d).nansum(),
    "prod_dim": lambda m, d: m.ones(2, 2, dtype=d).prod(0),
    "sum_int64": lambda m, d: _t(m, d).sum(dtype=m.int64),
    "sum_float": lambda m, d: _t(m, d).sum(dtype=m.float32),
    "std": lambda m, d: _t(m, d).std(),
    "var": lambda m, d: _t(m, d).var(),
    "norm": lambda m, d: _t(m, d).norm(),
    "nanmean": lambda m, d: _t(m, d).nanmean(),
    "msort": lambda m, d: _t(m, d).msort(),
    "unique_consecutive": lambda m, d: m.tensor([1, 1, 2], dtype=d).unique_consecutive(),
    "allclose": lambda m, d: m.allclose(_t(m, d), _t(m, d)),
    "isclose": lambda m, d: m.isclose(_t(m, d), _t(m, d)),
    "nan_to_num": lambda m, d: _t(m, d).nan_to_num(),
    "masked_select": lambda m, d: _t(m, d).masked_select(m.tensor([True, False, True])),
    "take": lambda m, d: _t(m, d).take(m.tensor([1])),
    "put_": lambda m, d: _t(m, d).put_(m.tensor([1]), m.tensor([7], dtype=d)),
    "index_put_": lambda m, d: _t(m, d).index_put_((m.tensor([1]),), m.tensor([7], dtype=d)),
    "index_add": lambda m, d: _t(m, d).index_add(0, m.tensor([1]), m.tensor([7], dtype=d)),
    "index_copy": lambda m, d: _t(m, d).index_copy(0, m.tensor([1]), m.tensor([7], dtype=d)),
    "index_fill": lambda m, d: _t(m, d).index_fill(0, m.tensor([1]), 7),
    "masked_scatter": lambda m, d: _t(m, d).masked_scatter(m.tensor([True, False, True]), _t(m, d)),
    "scatter_add": lambda m, d: _t(m, d).scatter_add(0, m.tensor([1]), m.tensor([7], dtype=d)),
    "setitem_mask": lambda m, d: (lambda t: (t.__setitem__(m.tensor([True, False, True]), 5), t)[1])(_t(m, d)),
    "setitem_index": lambda m, d: (lambda t: (t.__setitem__(m.tensor([1]), 5), t)[1])(_t(m, d)),
    "setitem_slice_tensor": lambda m, d: (lambda t: (t.__setitem__(slice(None), _t(m, d, (5, 6, 7))), t)[1])(
        _t(m, d)),
    "unbind": lambda m, d: _t(m, d).unbind(),
    "split": lambda m, d: _t(m, d).split(2),
    "narrow": lambda m, d: _t(m, d).narrow(0, 1, 2),
    "unfold": lambda m, d: _t(m, d).unfold(0, 2, 1),
    "movedim": lambda m, d: m.ones(1, 2, dtype=d).movedim(0, 1),
    "flatten": lambda m, d: m.ones(1, 2, dtype=d).flatten(),
    "diagonal": lambda m, d: m.ones(2, 2, dtype=d).diagonal(),
    "iter": lambda m, d: list(_t(m, d)),
    "len": lambda m, d: len(_t(m, d)),
    "float_of_elem": lambda m, d: float(_t(m, d)[0]),
    "bool_of_elem": lambda m, d: bool(_t(m, d)[0]),
    "as_index": lambda m, d: [10, 11, 12, 13][_t(m, d)[0]],
    "new_tensor": lambda m, d: _t(m, d).new_tensor([1, 2]),
    "new_full": lambda m, d: _t(m, d).new_full((2,), 3),
    "empty_like": lambda m, d: m.empty_like(_t(m, d)).dtype,
    "full_float_value": lambda m, d: m.full((2,), 1.5, dtype=d),
    "full_negative_value": lambda m, d: m.full((2,), -1, dtype=d),
    "range": lambda m, d: m.range(0, 3, dtype=d),
    "logspace": lambda m, d: m.logspace(0, 2, 3, dtype=d),
    "randn": lambda m, d: m.randn(2, dtype=d),
    "randperm": lambda m, d: m.randperm(4, dtype=d),
    "eye": lambda m, d: m.eye(2, dtype=d),
    "tril_indices": lambda m, d: m.tril_indices(2, 2, dtype=d),
    "rand_like": lambda m, d: m.rand_like(_t(m, d)),
    "randint_like_dtype": lambda m, d: m.randint_like(_t(m, d), 10).dtype,
    "randint_values": lambda m, d: m.randint(0, 100, (5,), dtype=d, generator=m.Generator().manual_seed(0)),
    "random_": lambda m, d: _t(m, d).random_(generator=m.Generator().manual_seed(0)),
    "random_to": lambda m, d: _t(m, d).random_(10, generator=m.Generator().manual_seed(0)),
    "uniform_": lambda m, d: _t(m, d).uniform_(),
    "normal_": lambda m, d: _t(m, d).normal_(),
    "div_floor": lambda m, d: m.div(_t(m, d), _t(m, d), rounding_mode="floor"),
    "rsub_fn": lambda m, d: m.rsub(_t(m, d), 1),
    "sub_": lambda m, d: _t(m, d).sub_(1),
    "matmul_1d": lambda m, d: m.matmul(_t(m, d), _t(m, d)),
    "matmul_mv": lambda m, d: m.matmul(m.ones(2, 3, dtype=d), _t(m, d)),
    "matmul_batched": lambda m, d: m.matmul(m.ones(2, 2, 3, dtype=d), m.ones(2, 3, 2, dtype=d)),
    "where_one_arg": lambda m, d: m.where(_t(m, d)),
    "sum_into_uint_from_int64": lambda m, d: m.tensor([1, 2]).sum(dtype=d),
    "relu": lambda m, d: m.relu(_t(m, d)),
    "clamp_min_": lambda m, d: _t(m, d).clamp_min_(1),
    "flipud": lambda m, d: m.ones(2, 2, dtype=d).flipud(),
    "chain_matmul_one": lambda m, d: m.chain_matmul(m.ones(2, 2, dtype=d)),
    "chain_matmul_two": lambda m, d: m.chain_matmul(m.ones(2, 2, dtype=d), m.ones(2, 2, dtype=d)),
    "igamma": lambda m, d: m.igamma(_t(m, d), _t(m, d)),
    "igammac_method": lambda m, d: _t(m, d).igammac(_t(m, d)),
    "log_normal_": lambda m, d: _t(m, d).log_normal_(),
    "to_sparse_coo": lambda m, d: _t(m, d).to_sparse_coo(),
    # promotion
    "add_int64_tensor": lambda m, d: _t(m, d) + m.tensor([1, 1, 1]),
    "mul_int64_tensor": lambda m, d: _t(m, d) * m.tensor([1, 1, 1]),
    "mul_uint8_tensor": lambda m, d: _t(m, d) * m.tensor([1, 1, 1], dtype=m.uint8),
    "eq_int64_tensor": lambda m, d: _t(m, d) == m.tensor([1, 1, 1]),
    "mul_bool_by_0d": lambda m, d: m.tensor([True]) * m.tensor(3, dtype=d),
    "mul_long_by_0d": lambda m, d: m.tensor([2]) * m.tensor(3, dtype=d),
    "mul_float_by_0d": lambda m, d: m.tensor([1.5]) * m.tensor(3, dtype=d),
    "result_type_int": lambda m, d: m.result_type(_t(m, d), 1),
    "result_type_float": lambda m, d: m.result_type(_t(m, d), 1.5),
    "result_type_0d": lambda m, d: m.result_type(m.tensor(3, dtype=d), m.tensor(3)),
}


def _plain(r, m):
    """A comparable form of an op's result (tensors as dtype name + nested lists)."""
    if isinstance(r, m.Tensor):
        return ("tensor", str(r.dtype), tuple(r.shape), r.tolist())
    if isinstance(r, (tuple, list)):
        return tuple(_plain(x, m) for x in r)
    if isinstance(r, m.dtype):
        return str(r)
    if isinstance(r, np.dtype):
        return str(r)
    if r.__class__.__name__ == "Size":
        return tuple(r)
    return r


def _run(f, m, d):
    try:
        return "ok", _plain(f(m, d), m)
    except Exception as e:   # noqa: BLE001 -- the class and message are what is compared
        return "err", type(e).__name__, str(e).splitlines()[0] if str(e) else ""


@pytest.mark.filterwarnings("ignore:torch.range is deprecated")
@pytest.mark.parametrize("uname", UNAMES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_op_matches_torch(case, uname):
    f = CASES[case]
    want = _run(f, torch, getattr(torch, uname))
    got = _run(f, nt, getattr(nt, uname))
    assert got == want


# ------------------------------------------------------------------------------------------ the dtype objects
@pytest.mark.parametrize("uname", UNAMES)
def test_dtype_attributes(uname):
    d, w = getattr(nt, uname), getattr(torch, uname)
    assert (repr(d), str(d), d.is_signed, d.is_floating_point, d.is_complex, d.itemsize) == \
        (repr(w), str(w), w.is_signed, w.is_floating_point, w.is_complex, w.itemsize)
    assert d.to_real() is d
    assert pickle.loads(pickle.dumps(d)) is d
    with pytest.raises(RuntimeError) as want:
        w.to_complex()
    with pytest.raises(RuntimeError, match=f"^{want.value}$"):
        d.to_complex()


@pytest.mark.parametrize("uname", UNAMES)
def test_iinfo(uname):
    i, w = nt.iinfo(getattr(nt, uname)), torch.iinfo(getattr(torch, uname))
    assert (i.bits, i.min, i.max, i.dtype, repr(i), str(i)) == (w.bits, w.min, w.max, w.dtype, repr(w), str(w))
    assert type(i.max) is type(w.max)


def test_not_in_all_types():
    """torch's all_types() leaves the limited unsigned types out; so does _dtype.ALL (tests iterate it)."""
    from numtorch import _dtype as D
    from torch.testing._internal.common_dtype import all_types_and_complex_and
    assert not {"uint16", "uint32", "uint64"} & {str(t).split(".")[1] for t in
                                                 all_types_and_complex_and(torch.bool, torch.half)}
    assert not set(D.UNSIGNED_WIDE) & set(D.ALL)


_PROMOTION_NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
                    "float64", "complex64", "complex128") + UNAMES


@pytest.mark.parametrize("uname", UNAMES)
@pytest.mark.parametrize("other", _PROMOTION_NAMES)
def test_promote_types_and_can_cast(uname, other):
    for a, b in ((uname, other), (other, uname)):
        want = _run(lambda m, d: m.promote_types(getattr(m, a), getattr(m, b)), torch, None)
        got = _run(lambda m, d: m.promote_types(getattr(m, a), getattr(m, b)), nt, None)
        assert got == want
        assert nt.can_cast(getattr(nt, a), getattr(nt, b)) == torch.can_cast(getattr(torch, a), getattr(torch, b))


@pytest.mark.parametrize("uname", UNAMES)
def test_save_load_round_trip(uname):
    d = getattr(nt, uname)
    top = nt.iinfo(d).max
    t = nt.tensor([[0, 1], [top, top - 7]], dtype=d)
    buf = io.BytesIO()
    nt.save(t, buf)
    buf.seek(0)
    back = nt.load(buf)
    assert back.dtype is d and back.tolist() == t.tolist()
    buf.seek(0)
    w = torch.load(buf)   # the file torch reads
    assert w.dtype == getattr(torch, uname) and w.tolist() == t.tolist()
    buf = io.BytesIO()
    torch.save(w, buf)
    buf.seek(0)
    again = nt.load(buf)
    assert again.dtype is d and again.tolist() == t.tolist()


@pytest.mark.parametrize("uname", UNAMES)
def test_numpy_round_trip_keeps_full_range(uname):
    a = np.array([0, np.iinfo(uname).max, 12345], dtype=uname)
    t = nt.from_numpy(a)
    assert t.dtype is getattr(nt, uname)
    assert t.numpy() is a or np.shares_memory(t.numpy(), a)
    assert repr(t) == repr(torch.from_numpy(a.copy()))
    assert t.tolist() == torch.from_numpy(a.copy()).tolist()


# ------------------------------------------------------------------------------------------------ hash_tensor
_HASH_INPUTS = {
    "int64": lambda m: m.arange(-6, 6).reshape(3, 4),
    "int8": lambda m: m.tensor([[-1, 5, 7], [3, -128, 127]], dtype=m.int8),
    "uint8": lambda m: m.tensor([[1, 2, 255], [0, 7, 9]], dtype=m.uint8),
    "bool": lambda m: m.tensor([[True, False, True], [False, False, True]]),
    "float32": lambda m: m.tensor([[0.5, -1.25, float("nan")], [-0.0, float("inf"), 3e-39]]),
    "float64": lambda m: m.tensor([[0.1, -2.5], [1e300, -1e-300]], dtype=m.float64),
    "float16": lambda m: m.tensor([[1.5, -2.0], [65504.0, 6e-8]], dtype=m.float16),
    "bfloat16": lambda m: m.tensor([[1.5, -2.0], [3.0, 0.1]], dtype=m.bfloat16),
    "complex64": lambda m: m.tensor([1 + 2j]),
    "uint16": lambda m: m.tensor([1, 2], dtype=m.uint16),
    "uint64": lambda m: m.tensor([1, 2], dtype=m.uint64),
    "empty": lambda m: m.zeros(0, 3),
    "scalar": lambda m: m.tensor(-3.5),
}
_HASH_CALLS = {
    "all": lambda m, x: m.hash_tensor(x),
    "dim0": lambda m, x: m.hash_tensor(x, 0),
    "dim_last_keepdim": lambda m, x: m.hash_tensor(x, -1, keepdim=True),
    "dims": lambda m, x: m.hash_tensor(x, (0, 1)),
    "empty_dims": lambda m, x: m.hash_tensor(x, []),
    "method": lambda m, x: x.hash_tensor(1),
    "mode1": lambda m, x: m.hash_tensor(x, mode=1),
    "transposed": lambda m, x: m.hash_tensor(x.t() if x.dim() == 2 else x, 0),
}


@pytest.mark.parametrize("call", sorted(_HASH_CALLS))
@pytest.mark.parametrize("inp", sorted(_HASH_INPUTS))
def test_hash_tensor(inp, call):
    f = _HASH_CALLS[call]
    want = _run(lambda m, d: f(m, _HASH_INPUTS[inp](m)), torch, None)
    got = _run(lambda m, d: f(m, _HASH_INPUTS[inp](m)), nt, None)
    assert got == want


def test_hash_tensor_out_and_no_grad():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    h = nt.hash_tensor(x)
    assert not h.requires_grad and h.grad_fn is None
    o = nt.empty(0, dtype=nt.uint64)
    r = nt.hash_tensor(x, out=o)
    assert r is o and o.tolist() == torch.hash_tensor(torch.tensor([1.0, 2.0])).tolist()


# ------------------------------------------------------- torchvision: 16-bit images (decode_png gives uint16)
_TO_DTYPE_PAIRS = [("uint16", t) for t in ("uint8", "uint16", "int32", "float32", "float64")] + \
    [(s, "uint16") for s in ("uint8", "float32")]


@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("src,to", _TO_DTYPE_PAIRS)
def test_v2_to_dtype_with_uint16(src, to, scale):
    from conftest import import_torchvision
    import_torchvision()
    from torchvision.transforms.v2 import functional as TF
    import numtorch.vision.transforms.v2.functional as NF
    a = {"uint16": np.array([[[0, 1, 255, 256, 65535]]], dtype=np.uint16),
         "uint8": np.array([[[0, 1, 128, 255]]], dtype=np.uint8),
         "float32": np.array([[[0.0, 0.25, 0.5, 1.0]]], dtype=np.float32)}[src]
    want = _run(lambda m, d: (TF if m is torch else NF).to_dtype(m.from_numpy(a.copy()), getattr(m, to),
                                                                 scale=scale), torch, None)
    got = _run(lambda m, d: (TF if m is torch else NF).to_dtype(m.from_numpy(a.copy()), getattr(m, to),
                                                                scale=scale), nt, None)
    assert got == want


# ----------------------------------------------------------------------------------------- casts both ways
_CAST_VALUES = {"int": [0, 1, 7, 200, 40000, 2 ** 31 - 1], "negative_int": [-1, -7],
                "float": [0.0, 1.5, 2.9, 255.0, 65535.0], "negative_float": [-1.0, -3.5], "big_float": [70000.0, 5e9]}


@pytest.mark.filterwarnings("ignore:Casting complex values")
@pytest.mark.parametrize("uname", UNAMES)
@pytest.mark.parametrize("other", _PROMOTION_NAMES)
def test_casts_both_ways(uname, other):
    """Values through other -> uint and uint -> other, as PyTorch's C casts (wrapping), with no NumPy warning."""
    import warnings
    if other == "bfloat16":
        pytest.importorskip("ml_dtypes", reason="numtorch's bfloat16 needs the bfloat16 extra")
    for kind, v in _CAST_VALUES.items():
        for src, dst in ((other, uname), (uname, other)):
            if src == uname and kind != "int":
                continue   # the uint source holds what an int64 list cast into it gives

            def f(m, d, src=src, dst=dst, v=v, kind=kind):
                base = m.tensor(v, dtype=m.float64 if "float" in kind else m.int64)
                return base.to(getattr(m, src)).to(getattr(m, dst))
            want = _run(f, torch, None)
            with warnings.catch_warnings():
                warnings.simplefilter("error", RuntimeWarning)
                got = _run(f, nt, None)
            assert got == want, (src, dst, kind)
