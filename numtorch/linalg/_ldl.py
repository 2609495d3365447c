"""LDL^T factorization with Bunch-Kaufman pivoting (placeholder until implemented)."""


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    raise NotImplementedError("numtorch has no linalg.ldl_factor_ex yet")


def ldl_factor(A, *, hermitian=False, out=None):
    raise NotImplementedError("numtorch has no linalg.ldl_factor yet")


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    raise NotImplementedError("numtorch has no linalg.ldl_solve yet")


__all__ = []
