"""Regenerates numtorch/vision/models/_weights_meta.json and _imagenet_categories.txt from real torchvision.

The facts a ``Weights`` entry carries (checkpoint url, parameter count, accuracy, preset arguments) are data, read
once from the installed torchvision; numtorch builds its ``*_Weights`` enums from the JSON at import.
Run: python tools/gen_tv_models_meta.py (needs torchvision).
"""
import enum
import json
import os
import sys
import types

sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
import torchvision.models as M  # noqa: E402
from torchvision.models._meta import _IMAGENET_CATEGORIES  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "numtorch", "vision", "models")


def _jsonable(v):
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, tuple):
        return list(v)
    return v


def main():
    table = {}
    for name in sorted(dir(M)):
        cls = getattr(M, name)
        if not (isinstance(cls, type) and issubclass(cls, M.WeightsEnum) and cls is not M.WeightsEnum):
            continue
        members = {}
        for key, w in cls.__members__.items():
            if key == "DEFAULT":
                continue
            meta = {k: _jsonable(v) for k, v in w.meta.items() if k not in ("categories", "_docs")}
            cats = w.meta.get("categories")
            meta["categories"] = "imagenet1k" if cats == _IMAGENET_CATEGORIES else cats
            tf = w.transforms
            members[key] = {"url": w.url, "meta": meta, "preset": tf.func.__name__,
                            "preset_kwargs": {k: _jsonable(v) for k, v in tf.keywords.items()}}
        table[name] = {"members": members, "default": cls.DEFAULT.name}
    with open(os.path.join(OUT, "_weights_meta.json"), "w") as f:
        json.dump(dict(sorted(table.items())), f, indent=0)
    with open(os.path.join(OUT, "_imagenet_categories.txt"), "w") as f:
        f.write("\n".join(_IMAGENET_CATEGORIES) + "\n")


if __name__ == "__main__":
    main()
