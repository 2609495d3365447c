"""Hypothesis profiles of the differential fuzzer (tests/fuzz).

ci    the default here: derandomized (the same examples on every run), 300 examples, well under two minutes
      on one core; it runs with the ordinary test suite.
long  50,000 random examples, run by hand:
      python -m pytest tests/fuzz -q -p no:cacheprovider --hypothesis-profile=long
      (``--hypothesis-seed=N`` replays a run; a failure prints the shrunk program).

The profiles must be registered before pytest configures Hypothesis (``--hypothesis-profile`` is applied
then), hence this conftest. pytest imports every conftest.py under the module name ``conftest``, so this one
replaces tests/conftest.py in ``sys.modules`` once loaded: it re-exports that file's helpers so that the
suite's ``from conftest import torch, assert_close, ...`` keeps working everywhere.
"""
import importlib.util as _ilu
import os as _os

from hypothesis import HealthCheck, Phase, settings

_spec = _ilu.spec_from_file_location(
    "_numtorch_tests_conftest", _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))),
                                              "conftest.py"))
_root = _ilu.module_from_spec(_spec)
_spec.loader.exec_module(_root)
globals().update({k: v for k, v in vars(_root).items() if not k.startswith("__")})

# no "explain" phase: it costs more than the whole run and the failure message already prints the program
_COMMON = dict(deadline=None, print_blob=True, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target,
                                                      Phase.shrink],
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much])
settings.register_profile("ci", derandomize=True, max_examples=300, database=None, **_COMMON)
settings.register_profile("long", max_examples=50_000, **_COMMON)


def fuzz_settings():
    """The profile of the fuzz tests: ``--hypothesis-profile`` when given, else ``ci``."""
    name = settings.get_current_profile_name()
    return settings.get_profile("ci" if name == "default" else name)


import pytest as _pytest  # noqa: E402


@_pytest.fixture(autouse=True)
def _clean_global_state():
    """Run each fuzz test from PyTorch's and numtorch's start-up state (default dtype float32, grad mode on),
    whatever an earlier test in the same process left behind, and put the earlier state back afterwards: the
    derandomized ci profile must see the same programs behave the same way in any test order."""
    import numtorch as _nt
    torch = _root.torch
    saved = [(L, L.get_default_dtype(), L.is_grad_enabled()) for L in (torch, _nt)]
    for L in (torch, _nt):
        L.set_default_dtype(L.float32)
        L.set_grad_enabled(True)
    yield
    for L, dt, ge in saved:
        L.set_default_dtype(dt)
        L.set_grad_enabled(ge)
