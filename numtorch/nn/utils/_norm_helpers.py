"""Shared math of the weight- and spectral-norm reparametrizations (legacy hooks and parametrizations)."""


def norm_except_dim(v, pow=2, dim=0):
    """||v||_pow over every dim but ``dim``, shaped to broadcast against v (dim=-1: the norm of all of v)."""
    if dim == -1:
        return v.norm(pow)
    if dim < 0:
        dim += v.dim()
    shape = [1] * v.dim()
    shape[dim] = v.shape[dim]
    other = tuple(d for d in range(v.dim()) if d != dim)
    if not other:
        return v.abs() if pow == 2 else v.norm(pow, dim=()).reshape(shape)
    return v.norm(pow, dim=other, keepdim=True).reshape(shape)


def weight_norm_apply(v, g, dim):
    """w = v * g / ||v|| (the norm over every dim but ``dim``)."""
    return v * (g / norm_except_dim(v, 2, dim))


def weight_to_matrix(weight, dim):
    """The weight as a (size of ``dim``, rest) matrix for the power iteration."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.dim()) if d != dim))
    return weight.flatten(1)
