#!/usr/bin/env node
'use strict';
// The jsonpath-plus peer of bench/json_bench.cc: reads the documents and scenarios that
// `allma_json_bench --inputs_dir=DIR` wrote, times each path with jsonpath-plus, and prints one
// JSON object: {"peer": "jsonpath-plus@<version>", "results": [{name, variant, ns_per_op,
// matches, samples, iterations}]}.
//
// Two variants per path:
//   oneshot     JSONPath({path, json, wrap: true}) per call (how a caller usually writes it);
//   precompiled one JSONPath instance built once with autostart: false, then
//               instance.evaluate(path, json) per call. jsonpath-plus has no compiled-path
//               object; it caches the parsed path (JSONPath.cache) after the first call, and
//               this variant also saves the constructor's option handling;
//   nowrap      the same with wrap: false (a single match comes back as the value itself,
//               which can save building the result array).
// The fastest of the three is what bench.sh compares with.
// JSON.parse and JSON.stringify of the 100 KB document are timed too, for scale.

const fs = require('fs');
const path = require('path');
const { requirePeer, peerVersion, parseArgs, measure } = require('./common');

const { JSONPath } = requirePeer('jsonpath-plus');
const version = peerVersion('jsonpath-plus');

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cases = JSON.parse(fs.readFileSync(path.join(opts.inputsDir, 'jsonpath-cases.json')));
  const docs = new Map();
  const load = (file) => {
    if (!docs.has(file)) {
      const text = fs.readFileSync(path.join(opts.inputsDir, file), 'utf8');
      docs.set(file, { text, json: JSON.parse(text) });
    }
    return docs.get(file);
  };
  const wanted = (name) => !opts.filter || opts.filter.test(name);
  const results = [];

  for (const c of cases.jsonpath) {
    if (!wanted(c.name)) continue;
    const json = load(c.doc).json;
    const expr = c.path;
    const matches = JSONPath({ path: expr, json, wrap: true }).length;
    const oneshot = measure(() => JSONPath({ path: expr, json, wrap: true }), opts);
    results.push({ name: c.name, variant: 'oneshot', matches, ...oneshot });
    const instance = new JSONPath({ path: expr, json, wrap: true, autostart: false });
    const pre = measure(() => instance.evaluate(expr, json), opts);
    results.push({ name: c.name, variant: 'precompiled', matches, ...pre });
    const bare = new JSONPath({ path: expr, json, wrap: false, autostart: false });
    const nowrap = measure(() => bare.evaluate(expr, json), opts);
    results.push({ name: c.name, variant: 'nowrap', matches, ...nowrap });
  }
  if (wanted(cases.parse.name)) {
    const { text } = load(cases.parse.doc);
    results.push({ name: cases.parse.name, variant: 'JSON.parse',
                   ...measure(() => JSON.parse(text), opts) });
  }
  if (wanted(cases.stringify.name)) {
    const { json } = load(cases.stringify.doc);
    results.push({ name: cases.stringify.name, variant: 'JSON.stringify',
                   ...measure(() => JSON.stringify(json), opts) });
  }
  for (const r of results) delete r.sink;
  process.stdout.write(JSON.stringify({ peer: `jsonpath-plus@${version}`, node: process.version,
                                        results }, null, 1) + '\n');
}

main();
