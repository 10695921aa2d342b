'use strict';
// Timing shared by the peers: warm up, then repetitions of a timed loop long enough to be
// measured with process.hrtime.bigint(); the median of the repetitions is reported.

const path = require('path');

// The node_modules the setup script installs (tools/node), wherever this is run from.
const NODE_MODULES = path.resolve(__dirname, '..', '..', 'tools', 'node', 'node_modules');

function requirePeer(name) {
  return require(path.join(NODE_MODULES, name));
}

// The installed version of a peer (its package.json, read by absolute path).
function peerVersion(name) {
  return require(path.join(NODE_MODULES, name, 'package.json')).version;
}

// Options from the command line: --inputs_dir=DIR --repetitions=N --min_time=SECONDS --filter=RE
function parseArgs(argv) {
  const opts = { inputsDir: '/tmp/allma-bench', repetitions: 3, minTime: 0.5, filter: null };
  for (const arg of argv) {
    const m = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (!m) throw new Error(`unknown argument '${arg}'`);
    if (m[1] === 'inputs_dir') opts.inputsDir = m[2];
    else if (m[1] === 'repetitions') opts.repetitions = Number(m[2]);
    else if (m[1] === 'min_time') opts.minTime = Number(m[2]);
    else if (m[1] === 'filter') opts.filter = new RegExp(m[2]);
    else throw new Error(`unknown option '--${m[1]}'`);
  }
  return opts;
}

// ns per call of fn(): calibrates an iteration count that runs about minTime seconds, then
// runs `repetitions` timed loops of that many calls and returns the medians of wall-clock time
// (process.hrtime.bigint()) and of process CPU time (process.cpuUsage(), which also counts the
// GC's helper threads), and all samples.
function measure(fn, { repetitions, minTime }) {
  let sink = 0;
  let cpuNs = 0;  // CPU time of the last loop (the whole process: user + system)
  const timeLoop = (n) => {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const r = fn();
      if (r !== undefined && r !== null) sink ^= 1;
    }
    const wall = Number(process.hrtime.bigint() - start);
    const used = process.cpuUsage(cpu);
    cpuNs = (used.user + used.system) * 1000;
    return wall;
  };
  // Warm-up (so that V8 has optimised fn), then calibration: double n until a loop takes at
  // least a tenth of minTime.
  const warmUntil = process.hrtime.bigint() + BigInt(Math.round(Math.max(0.25, minTime / 2) * 1e9));
  do timeLoop(1); while (process.hrtime.bigint() < warmUntil);
  let n = 1;
  let elapsed = timeLoop(n);
  while (elapsed < minTime * 1e8 && n < 1e9) {
    n *= 2;
    elapsed = timeLoop(n);
  }
  const iterations = Math.max(2, Math.ceil((n * minTime * 1e9) / Math.max(elapsed, 1)));
  const samples = [];
  const cpuSamples = [];
  for (let r = 0; r < repetitions; r++) {
    samples.push(timeLoop(iterations) / iterations);
    cpuSamples.push(cpuNs / iterations);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ns_per_op: median(samples), cpu_ns_per_op: median(cpuSamples), samples, cpu_samples:
           cpuSamples, iterations, sink };
}

module.exports = { requirePeer, peerVersion, parseArgs, measure };
