#!/usr/bin/env node
'use strict';
// The handlebars peer of bench/template_bench.cc: reads the scenarios that
// `allma_template_bench --inputs_dir=DIR` wrote (template source, context, our output), checks
// that handlebars renders the same text, times it, and prints one JSON object:
// {"peer": "handlebars@<version>", "results": [{name, variant, ns_per_op, same_output, ...}]}.
//
// Rendering scenarios compile once with Handlebars.compile(src, {noEscape: true}) and time the
// calls of the compiled function. compile_each_time scenarios time compile + render per call
// (how literals are rendered, a template per call).

const fs = require('fs');
const path = require('path');
const { requirePeer, peerVersion, parseArgs, measure } = require('./common');

const Handlebars = requirePeer('handlebars');
const version = peerVersion('handlebars');

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const input = JSON.parse(fs.readFileSync(path.join(opts.inputsDir, 'template-cases.json')));
  const ctx = input.context;
  const results = [];
  for (const c of input.templates) {
    if (opts.filter && !opts.filter.test(c.name)) continue;
    const compileOpts = { noEscape: true };
    let fn;
    let variant;
    if (c.compile_each_time) {
      variant = 'compile+render';
      fn = () => Handlebars.compile(c.source, compileOpts)(ctx);
    } else {
      variant = 'precompiled';
      const compiled = Handlebars.compile(c.source, compileOpts);
      fn = () => compiled(ctx);
    }
    const output = fn();
    results.push({ name: c.name, variant, same_output: output === c.expected,
                   ...(output === c.expected ? {} : { output, expected: c.expected }),
                   ...measure(fn, opts) });
  }
  for (const r of results) delete r.sink;
  process.stdout.write(JSON.stringify({ peer: `handlebars@${version}`, node: process.version,
                                        results }, null, 1) + '\n');
}

main();
