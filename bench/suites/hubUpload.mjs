// One large file to the Hub emulator: pushModelFolder (ours) against `curl -T` of the same file to
// an LFS upload URL of the same emulator. A fresh emulator process for every run: it keeps uploaded
// objects and would otherwise skip a second upload of the same file.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fmtBytes, fmtMs, fmtRate, fmtRatio, median, MiB, rotate, runJson, timeProcess } from '../lib/harness.mjs';

export const title = 'Hub upload';
export const entries = ['bench/hubUpload.ts'];

async function startEmulator(script) {
  const child = spawn(process.execPath, [script, 'emulator'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the Hub emulator exited early (${code})`)));
  });
  const { url } = JSON.parse(line);
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end();
    }),
  };
}

export async function run(ctx) {
  const script = ctx.built['bench/hubUpload.ts'];
  const size = ctx.quick ? 32 * MiB : 1024 * MiB;
  const pairs = ctx.quick ? 1 : 3;
  const folder = path.join(ctx.tmp, 'hub-model');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'model.safetensors');
  try {
    await timeProcess('sh', ['-c', `head -c ${size} /dev/urandom > '${file}'`]);
    let n = 0;
    /** A fresh emulator and an upload URL for the file; `send` gets the URL. */
    const granted = async (send) => {
      const hub = await startEmulator(script);
      try {
        const grant = await runJson(process.execPath, [script, 'grant', '--hub', hub.url, '--file', file, '--repo', `alice/bench-${n++}`], { timeoutMs: 600_000 });
        return { ...(await send(grant.href)), hashMs: grant.hashMs };
      } finally {
        await hub.stop();
      }
    };
    const contenders = [
      async () => {
        const hub = await startEmulator(script);
        try {
          return await runJson(process.execPath, [script, 'push', '--hub', hub.url, '--folder', folder, '--repo', `alice/bench-${n++}`], { timeoutMs: 600_000 });
        } finally {
          await hub.stop();
        }
      },
      () => granted((href) => timeProcess('curl', ['-sSf', '-T', file, href, '-o', '/dev/null'], { timeoutMs: 600_000 })),
    ];
    // What-ifs for the recommendation (full mode): the LFS PUT alone, through node's fetch with a
    // file-backed Blob (as the hub client sends it) and through node:http with a file stream.
    if (!ctx.quick) {
      for (const via of ['fetch', 'http']) contenders.push(() => granted((href) => runJson(process.execPath, [script, 'put', '--href', href, '--file', file, '--via', via], { timeoutMs: 600_000 })));
    }
    const [ours, curl, viaFetch, viaHttp] = await rotate(pairs, contenders);
    const runs = { a: ours, b: curl };
    const oursMs = median(runs.a.map((r) => r.ms));
    const curlMs = median(runs.b.map((r) => r.ms));
    const rows = [
      {
        measure: `${fmtBytes(size)} file: throughput`,
        ours: fmtRate(size / (oursMs / 1000)),
        baseline: `${fmtRate(size / (curlMs / 1000))} curl -T`,
        ratio: fmtRatio(curlMs / oursMs),
        target: '≥ 0.8×',
        met: curlMs / oursMs >= 0.8,
      },
      {
        // What an LFS client must do at the least: hash the file for its oid, then send it.
        measure: `${fmtBytes(size)} file: against sha256 + curl -T`,
        ours: fmtRate(size / (oursMs / 1000)),
        baseline: `${fmtRate(size / ((curlMs + median(runs.b.map((r) => r.hashMs))) / 1000))} hash + curl`,
        ratio: fmtRatio((curlMs + median(runs.b.map((r) => r.hashMs))) / oursMs),
        target: '',
        met: null,
      },
      {
        measure: `${fmtBytes(size)} file: peak RSS`,
        ours: fmtBytes(Math.max(...runs.a.map((r) => r.peakRssBytes))),
        baseline: `${fmtBytes(Math.max(...runs.b.map((r) => r.peakRssBytes)))} curl`,
        ratio: '',
        target: '',
        met: null,
      },
    ];
    for (const [label, variant] of [['what-if: the LFS PUT alone via node fetch + file Blob', viaFetch], ['what-if: the LFS PUT alone via node:http + file stream', viaHttp]]) {
      if (!variant) continue;
      const ms = median(variant.map((r) => r.ms));
      rows.push({ measure: label, ours: `${fmtRate(size / (ms / 1000))}, peak RSS ${fmtBytes(Math.max(...variant.map((r) => r.peakRssBytes)))}`, baseline: `${fmtRate(size / (curlMs / 1000))} curl -T`, ratio: fmtRatio(curlMs / ms), target: '', met: null });
    }
    const notes = [
      `ours ${runs.a.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s, of which hashing (sha256, before any byte is sent) ${fmtMs(median(runs.a.map((r) => r.hashMs)))} and the LFS PUT ${fmtMs(median(runs.a.map((r) => r.uploadMs)))}; curl -T ${runs.b.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s (the grant step hashed the file untimed in ${fmtMs(median(runs.b.map((r) => r.hashMs)))} with node's crypto). The emulator hashes and stores what it receives in both cases.`,
    ];
    return { rows, notes, details: { size, ours: runs.a, baseline: runs.b.map(({ stdout, stderr, ...r }) => r), whatIf: { viaFetch, viaHttp } } };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
