// Differential oracle for allma's template engine: npm handlebars 4.7.9 configured as Allma's
// reference configures it (isolated instance, noEscape, non-strict), with the custom helpers of
// reference §7.2 written from that table. Reads one JSON object per line on stdin,
// {"template": "...", "context": {...}}, and writes one JSON line per input:
// {"ok": true, "output": "..."} or {"ok": false, "error": "..."}.
// Usage: node hbs_oracle.js <node_modules dir>
'use strict';

const path = require('path');
const readline = require('readline');

const modules = process.argv[2];
const Handlebars = require(path.join(modules, 'handlebars'));
const { JSONPath } = require(path.join(modules, 'jsonpath-plus'));

// Output of {{log}} must not reach stdout, which carries the protocol.
for (const m of ['log', 'info', 'debug', 'warn']) console[m] = (...a) => console.error(...a);

const hbs = Handlebars.create();

// Helper arguments without Handlebars' trailing options object; missing ones are undefined.
function args(list) { return Array.prototype.slice.call(list, 0, list.length - 1); }

hbs.registerHelper('json', function () {
  const [v] = args(arguments);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
});
hbs.registerHelper('slice', function () {
  const [arr, start, end] = args(arguments);
  if (!Array.isArray(arr)) return [];
  return arr.slice(start, end);
});
hbs.registerHelper('eq', function () { const [a, b] = args(arguments); return a === b; });
hbs.registerHelper('neq', function () { const [a, b] = args(arguments); return a !== b; });
hbs.registerHelper('gt', function () { const [a, b] = args(arguments); return a > b; });
hbs.registerHelper('lt', function () { const [a, b] = args(arguments); return a < b; });
hbs.registerHelper('default', function () {
  const [v, d] = args(arguments);
  return v === null || v === undefined ? d : v;
});
hbs.registerHelper('base64', function () {
  const [s] = args(arguments);
  if (s === null || s === undefined) return '';
  return Buffer.from(String(s), 'utf8').toString('base64');
});
hbs.registerHelper('with_json_path', function (p, options) {
  const result = JSONPath({ path: p, json: this, wrap: true });
  return options.fn(this, { data: options.data, blockParams: [result] });
});

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let reply;
  try {
    const { template, context } = JSON.parse(line);
    const output = hbs.compile(template, { noEscape: true })(context);
    reply = { ok: true, output: String(output) };
  } catch (e) {
    reply = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
