// model.tar.gz from the S3 emulator (moto) to an extracted folder: GetObject → extractTarGz (ours)
// against `curl -s URL | tar xz` from the same emulator. Each archive is generated once, streamed
// into moto (it never touches our disk), then extracted alternately by both; every extraction is
// deleted before the next one.
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { alternate, fmtBytes, fmtRate, fmtRatio, median, MiB, runJson, timeProcess } from '../lib/harness.mjs';

export const title = 'Model archive download + extract';
export const entries = ['bench/modelArchive.ts', 'test/emulators/moto/motoServer.ts'];

export async function run(ctx) {
  const { startMoto, motoInstallProblem } = createRequire(import.meta.url)(ctx.built['test/emulators/moto/motoServer.ts']);
  const problem = motoInstallProblem();
  if (problem) throw new Error(problem);
  const script = ctx.built['bench/modelArchive.ts'];
  const sizes = ctx.quick ? [16 * MiB] : [256 * MiB, 1024 * MiB, 2048 * MiB];
  const pairs = ctx.quick ? 1 : 3;
  const moto = await startMoto({ maxLifetimeSeconds: 3600 });
  const rows = [];
  const notes = [];
  const details = { sizes: [] };
  try {
    for (const size of sizes) {
      const key = `bench/model-${size}.tar.gz`;
      const gen = await runJson(process.execPath, [script, 'generate', '--endpoint', moto.endpoint, '--bucket', 'bench-models', '--key', key, '--size', String(size)], {
        timeoutMs: 900_000,
      });
      // Signed like any request to a real bucket (moto refuses anonymous GETs of these objects).
      const url = `${moto.endpoint}/bench-models/${key}`;
      const curl = `curl -sf --aws-sigv4 'aws:amz:us-east-1:s3' --user test:test '${url}'`;
      const ours = path.join(ctx.tmp, 'extract-ours');
      const base = path.join(ctx.tmp, 'extract-tar');
      const cleanup = () => {
        rmSync(ours, { recursive: true, force: true });
        rmSync(base, { recursive: true, force: true });
      };
      cleanup();
      // What the emulator can serve at all: the ceiling for both.
      const ceiling = await timeProcess('sh', ['-c', `${curl} > /dev/null`], { timeoutMs: 600_000 });
      const runs = await alternate(
        pairs,
        async () => {
          const r = await runJson(process.execPath, [script, 'extract', '--endpoint', moto.endpoint, '--bucket', 'bench-models', '--key', key, '--dir', ours], {
            timeoutMs: 900_000,
          });
          cleanup();
          return r;
        },
        async () => {
          mkdirSync(base, { recursive: true });
          const r = await timeProcess('sh', ['-c', `set -e; ${curl} | tar xzf - -C '${base}'`], { timeoutMs: 900_000 });
          cleanup();
          return r;
        },
      );
      const oursMs = median(runs.a.map((r) => r.ms));
      const oursWallMs = median(runs.a.map((r) => r.wallMs));
      const tarMs = median(runs.b.map((r) => r.ms));
      const oursRss = Math.max(...runs.a.map((r) => r.peakRssBytes));
      const tarRss = Math.max(...runs.b.map((r) => r.peakRssBytes));
      const label = fmtBytes(gen.compressedBytes);
      rows.push({
        measure: `${label} archive (${fmtBytes(gen.uncompressedBytes)} out): throughput`,
        ours: fmtRate(gen.compressedBytes / (oursMs / 1000)),
        baseline: `${fmtRate(gen.compressedBytes / (tarMs / 1000))} curl|tar`,
        ratio: fmtRatio(tarMs / oursMs),
        target: '≥ 0.9×',
        met: tarMs / oursMs >= 0.9,
      });
      rows.push({
        measure: `${label} archive: peak RSS`,
        ours: fmtBytes(oursRss),
        baseline: `${fmtBytes(tarRss)} tar/curl`,
        ratio: '',
        target: '≤ 150 MB, flat',
        met: oursRss <= 150 * 1e6,
      });
      notes.push(
        `${label}: ours ${runs.a.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s (whole process incl. node start and SDK load: ${(oursWallMs / 1000).toFixed(2)} s median); curl|tar ${runs.b.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s; the emulator alone serves it (curl > /dev/null) at ${fmtRate(gen.compressedBytes / (ceiling.ms / 1000))}.`,
      );
      details.sizes.push({ size, generated: gen, ceilingMs: ceiling.ms, ours: runs.a, baseline: runs.b.map(({ stdout, stderr, ...r }) => r) });
    }
    const rss = details.sizes.map((s) => Math.max(...s.ours.map((r) => r.peakRssBytes)));
    if (rss.length > 1) {
      const flat = Math.max(...rss) / Math.min(...rss);
      rows.push({ measure: 'peak RSS, largest vs smallest archive', ours: `${flat.toFixed(2)}×`, baseline: '', ratio: '', target: 'flat (≤ 1.25×)', met: flat <= 1.25 });
    }
  } finally {
    await moto.stop();
    rmSync(path.join(ctx.tmp, 'extract-ours'), { recursive: true, force: true });
    rmSync(path.join(ctx.tmp, 'extract-tar'), { recursive: true, force: true });
  }
  return { rows, notes, details };
}
