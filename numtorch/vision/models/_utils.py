"""Builder plumbing shared by the model families: the legacy ``pretrained=`` keyword, parameter checks."""
import functools
import inspect
import typing
import warnings

from ._api import WeightsEnum


def _init_mobile_convnet(model, init_linear):
    """MobileNet v2/v3 and EfficientNet initialisation, in module order (torchvision's, so that seeded weights
    agree): kaiming_normal_(fan_out) convolutions with zero biases, unit/zero norms, ``init_linear(m)`` for
    Linear layers."""
    from ... import nn
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            init_linear(m)
            nn.init.zeros_(m.bias)


def _make_divisible(v, divisor, min_value=None):
    """``v`` rounded to the nearest multiple of ``divisor`` (at least ``min_value``), never more than 10% down."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _seq_to_str(seq, separate_last=""):
    if not seq:
        return ""
    if len(seq) == 1:
        return f"'{seq[0]}'"
    head = "'" + "', '".join(str(item) for item in seq[:-1]) + "'"
    tail = f"{'' if separate_last and len(seq) == 2 else ','} {separate_last}'{seq[-1]}'"
    return head + tail


def kwonly_to_pos_or_kw(fn):
    """Lets keyword-only parameters also be passed positionally (with torchvision's deprecation warning)."""
    params = inspect.signature(fn).parameters
    try:
        start = next(i for i, p in enumerate(params.values()) if p.kind == p.KEYWORD_ONLY)
    except StopIteration:
        raise TypeError(f"Found no keyword-only parameter on function '{fn.__name__}'") from None
    kw_names = tuple(params)[start:]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        args, extra = args[:start], args[start:]
        if extra:
            extra_kw = dict(zip(kw_names, extra))
            warnings.warn(f"Using {_seq_to_str(tuple(extra_kw.keys()), separate_last='and ')} as positional "
                          f"parameter(s) is deprecated since 0.13 and may be removed in the future. Please use "
                          f"keyword parameter(s) instead.")
            kwargs.update(extra_kw)
        return fn(*args, **kwargs)
    return wrapper


def handle_legacy_interface(**weights):
    """Maps the pre-0.13 ``pretrained=True/False`` keyword (or positional) onto ``weights=`` with torchvision's
    warnings: ``weights_param=(pretrained_param, default_enum_or_callable(kwargs))``."""
    def outer(builder):
        @kwonly_to_pos_or_kw
        @functools.wraps(builder)
        def inner(*args, **kwargs):
            for weights_param, (pretrained_param, default) in weights.items():
                sentinel = object()
                weights_arg = kwargs.get(weights_param, sentinel)
                if ((weights_param not in kwargs and pretrained_param not in kwargs)
                        or isinstance(weights_arg, WeightsEnum)
                        or (isinstance(weights_arg, str) and weights_arg != "legacy")
                        or weights_arg is None):
                    continue
                positional = weights_arg is not sentinel
                if positional:
                    kwargs[pretrained_param] = pretrained_arg = kwargs.pop(weights_param)
                else:
                    pretrained_arg = kwargs[pretrained_param]
                if pretrained_arg:
                    default_arg = default(kwargs) if callable(default) else default
                    if not isinstance(default_arg, WeightsEnum):
                        raise ValueError(f"No weights available for model {builder.__name__}")
                else:
                    default_arg = None
                if not positional:
                    warnings.warn(f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be removed "
                                  f"in the future, please use '{weights_param}' instead.")
                msg = (f"Arguments other than a weight enum or `None` for '{weights_param}' are deprecated since "
                       f"0.13 and may be removed in the future. The current behavior is equivalent to passing "
                       f"`{weights_param}={default_arg}`.")
                if pretrained_arg:
                    msg = (f"{msg} You can also use `{weights_param}={type(default_arg).__name__}.DEFAULT` to get "
                           f"the most up-to-date weights.")
                warnings.warn(msg)
                del kwargs[pretrained_param]
                kwargs[weights_param] = default_arg
            return builder(*args, **kwargs)
        return inner
    return outer


def _ovewrite_named_param(kwargs, param, new_value):
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _ovewrite_value_param(param, actual, expected):
    if actual is not None and actual != expected:
        raise ValueError(f"The parameter '{param}' expected value {expected} but got {actual} instead.")
    return expected


def _load(model, weights, progress):
    """Loads ``weights``' checkpoint from the hub cache into ``model`` (strict)."""
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


def _builder(name, weights_enum, build, doc, module, legacy="IMAGENET1K_V1"):
    """The public builder ``name(*, weights=None, progress=True, **kwargs)``: verifies ``weights`` against
    ``weights_enum``, calls ``build(weights, progress, **kwargs)``, accepts the legacy ``pretrained=`` (mapped to
    ``weights_enum.<legacy>``) and registers itself for ``get_model``/``list_models``."""
    from ._api import register_model

    def fn(*, weights=None, progress=True, **kwargs):
        return build(weights_enum.verify(weights), progress, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = module
    fn.__doc__ = doc
    P = inspect.Parameter
    fn.__signature__ = inspect.Signature([
        P("weights", P.KEYWORD_ONLY, default=None, annotation=typing.Optional[weights_enum]),
        P("progress", P.KEYWORD_ONLY, default=True, annotation=bool),
        P("kwargs", P.VAR_KEYWORD)])
    default = None if legacy is None else weights_enum[legacy]
    return register_model()(handle_legacy_interface(weights=("pretrained", default))(fn))
