"""``torch.torch_version``: ``TorchVersion``, a version string that compares as a version.

``TorchVersion("2.13.0") >= "2.4"``, ``>= (2, 4)`` and ``>= packaging.version.Version("2.4")``
all compare release numbers (PEP 440 order: ``2.13.0 > 2.4``, ``2.0.0a1 < 2.0.0``), while
the object stays a ``str`` for printing, concatenation and ``==`` with its own text.
"""
import re

__all__ = ["TorchVersion"]

_PEP440 = re.compile(r"^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|rc|alpha|beta|c)[-_.]?(\d*))?"
                     r"(?:[-_.]?post[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+([a-z0-9.]+))?$", re.I)
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2}


def _key(text):
    """A sort key in PEP 440 order, or None when ``text`` is not a version."""
    m = _PEP440.match(text.strip())
    if m is None:
        return None
    release, pre, pre_n, post, dev, local = m.groups()
    nums = [int(p) for p in release.split(".")]
    while len(nums) > 1 and nums[-1] == 0:   # 2.0 == 2.0.0
        nums.pop()
    inf = float("inf")
    # a dev release sorts before its pre-releases, which sort before the final release
    pre_key = (_PRE[pre.lower()], int(pre_n or 0)) if pre else ((-inf, 0) if dev is not None and post is None
                                                                  else (inf, 0))
    post_key = int(post or 0) if post is not None else -inf
    dev_key = int(dev or 0) if dev is not None else inf
    local_key = tuple((1, int(p)) if p.isdigit() else (0, p) for p in re.split(r"[._-]", local.lower())) \
        if local else ()
    return (tuple(nums), pre_key, post_key, dev_key, local_key)


def _as_text(other):
    if isinstance(other, str):
        return other
    if isinstance(other, (tuple, list)):
        return ".".join(str(p) for p in other)
    if type(other).__name__ == "Version":   # packaging.version.Version, without importing packaging
        return str(other)
    return None


class TorchVersion(str):
    """A ``str`` holding a version that compares with strings, tuples and ``Version`` objects by PEP 440."""

    __slots__ = ()

    def _cmp(self, other, op):
        text = _as_text(other)
        a, b = _key(str(self)), (_key(text) if text is not None else None)
        if a is None or b is None:   # not versions: plain string comparison, as PyTorch falls back to
            return getattr(str, op)(self, other)
        return getattr(a, op)(b)

    def __lt__(self, other):
        return self._cmp(other, "__lt__")

    def __le__(self, other):
        return self._cmp(other, "__le__")

    def __gt__(self, other):
        return self._cmp(other, "__gt__")

    def __ge__(self, other):
        return self._cmp(other, "__ge__")

    def __eq__(self, other):
        return self._cmp(other, "__eq__")

    # no __ne__: str's, as PyTorch's TorchVersion (so ``!= "2.13"`` compares text)
    __hash__ = str.__hash__
