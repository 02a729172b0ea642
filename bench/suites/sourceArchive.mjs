// sourcedir.tar.gz of a 10,000-file tree: listSourceArchive + packSourceArchive (ours, into a file)
// against GNU `tar czf` of the same tree into a file on the same disk.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fmtBytes, fmtRate, fmtRatio, median, rotate, runJson, timeProcess } from '../lib/harness.mjs';

export const title = 'Source archive (sourcedir.tar.gz)';
export const entries = ['bench/sourceArchive.ts'];

export async function run(ctx) {
  const script = ctx.built['bench/sourceArchive.ts'];
  const files = ctx.quick ? 1_000 : 10_000;
  const pairs = ctx.quick ? 1 : 5;
  const tree = path.join(ctx.tmp, 'source-tree');
  const oursOut = path.join(ctx.tmp, 'sourcedir-ours.tar.gz');
  const tarOut = path.join(ctx.tmp, 'sourcedir-tar.tar.gz');
  try {
    const made = await runJson(process.execPath, [script, 'tree', '--dir', tree, '--files', String(files)], { timeoutMs: 300_000 });
    // One of each first, so both read the tree from the page cache.
    await runJson(process.execPath, [script, 'pack', '--dir', tree, '--out', oursOut]);
    await timeProcess('tar', ['czf', tarOut, '-C', tree, '.']);
    const packWith = (variant) => () => runJson(process.execPath, [script, 'pack', '--dir', tree, '--out', oursOut, '--variant', variant], { timeoutMs: 300_000 });
    const contenders = [packWith('product'), () => timeProcess('tar', ['czf', tarOut, '-C', tree, '.'], { timeoutMs: 300_000 })];
    // What-ifs for the recommendation (full mode): the same listing, packed two other ways.
    if (!ctx.quick) contenders.push(packWith('asyncGzip'), packWith('direct'), packWith('worker'));
    const [ours, tar, asyncGzip, direct, worker] = await rotate(pairs, contenders);
    const runs = { a: ours, b: tar };
    const oursMs = median(runs.a.map((r) => r.ms));
    const tarMs = median(runs.b.map((r) => r.ms));
    const rows = [{
      measure: `${files.toLocaleString('en-US')} files, ${fmtBytes(made.bytes)}: throughput`,
      ours: fmtRate(made.bytes / (oursMs / 1000)),
      baseline: `${fmtRate(made.bytes / (tarMs / 1000))} tar czf`,
      ratio: fmtRatio(tarMs / oursMs),
      target: '≥ 0.8×',
      met: tarMs / oursMs >= 0.8,
    }];
    for (const [label, variant] of [['what-if: node-tar Pack with gzip on the thread pool, 8 files in flight', asyncGzip], ['what-if: ordered ustar writer, readFile 8 ahead, gzip on the thread pool', direct], ['what-if: list and read synchronously in a worker thread, gzip on the thread pool', worker]]) {
      if (!variant) continue;
      const ms = median(variant.map((r) => r.ms));
      rows.push({ measure: label, ours: fmtRate(made.bytes / (ms / 1000)), baseline: `${fmtRate(made.bytes / (tarMs / 1000))} tar czf`, ratio: fmtRatio(tarMs / ms), target: '', met: null });
    }
    const notes = [
      `ours ${runs.a.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s (listing ${(median(runs.a.map((r) => r.listMs)) / 1000).toFixed(2)} s of it; peak RSS ${fmtBytes(Math.max(...runs.a.map((r) => r.peakRssBytes)))}); tar czf ${runs.b.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s. Archives: ours ${fmtBytes(runs.a[0].archiveBytes)}, gzip level 6 both.`,
    ];
    return { rows, notes, details: { tree: made, ours: runs.a, baseline: runs.b.map(({ stdout, stderr, ...r }) => r), whatIf: { asyncGzip, direct, worker } } };
  } finally {
    rmSync(tree, { recursive: true, force: true });
    rmSync(oursOut, { force: true });
    rmSync(tarOut, { force: true });
  }
}
