"""What manifest.json records of the machine (stance._runtime.runtime_report)."""

from __future__ import annotations

from stance import _runtime


def test_environment_is_the_one_the_libraries_loaded_with(monkeypatch):
    """Thread and dispatch variables set after import (a Dask LocalCluster's in-process nanny
    sets OMP/MKL/OPENBLAS_NUM_THREADS=1 for its workers) change nothing in this process, so
    they must not enter the manifest: a Dask run's manifest then differed from a local one."""
    monkeypatch.setattr(_runtime, "ENVIRONMENT_AT_IMPORT", {"MKL_CBWR": "COMPATIBLE"})
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
    report = _runtime.runtime_report()
    assert report["environment"] == {"MKL_CBWR": "COMPATIBLE"}
    monkeypatch.setattr(_runtime, "ENVIRONMENT_AT_IMPORT", {})
    assert "environment" not in _runtime.runtime_report()
    assert report["torch_threads"] >= 1 and report["thread_pools"]
