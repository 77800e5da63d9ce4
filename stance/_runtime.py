"""Process-wide settings that make a run's numbers the same on any x86-64 CPU, set in one place.

``import stance`` runs :func:`apply` before anything else in the package, so the CLI, the Python
API and the notebooks get the same settings, and they are in place before numba, UMAP or
pynndescent load (they compile their kernels when they load or first run):

* ``NUMBA_CPU_NAME=generic``: numba (UMAP, pynndescent) compiles for a generic x86-64 CPU
  instead of the host's (``benchmarks/portability.py`` measured a different UMAP layout when
  numba targets another CPU). An explicit ``NUMBA_CPU_NAME`` is respected and recorded.

Settings that are read once when a library loads can only be set while it is not loaded yet;
:func:`runtime_report` says what is in effect (the manifest records it), and :func:`apply`
warns when numba already compiled for the host before ``stance`` was imported.

``STANCE_NO_RUNTIME_DEFAULTS=1`` leaves every setting alone (``benchmarks/portability.py`` uses it
to measure the libraries' own behaviour).

Examples
--------
>>> import stance._runtime as rt
>>> rt.runtime_report()["numba_cpu_name"]  # doctest: +SKIP
'generic'
"""

from __future__ import annotations

import os
import platform
import sys
import warnings
from typing import Any

#: numba's target CPU for portable machine code
NUMBA_CPU = "generic"

_APPLIED: dict[str, Any] = {}


def apply() -> dict[str, Any]:
    """Set the portable defaults (once per process); returns what was set."""
    if _APPLIED or os.environ.get("STANCE_NO_RUNTIME_DEFAULTS"):
        return _APPLIED
    if "NUMBA_CPU_NAME" not in os.environ:
        os.environ["NUMBA_CPU_NAME"] = NUMBA_CPU
        if "NUMBA_CPU_FEATURES" not in os.environ:
            os.environ["NUMBA_CPU_FEATURES"] = ""
        numba = sys.modules.get("numba.core.config")
        if numba is not None:           # numba loaded, but maybe nothing compiled yet
            numba.CPU_NAME = NUMBA_CPU
            numba.CPU_FEATURES = ""
        loaded = sorted(m for m in ("umap", "pynndescent") if m in sys.modules)
        if loaded:
            warnings.warn(f"{', '.join(loaded)} was imported before stance: its numba kernels "
                          "may be compiled for this CPU, so UMAP results may differ on other "
                          "CPUs. Import stance first.", RuntimeWarning, stacklevel=3)
    _APPLIED["numba_cpu_name"] = os.environ.get("NUMBA_CPU_NAME")
    return _APPLIED


def cpu_flags() -> list[str]:
    """The instruction-set extensions of this CPU that the numeric libraries dispatch on."""
    wanted = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
              "avx512_bf16", "amx_tile")
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    return [f for f in wanted if f in have]
    except OSError:
        pass
    return []


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), else ``platform.processor()``."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


DISPATCH_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_CBWR",
                      "ATEN_CPU_CAPABILITY", "OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")
# The dispatch and thread variables as they were when stance was imported: the libraries read
# them when they load, so a later change (a Dask LocalCluster's in-process nanny sets the
# thread counts to 1 for the workers it spawns) does not change this process's bits and is
# not what the manifest should record.
ENVIRONMENT_AT_IMPORT = {var: os.environ[var] for var in DISPATCH_VARIABLES
                         if os.environ.get(var)}


def runtime_report() -> dict[str, Any]:
    """What decides the bits of a run on this machine: CPU, dispatch levels and thread counts.

    Recorded in ``manifest.json`` under ``runtime`` so that ``stance verify --rerun`` can say
    why two machines differ. Loads torch and threadpoolctl (both already loaded after a run).
    """
    import torch
    from threadpoolctl import threadpool_info

    out: dict[str, Any] = {
        "machine": platform.machine(),
        "cpu": cpu_model(),
        "cpu_flags": cpu_flags(),
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "torch_threads": torch.get_num_threads(),
        "numba_cpu_name": os.environ.get("NUMBA_CPU_NAME") or "host",
    }
    pools = []
    for info in threadpool_info():
        pools.append({k: info.get(k) for k in ("internal_api", "num_threads", "architecture",
                                                "version") if info.get(k) is not None})
    out["thread_pools"] = sorted(pools, key=lambda p: (p.get("internal_api", ""),
                                                       str(p.get("version"))))
    if ENVIRONMENT_AT_IMPORT:
        out["environment"] = dict(ENVIRONMENT_AT_IMPORT)
    return out
