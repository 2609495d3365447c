"""``torch.fx.immutable_collections``: list and dict types that refuse mutation (node arguments)."""

__all__ = ["immutable_list", "immutable_dict"]


def _no_mutation(self, *args, **kwargs):
    raise TypeError(f"'{type(self).__name__}' object does not support mutation. Use a copy of it instead.")


class immutable_list(list):
    """A list whose mutating methods raise ``TypeError``."""
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _no_mutation
    append = extend = insert = pop = remove = reverse = sort = clear = _no_mutation

    def __hash__(self):
        return hash(tuple(self))


class immutable_dict(dict):
    """A dict whose mutating methods raise ``TypeError``."""
    __setitem__ = __delitem__ = __ior__ = _no_mutation
    clear = pop = popitem = setdefault = update = _no_mutation

    def __hash__(self):
        return hash(tuple(self.items()))
