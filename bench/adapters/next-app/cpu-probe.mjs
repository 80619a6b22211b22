// Loaded into `next start` with `--import`: answers the benchmark's "cpu" message with this process's
// CPU time, as the other benchmark servers do (CPU µs per request is far steadier than req/s).
process.on("message", (message) => {
  if (message === "cpu") process.send?.(process.cpuUsage());
});
