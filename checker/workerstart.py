"""A forkserver worker process that does not run the parent's `__main__` script again.

multiprocessing's forkserver sends each new process the parent's "preparation data", and
the child's spawn.prepare() runs the parent's main script again from it (as __mp_main__)
so that functions defined there can be unpickled. checker.isolation's workers run only
functions of checker's modules (and tests' importable modules), so that re-run — gunicorn's
script importing its application, pytest's, the console script — is wasted in every worker:
measured 14–16 ms of CPU a worker under a gunicorn-like script, 3 ms without it.
"""
from __future__ import annotations

import io
import os
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from typing import Any

# what multiprocessing.spawn.prepare() would run the parent's __main__ again from
MAIN_KEYS = ("init_main_from_path", "init_main_from_name")


class _PopenLeavingMain(popen_forkserver.Popen):
    """CPython 3.11's popen_forkserver.Popen._launch, except that the preparation data does
    not name the parent's __main__."""

    _fds: list[int]

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        for key in MAIN_KEYS:
            prep_data.pop(key, None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        # a duplicate of the data pipe's write end: the child's sentinel of this parent
        parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds,  # type: ignore[attr-defined]
                                       (parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class ForkServerWorker(ForkServerProcess):
    """ctx.Process of the forkserver context, started through _PopenLeavingMain."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _PopenLeavingMain(process_obj)
