#!/usr/bin/env node
// The benchmarks (issue 8): each measures what a user waits for against the baseline they would
// otherwise use, measured in the same run, alternating the two; figures are medians and ratios.
//
//   npm run bench                      full mode: every size, several runs each; prints a table and
//                                      writes bench/results.json (minutes; a few GB of temp files,
//                                      removed as it goes)
//   node bench/run.mjs --quick         small inputs, one or two runs: only proves every benchmark still
//                                      runs (CI); writes bench/.build/results.quick.json
//   node bench/run.mjs --only validation,logTail     some of them (bench/.build/results.partial.json)
//   node bench/run.mjs --render-doc    rewrites the figures in docs/PERFORMANCE.md from bench/results.json
//
// No figure is a pass/fail: the last line is `bench: N passed, N failed`, where passed means the
// benchmark ran to the end. Whether a target was met is in the table (met / MISSED).
// Needs the moto and code-server set-ups (scripts/setup-moto.sh, scripts/setup-vscode.sh), curl and
// GNU tar.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, buildBenchEntries, buildDir, repoRoot } from './lib/build.mjs';
import { machine } from './lib/harness.mjs';
import * as activation from './suites/activation.mjs';
import * as hubUpload from './suites/hubUpload.mjs';
import * as jobMetrics from './suites/jobMetrics.mjs';
import * as logTail from './suites/logTail.mjs';
import * as modelArchive from './suites/modelArchive.mjs';
import * as sourceArchive from './suites/sourceArchive.mjs';
import * as validation from './suites/validation.mjs';

const SUITES = { validation, activation, modelArchive, sourceArchive, logTail, hubUpload, jobMetrics };

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, 'render-doc': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('node bench/run.mjs [--quick] [--only ' + Object.keys(SUITES).join(',') + '] | --render-doc (docs/PERFORMANCE.md from bench/results.json)');
  process.exit(0);
}
if (values['render-doc']) {
  updatePerformanceDoc(JSON.parse(readFileSync(path.join(benchDir, 'results.json'), 'utf8')));
  process.exit(0);
}
const quick = values.quick === true;
const chosen = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SUITES);
const unknown = chosen.filter((name) => !SUITES[name]);
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-bench-'));
const cleanup = () => rmSync(tmp, { recursive: true, force: true });
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const startedAt = new Date();
const started = performance.now();
console.log(`bench: ${quick ? 'quick' : 'full'} mode, ${chosen.join(', ')}`);
const built = await buildBenchEntries([...new Set(chosen.flatMap((name) => SUITES[name].entries))]);

const results = [];
for (const name of chosen) {
  const suite = SUITES[name];
  const t = performance.now();
  process.stdout.write(`▶ ${suite.title} … `);
  try {
    const r = await suite.run({ quick, tmp, built, resultsDir: buildDir });
    const seconds = (performance.now() - t) / 1000;
    console.log(`done in ${seconds.toFixed(0)} s`);
    results.push({ name, title: suite.title, ok: true, seconds, ...r });
  } catch (err) {
    const seconds = (performance.now() - t) / 1000;
    console.log(`FAILED after ${seconds.toFixed(0)} s`);
    console.error(
      `  ${String(err?.stack ?? err)
        .split('\n')
        .join('\n  ')}`,
    );
    results.push({ name, title: suite.title, ok: false, seconds, error: String(err?.message ?? err), rows: [], notes: [] });
  }
}

printTable(results);
const report = {
  generatedAt: startedAt.toISOString(),
  mode: quick ? 'quick' : 'full',
  command: quick ? 'node bench/run.mjs --quick' : 'npm run bench',
  machine: machine(),
  totalSeconds: Math.round((performance.now() - started) / 1000),
  benchmarks: results,
};
const out = quick || values.only ? path.join(buildDir, quick ? 'results.quick.json' : 'results.partial.json') : path.join(benchDir, 'results.json');
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
if (!quick && !values.only) updatePerformanceDoc(report);
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`\nresults: ${path.relative(process.cwd(), out)} (${report.totalSeconds} s)`);
console.log(`bench: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;

/**
 * A full run rewrites the figures between the markers in docs/PERFORMANCE.md; the analysis around
 * them is written by hand.
 */
function updatePerformanceDoc(report) {
  const doc = path.join(repoRoot, 'docs', 'PERFORMANCE.md');
  const start = '<!-- bench:figures:start -->';
  const end = '<!-- bench:figures:end -->';
  if (!existsSync(doc)) return;
  const text = readFileSync(doc, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  const cell = (c) => String(c ?? '').replace(/\|/g, '\\|');
  const m = report.machine;
  const lines = [
    start,
    `Run of ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC, \`${report.command}\`, ${report.totalSeconds} s. Machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGiB} GiB, node ${m.node}, ${m.os}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    '',
    '| benchmark | measure | ours | baseline | ratio | target | |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of report.benchmarks) {
    if (!r.ok) {
      lines.push(`| ${cell(r.title)} | failed: ${cell(r.error.split('\n')[0])} | | | | | |`);
      continue;
    }
    r.rows.forEach((row, i) =>
      lines.push(
        `| ${i === 0 ? cell(r.title) : ''} | ${cell(row.measure)} | ${cell(row.ours)} | ${cell(row.baseline)} | ${cell(row.ratio)} | ${cell(row.target)} | ${row.met === true ? 'met' : row.met === false ? '**missed**' : ''} |`,
      ),
    );
  }
  lines.push('', 'How each figure was taken (from the same run):', '');
  for (const r of report.benchmarks.filter((x) => x.ok)) for (const n of r.notes) lines.push(`- ${r.title}: ${n}`);
  lines.push(end);
  writeFileSync(doc, text.slice(0, a) + lines.join('\n') + text.slice(b + end.length));
}

function printTable(all) {
  const header = ['benchmark', 'measure', 'ours', 'baseline', 'ratio', 'target', ''];
  const lines = [];
  for (const r of all) {
    if (!r.ok) {
      lines.push([r.title, `FAILED: ${r.error.split('\n')[0].slice(0, 100)}`, '', '', '', '', '']);
      continue;
    }
    r.rows.forEach((row, i) =>
      lines.push([i === 0 ? r.title : '', row.measure, row.ours, row.baseline, row.ratio, row.target, row.met === true ? 'met' : row.met === false ? 'MISSED' : '']),
    );
  }
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...lines.map((l) => String(l[i]).length))));
  const fmt = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(`\n${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines) console.log(fmt(l));
  for (const r of all.filter((x) => x.ok && x.notes.length)) {
    console.log(`\n${r.title}:`);
    for (const n of r.notes) console.log(`  - ${n}`);
  }
}
