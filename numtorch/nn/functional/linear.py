"""Linear layers' math: linear and bilinear."""
from ... import ops

__all__ = ["linear", "bilinear"]


def linear(input, weight, bias=None):
    """y = x W^T + b (one addmm for 2-D input)"""
    if input.ndim == 2 and bias is not None:
        return ops.addmm(bias, input, weight.t())
    out = ops.matmul(input, weight.t())
    if bias is not None:
        out = out + bias
    return out


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_{i,j} x1[..., i] W[o, i, j] x2[..., j] + b[o]"""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    O, I, J = weight.shape
    if input1.shape[-1] != I:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {I}")
    if input2.shape[-1] != J:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {J}")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, I)
    x2 = input2.reshape(-1, J)
    # (B, I) @ (I, O*J) -> (B, O, J), then contract with x2 over J: two BLAS-sized products
    t = ops.matmul(x1, weight.permute(1, 0, 2).reshape(I, O * J)).reshape(-1, O, J)
    out = ops.matmul(t, x2.unsqueeze(-1)).squeeze(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(lead + (O,))
