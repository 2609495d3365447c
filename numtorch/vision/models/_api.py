"""Weights enums, the model registry and ``get_model``/``get_weight``/``list_models``.

Each ``*_Weights`` enum is built from ``_weights_meta.json`` (checkpoint urls, parameter counts, accuracies and
preset arguments read from torchvision by ``tools/gen_tv_models_meta.py``). Loading a checkpoint reads it from
the hub cache (``$TORCH_HOME/hub/checkpoints/<file>``) through ``numtorch.hub``; nothing is downloaded.
"""
import fnmatch
import functools
import importlib
import inspect
import json
import os
import sys
import typing
from dataclasses import dataclass
from enum import Enum

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models"]

M = typing.TypeVar("M")  # torchvision's type variable for model classes

_HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class Weights:
    """A checkpoint's url, the constructor of its preprocessing preset, and its meta-data."""
    url: str
    transforms: typing.Callable
    meta: dict

    def __eq__(self, other):
        # partial objects compare by identity; compare what they hold so deep copies stay equal
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        a, b = self.transforms, other.transforms
        if isinstance(a, functools.partial) and isinstance(b, functools.partial):
            return a.func == b.func and a.args == b.args and a.keywords == b.keywords
        return a == b


class WeightsEnum(Enum):
    """Parent of every ``*_Weights`` enum; a member's value is a :class:`Weights`."""

    @classmethod
    def verify(cls, obj):
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                                f"{obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        """The checkpoint, read from the hub cache (``URLError`` naming the expected path when absent)."""
        from ... import hub
        return hub.load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


@functools.lru_cache(None)
def _table():
    with open(os.path.join(_HERE, "_weights_meta.json")) as f:
        return json.load(f)


@functools.lru_cache(None)
def _imagenet_categories():
    with open(os.path.join(_HERE, "_imagenet_categories.txt")) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def _weights_enum(name, module):
    """The ``WeightsEnum`` subclass ``name`` (members from the JSON table, ``DEFAULT`` an alias)."""
    from ._presets import ImageClassification
    entry = _table()[name]
    members = []
    for key, w in entry["members"].items():
        kw = dict(w["preset_kwargs"])
        for k in ("mean", "std"):
            if k in kw:
                kw[k] = tuple(kw[k])
        meta = dict(w["meta"])
        if meta.get("categories") == "imagenet1k":
            meta["categories"] = _imagenet_categories()
        if "min_size" in meta:
            meta["min_size"] = tuple(meta["min_size"])
        members.append((key, Weights(url=w["url"], transforms=functools.partial(ImageClassification, **kw),
                                     meta=meta)))
    by_key = dict(members)
    members.append(("DEFAULT", by_key[entry["default"]]))
    cls = WeightsEnum(name, members, module=module, qualname=name)
    return cls


BUILTIN_MODELS = {}


def register_model(name=None):
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered models, optionally those of one models package and matching
    ``include``/not matching ``exclude`` (fnmatch patterns)."""
    mod_name = None if module is None else module.__name__
    if mod_name is not None and mod_name.startswith("torchvision"):  # under `numtorch run`
        mod_name = "numtorch.vision" + mod_name[len("torchvision"):]
    all_models = {k for k, v in BUILTIN_MODELS.items()
                  if mod_name is None or v.__module__.rsplit(".", 1)[0] == mod_name}
    if include:
        include = [include] if isinstance(include, str) else include
        models = set()
        for f in include:
            models |= set(fnmatch.filter(all_models, f))
    else:
        models = all_models
    if exclude:
        exclude = [exclude] if isinstance(exclude, str) else exclude
        for f in exclude:
            models -= set(fnmatch.filter(all_models, f))
    return sorted(models)


def get_model_builder(name):
    """The builder function registered under ``name``."""
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """``get_model_builder(name)(**config)``."""
    return get_model_builder(name)(**config)


def get_weight(name):
    """The weights enum member named ``"<Enum>.<MEMBER>"``, e.g. ``"ResNet50_Weights.IMAGENET1K_V1"``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    base = importlib.import_module(__name__.rsplit(".", 1)[0])
    cls = base.__dict__.get(enum_name)
    if not (isinstance(cls, type) and issubclass(cls, WeightsEnum)):
        raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")
    return cls[value_name]


def get_model_weights(name):
    """The weights enum class of a builder (given as the function or its registered name)."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    return _get_enum_from_fn(fn)


def _get_enum_from_fn(fn):
    sig = inspect.signature(fn)
    if "weights" not in sig.parameters:
        raise ValueError("The method is missing the 'weights' argument.")
    ann = sig.parameters["weights"].annotation
    if isinstance(ann, str):  # postponed annotations
        ann = eval(ann, sys.modules[fn.__module__].__dict__)
    candidates = [ann] + list(typing.get_args(ann))
    for t in candidates:
        if isinstance(t, type) and issubclass(t, WeightsEnum):
            return t
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. Make sure the typing "
                     "info is correct.")
