// Preload for the desk under test (BENCH_DESK_NODE_ARGS='-r ./bench/memory-trace.js'): prints a
// MEM line to its log each time RSS passes a new high by 2 MB, with the V8 heap and the Buffer
// memory (arrayBuffers) at that moment, so a peak can be put next to the log line of its stage.
const MB = 1024 * 1024;
let high = 0;
setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss < high + 2 * MB) return;
  high = m.rss;
  const mb = (n) => (n / MB).toFixed(1);
  process.stdout.write(
    `MEM t=${Date.now()} rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} arrayBuffers=${mb(m.arrayBuffers)}\n`,
  );
}, 5).unref();
