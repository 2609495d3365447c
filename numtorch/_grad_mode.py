"""Switches for gradient recording: no_grad, enable_grad, set_grad_enabled, inference_mode."""
import functools


class _State:
    __slots__ = ("enabled", "inference")

    def __init__(self):
        self.enabled = True
        self.inference = False


state = _State()


def is_grad_enabled():
    return state.enabled


def is_inference_mode_enabled():
    return state.inference


class _Mode:
    """Base for the context managers; each also works as a decorator."""

    _target = True

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args()):
                return fn(*args, **kwargs)
        return wrapper

    def _args(self):
        return ()

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._target
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def clone(self):
        return self.__class__(*self._args())


class no_grad(_Mode):
    """Disable graph recording: results of operations have ``requires_grad=False``."""

    _target = False

    def __init__(self, orig_func=None):
        pass

    def __new__(cls, orig_func=None):
        # allows both ``@no_grad`` and ``@no_grad()``
        self = super().__new__(cls)
        if orig_func is not None and callable(orig_func):
            return _Mode.__call__(self, orig_func)
        return self


class enable_grad(_Mode):
    """Re-enable graph recording inside a ``no_grad`` block."""

    _target = True

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if orig_func is not None and callable(orig_func):
            return _Mode.__call__(self, orig_func)
        return self

    def __init__(self, orig_func=None):
        pass


class set_grad_enabled(_Mode):
    """``set_grad_enabled(False)`` switches recording off now, or for a ``with`` block."""

    def __init__(self, mode):
        self._prev = state.enabled
        self._target = bool(mode)
        self.mode = bool(mode)
        state.enabled = self._target

    def _args(self):
        return (self._target,)

    def __enter__(self):
        state.enabled = self._target
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        # the constructor already switched the mode; a decorator must not keep that switch
        state.enabled = self._prev
        return _Mode.__call__(self, fn)


class inference_mode(_Mode):
    """Like ``no_grad`` (numtorch keeps no extra inference-only fast path)."""

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode):
            self._mode = True
            return _Mode.__call__(self, mode)
        return self

    def __init__(self, mode=True):
        if callable(mode):
            mode = True
        self._mode = bool(mode)
        self._target = not self._mode

    def _args(self):
        return (self._mode,)

    def __enter__(self):
        self._prev_inf = state.inference
        state.inference = self._mode
        self._prev = state.enabled
        if self._mode:  # inference_mode(False) leaves the grad mode as it is
            state.enabled = False
        return self

    def __exit__(self, *exc):
        state.inference = self._prev_inf
        return super().__exit__(*exc)
