"""INI files from Python: run one with infomin-run, read its records."""
import json
import os
import shutil
import subprocess
import tempfile

try:
    from . import _install
except ImportError:
    _install = None


def _infomin_run():
    """The infomin-run beside this package: $INFOMIN_RUN, the installed
    bindir, then PATH."""
    env = os.environ.get("INFOMIN_RUN")
    if env:
        return env
    if _install is not None and os.access(os.path.join(_install.BINDIR, "infomin-run"), os.X_OK):
        return os.path.join(_install.BINDIR, "infomin-run")
    found = shutil.which("infomin-run")
    if found:
        return found
    from . import Error
    raise Error("infomin-run not found: install infomin, or set INFOMIN_RUN to its path")


def _flatten(rec):
    """One row: the run's identity, its configuration as "section.key", its
    metrics (curves stay out: read them from the list form)."""
    row = {k: rec.get(k) for k in ("run", "status", "sweep", "config_hash", "wall_seconds", "error")
           if k in rec}
    for section, keys in rec.get("config", {}).items():
        for key, value in keys.items():
            row["%s.%s" % (section, key)] = value
    row.update(rec.get("metrics", {}))
    return row


def read_results(path, pandas=None):
    """The records of a results file (JSONL): a list of dicts, or, when
    pandas is importable (and pandas is not False), a DataFrame with one
    row per record: run, status, sweep, the configuration as
    "section.key" columns, and every metric."""
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    if pandas is False:
        return records
    try:
        import pandas as pd
    except ImportError:
        if pandas:
            raise
        return records
    return pd.DataFrame([_flatten(r) for r in records])


def run(ini, set=None, output=None, threads=1, jobs=1, seed=None, pandas=False, quiet=True):
    """Run an INI file with infomin-run and return its records (see
    read_results; pandas=True for a DataFrame). set: {"section.key": value}
    overrides (--set); output: the results file (default: a temporary file,
    removed after reading). A failed run raises infomin.Error with what
    infomin-run printed."""
    from . import Error
    cmd = [_infomin_run(), os.fspath(ini), "--threads", str(int(threads)), "--jobs", str(int(jobs))]
    for key, value in (set or {}).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        cmd += ["--set", "%s=%s" % (key, value)]
    if seed is not None:
        cmd += ["--seed", str(int(seed))]
    if quiet:
        cmd.append("-q")
    tmp = None
    if output is None:
        tmp = tempfile.mkdtemp(prefix="infomin-")
        output = os.path.join(tmp, "results.jsonl")
    cmd += ["-o", os.fspath(output)]
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            raise Error("infomin-run %s failed (exit %d):\n%s" % (ini, done.returncode, done.stdout.strip()))
        return read_results(output, pandas=pandas)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
