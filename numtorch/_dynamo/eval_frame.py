"""``torch._dynamo.eval_frame.OptimizedModule``: what ``torch.compile(module)`` returns."""
from ..nn import Module

__all__ = ["OptimizedModule"]


class OptimizedModule(Module):
    """Holds the compiled module as ``_orig_mod`` (a submodule: ``state_dict`` keys read
    ``_orig_mod.<name>``); calls run ``_orig_mod`` eagerly, other attributes are ``_orig_mod``'s."""

    def __init__(self, mod, dynamo_ctx=None):
        super().__init__()
        self._orig_mod = mod
        self.dynamo_ctx = dynamo_ctx
        # a plain attribute (not a second registration of the submodule)
        object.__setattr__(self, "_torchdynamo_orig_callable", mod)

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name):
        if name == "_orig_mod":
            return self._modules["_orig_mod"]
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules["_orig_mod"], name)

    def __reduce__(self):
        return (self.__class__, (self._orig_mod, self.dynamo_ctx))
