// Oracle for jsonpath_differential_test: reads one {"path","json"} object per stdin line and
// answers one line per case: {"ok":true,"result":[...]} (JSONPath with wrap: true) or
// {"ok":false,"error":"..."}. argv[2] is the jsonpath-plus package directory.
'use strict';
const readline = require('readline');
const { JSONPath } = require(process.argv[2]);

const rl = readline.createInterface({ input: process.stdin, terminal: false });
const out = [];
rl.on('line', (line) => {
  if (!line.trim()) return;
  const c = JSON.parse(line);
  try {
    const result = JSONPath({ path: c.path, json: c.json, wrap: true });
    out.push(JSON.stringify({ ok: true, result }));
  } catch (e) {
    out.push(JSON.stringify({ ok: false, error: String(e.message) }));
  }
});
rl.on('close', () => process.stdout.write(out.join('\n') + '\n'));
