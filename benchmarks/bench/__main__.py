"""``python -m benchmarks.bench [--rows N] [--json PATH] [--repeat N] [--keep PATH|SCHEMA]``."""

from benchmarks.bench.cli import bench_command

if __name__ == "__main__":
    bench_command(prog_name="python -m benchmarks.bench")
