"""The lecture's demonstration, not the library: ``python -m polyfast``.

This subpackage times polyfast against the lecture notebook's own code and
prints the table of the README.  Nothing in it is part of polyfast's API, and
``import polyfast`` does not import it.

- `polyfast.bench.baselines`: the one transcription of the notebook's code
  and inputs that the command line and ``benchmarks/`` time;
- `polyfast.bench.timing`: the timer, the table formatting and the runner
  (`~polyfast.bench.timing.Engine`, `~polyfast.bench.timing.Case`,
  `~polyfast.bench.timing.run_case`);
- `polyfast.bench.cases`: the calculations ``python -m polyfast`` runs;
- `polyfast.bench.cli`: its options and its output (table, JSON, plot).
"""
