#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, the
// packages/files they belong to, and the heaviest inclusive stacks of a function named on the command
// line. Used to find the slow part before saying why a target is missed (docs/PERFORMANCE.md).
//
//   node bench/tools/profileSummary.mjs FILE.cpuprofile [--top 25] [--inclusive NAME] [--bundle FILE.js]
//
// --bundle names a non-minified esbuild bundle that appears in the profile: its samples are then
// attributed to the source module each line came from (esbuild writes `// path` before each module).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, inclusive: { type: 'string', multiple: true }, bundle: { type: 'string' }, callers: { type: 'string', multiple: true } },
});
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const top = Number(values.top);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Sample counts → time: each sample lasts until the next timestamp delta.
const self = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = (deltas[i + 1] ?? 0) / 1000;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
// Line numbers (0-based) where each module of the bundle starts, and its path.
const bundleModules = [];
if (values.bundle) {
  const lines = readFileSync(values.bundle, 'utf8').split('\n');
  lines.forEach((line, i) => {
    // esbuild names each module relative to where it ran (`../../src/x.ts` from a staging folder).
    const m = /^\/\/ (?:\.\.\/)*((?:src|node_modules|schemas|test|bench)\/\S+)$/.exec(line);
    if (m) bundleModules.push([i, m[1]]);
  });
}
const bundleModule = (line) => {
  let lo = 0;
  let hi = bundleModules.length - 1;
  let found = '(bundle runtime)';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (bundleModules[mid][0] <= line) {
      found = bundleModules[mid][1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
};
const where = (cf) => {
  let url = cf.url || '(native)';
  if (values.bundle && url.endsWith(values.bundle.replace(/^.*\//, '/'))) url = bundleModule(cf.lineNumber);
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return m ? m[1] : url.replace(/^file:\/\//, '').replace(/^.*\/(src|bench|test)\//, '$1/');
};
const fnKey = (cf) => `${cf.functionName || '(anonymous)'} ${where(cf)}:${cf.lineNumber + 1}`;
const selfByFn = new Map();
const selfByWhere = new Map();
for (const [id, ms] of self) {
  const cf = byId.get(id).callFrame;
  selfByFn.set(fnKey(cf), (selfByFn.get(fnKey(cf)) ?? 0) + ms);
  selfByWhere.set(where(cf), (selfByWhere.get(where(cf)) ?? 0) + ms);
}
const pct = (ms) => `${((100 * ms) / total).toFixed(1).padStart(5)} %`;
console.log(`total sampled ${total.toFixed(0)} ms`);
console.log('\nself time by function:');
for (const [k, ms] of [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(ms)}  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
console.log('\nself time by package / file:');
for (const [k, ms] of [...selfByWhere].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(ms)}  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
// Inclusive time per package / file: a sample counts once for each package on its stack.
const inclusiveByWhere = new Map();
for (const [id, ms] of self) {
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) seen.add(where(byId.get(n).callFrame));
  for (const w of seen) inclusiveByWhere.set(w, (inclusiveByWhere.get(w) ?? 0) + ms);
}
console.log('\ninclusive time by package / file (callees included):');
for (const [k, ms] of [...inclusiveByWhere]
  .filter(([k]) => !k.startsWith('node:') && k !== '(native)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  console.log(`  ${pct(ms)}  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
// Where the time of a function comes from: its callers' chains, heaviest first.
for (const name of values.callers ?? []) {
  const chains = new Map();
  for (const [id, ms] of self) {
    let n = id;
    while (n !== undefined && byId.get(n).callFrame.functionName !== name) n = parent.get(n);
    if (n === undefined) continue;
    const chain = [];
    for (let p = parent.get(n); p !== undefined && chain.length < 8; p = parent.get(p)) chain.push(fnKey(byId.get(p).callFrame));
    const key = chain.join(' <- ');
    chains.set(key, (chains.get(key) ?? 0) + ms);
  }
  console.log(`\ncallers of ${name}:`);
  for (const [k, ms] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
}
// Inclusive time of functions by name: a sample counts once for a name however deep its recursion.
for (const name of values.inclusive ?? []) {
  let ms = 0;
  for (const [id, t] of self) {
    for (let n = id; n !== undefined; n = parent.get(n)) {
      if (byId.get(n).callFrame.functionName === name) {
        ms += t;
        break;
      }
    }
  }
  console.log(`\ninclusive ${name}: ${ms.toFixed(0)} ms (${pct(ms).trim()})`);
}
