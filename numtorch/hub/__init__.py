"""``torch.hub`` without a network: checkpoints are read from the hub cache folder
(``get_dir()/checkpoints``, ``$TORCH_HOME/hub`` by default) when they are already there, and models from a
local folder's ``hubconf.py`` (``load(dir, name, source="local")``). Anything that would download raises
``urllib.error.URLError`` naming the file to put in place."""
import importlib.util
import os
import re
import sys
import urllib.error
import urllib.parse
import warnings

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

_builtin_list = list
_hub_dir = None
_HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
MODULE_HUBCONF = "hubconf.py"
VAR_DEPENDENCY = "dependencies"


def _get_torch_home():
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"),
                                                                   "torch")))


def get_dir():
    """The hub folder: ``set_dir``'s, else ``$TORCH_HOME/hub`` (``$XDG_CACHE_HOME/torch/hub``,
    ``~/.cache/torch/hub``)."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead")
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def _offline(url, dst):
    return urllib.error.URLError(f"numtorch does not download ({url!r}): there is no network access. Put the "
                                 f"file at {dst!r} (the hub cache, torch.hub.get_dir()) and call again")


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Not possible offline: raises ``URLError`` naming ``dst``."""
    raise _offline(url, dst)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """``torch.load`` of ``<model_dir or get_dir()/checkpoints>/<file_name or the url's file name>``.
    As in PyTorch, a file already cached is loaded without checking its hash (``check_hash`` applies to
    downloads, which numtorch never makes)."""
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = os.path.basename(urllib.parse.urlparse(url).path)
    if file_name is not None:
        filename = file_name
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        raise _offline(url, cached_file)
    from ..serialization import load as _load
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


def _import_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_entry(m, model):
    deps = getattr(m, VAR_DEPENDENCY, None)
    if deps is not None:
        missing = [d for d in deps if importlib.util.find_spec(d) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    func = getattr(m, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _local_hubconf(repo_dir):
    sys.path.insert(0, repo_dir)
    try:
        return _import_module(MODULE_HUBCONF, os.path.join(repo_dir, MODULE_HUBCONF))
    finally:
        sys.path.remove(repo_dir)


def _check_source(source):
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        raise _github_error()


def _github_error():
    return urllib.error.URLError("numtorch does not download from GitHub (no network access): clone the repo and "
                                 "call torch.hub.load(repo_dir, model, source='local')")


def load(repo_or_dir, model, *args, source="github", trust_repo=None, force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """``entry(*args, **kwargs)`` where ``entry`` is ``model`` in ``<repo_or_dir>/hubconf.py``
    (``source="local"``; GitHub needs a network and raises)."""
    source = source.lower()
    _check_source(source)
    hub_module = _local_hubconf(repo_or_dir)
    sys.path.insert(0, repo_or_dir)
    try:
        return _load_entry(hub_module, model)(*args, **kwargs)
    finally:
        sys.path.remove(repo_or_dir)


def list(github, force_reload=False, skip_validation=False, trust_repo=None, verbose=True):  # noqa: A001
    raise _github_error()


def help(github, model, force_reload=False, skip_validation=False, trust_repo=None):  # noqa: A001
    raise _github_error()
