// Hub upload of one large file. Child-process entry points for bench/run.mjs:
//
//   node bench/.build/hubUpload.js emulator [--xet]
//       runs the Hub emulator in its own process (so it never shares an event loop with the client
//       being measured); prints {"url": …} and serves until stdin closes. With --xet its LFS batch
//       answers "xet" to clients that offer it, as the Hub does for Xet-backed repositories
//   node bench/.build/hubUpload.js extract --archive FILE --to DIR
//       Download Model's extraction (the safe extractor with recordHashes, as Download Model runs it for a
//       local job's model.tar.gz and for S3's stream): the folder and its hash record, untimed by the suite
//   node bench/.build/hubUpload.js push --hub URL --folder DIR --repo NS/NAME --via ours|xet|client
//         [--forget-hashes] [--repush]
//       the candidate: after a whoAmI (untimed, as the Model Card panel asks it on open), pushModelFolder (create repo → preupload → batch → LFS PUT → commit; files the
//       folder's hash record lacks hashed in a worker); `--forget-hashes` removes the record first (a
//       folder never hashed); `--repush` pushes the unchanged folder once more, to the same emulator; `--via xet`,
//       pushModelFolder with transfer 'xet' (to an emulator started with --xet); `--via client`, the
//       what-if of the hub client's own path for the same steps (file URLs, its FileBlob, node's fetch:
//       what pushModelFolder did before it had its own blob and upload fetch)
//   node bench/.build/hubUpload.js grant --hub URL --file FILE[,FILE…] --repo NS/NAME
//       for the baseline: creates the repository and asks the LFS batch API for each file's upload URL
//       (sha256 computed here, untimed), so that run.mjs can time `curl -T FILE URL` alone
//
// Each prints one JSON line.

import { createHash } from 'node:crypto';
import { createReadStream, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { createRepo, uploadFilesWithProgress } from '@huggingface/hub';
import { extractTarGzFile } from '../src/artifacts/extractArchive';
import { HASH_RECORD_PATH } from '../src/artifacts/hashRecord';
import { hubWhoAmI } from '../src/hub/hubAccount';
import { listModelFolder, pushModelFolder } from '../src/hub/pushModelFolder';
import type { PushProgress } from '../src/hub/pushModelFolder';
import { EMULATOR_WRITE_TOKEN, startHubEmulator } from '../test/emulators/hub/hubEmulator';
import { peakRssBytes } from './lib/stats';
import { option, runMain } from './lib/benchCli';

export interface PushRun {
  ms: number;
  /** From the first hashing event to the last (sha256 of the file, before any byte is sent). */
  hashMs: number;
  /** From the first LFS upload event to the last. */
  uploadMs: number;
  bytes: number;
  lfs: boolean;
  peakRssBytes: number;
  /** CPU time of this (client) process during the push, user + system. */
  cpuMs: number;
  /** Event-loop delay of the pushing thread (the extension host's, in the editor): p99 and worst. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Files sent through LFS; of them, read and hashed by this push; and sent (the Hub lacked them). */
  lfsFiles: number;
  hashedFiles: number;
  uploadedFiles: number;
  /**
   * The whoAmI made before the timed push, as the Model Card panel makes it when it opens: the first
   * request of this fresh process, so it includes node loading its fetch. A CLI `push` (no panel, no
   * whoAmI) pays this inside its first push request instead.
   */
  firstRequestMs: number;
  /** With --repush: the same folder pushed again, unchanged, to the same Hub. */
  repush?: { ms: number; hashedFiles: number; uploadedFiles: number; loopDelayP99Ms: number };
}

export interface UploadGrant {
  href: string;
  oid: string;
  size: number;
  hashMs: number;
  /** sha256 of the same number of bytes already in memory: the CPU's own cost, no reads. */
  cpuHashMs: number;
}

async function emulator(): Promise<void> {
  const hub = await startHubEmulator({ maxLifetimeMs: 20 * 60_000, xet: process.argv.includes('--xet') });
  process.stdout.write(`${JSON.stringify({ url: hub.url })}\n`);
  // Serve until the parent goes away (stdin closes) or asks us to stop.
  const stop = () => void hub.stop().then(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

async function push(hubUrl: string, folder: string, repo: string, via: string, forgetHashes: boolean, repush: boolean): Promise<PushRun> {
  if (forgetHashes) rmSync(path.join(folder, ...path.posix.dirname(HASH_RECORD_PATH).split('/')), { recursive: true, force: true });
  const marks = { hashStart: 0, hashEnd: 0, uploadStart: 0, uploadEnd: 0 };
  const onProgress = (event: PushProgress) => {
    if (event.kind !== 'file') return;
    const now = performance.now();
    if (event.state === 'hashing') {
      marks.hashStart ||= now;
      marks.hashEnd = now;
    } else {
      marks.uploadStart ||= now;
      marks.uploadEnd = now;
    }
  };
  // The panel asks whose the token is when it opens, before anyone can press Push; so does this.
  const first = performance.now();
  await hubWhoAmI({ accessToken: EMULATOR_WRITE_TOKEN, hubUrl });
  const firstRequestMs = performance.now() - first;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result =
    via === 'client'
      ? await pushThroughClient(hubUrl, folder, repo, onProgress)
      : await pushModelFolder({ folder, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl, transfer: via === 'xet' ? 'xet' : 'lfs', onProgress });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  loop.disable();
  let again: PushRun['repush'];
  if (repush) {
    const loop2 = monitorEventLoopDelay({ resolution: 10 });
    loop2.enable();
    const t = performance.now();
    const second = await pushModelFolder({ folder, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl });
    loop2.disable();
    again = {
      ms: performance.now() - t,
      hashedFiles: second.files.filter((f) => f.hashed).length,
      uploadedFiles: second.files.filter((f) => f.uploaded).length,
      loopDelayP99Ms: loop2.percentile(99) / 1e6,
    };
  }
  return {
    cpuMs: (used.user + used.system) / 1000,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
    ms,
    firstRequestMs,
    hashMs: marks.hashEnd - marks.hashStart,
    uploadMs: marks.uploadEnd - marks.uploadStart,
    bytes: result.files.reduce((n, f) => n + f.size, 0),
    lfs: result.files.every((f) => f.lfs),
    peakRssBytes: peakRssBytes(),
    lfsFiles: result.files.filter((f) => f.lfs).length,
    hashedFiles: result.files.filter((f) => f.hashed).length,
    uploadedFiles: result.files.filter((f) => f.uploaded).length,
    ...(again ? { repush: again } : {}),
  };
}

/**
 * What-if (not product code): the same push through the hub client's own path, as pushModelFolder did
 * before it passed its own blobs and upload fetch: file URLs (the client's FileBlob, 64 KiB reads) and
 * node 20's global fetch for every request.
 */
async function pushThroughClient(
  hubUrl: string,
  folder: string,
  repo: string,
  onProgress: (event: PushProgress) => void,
): Promise<{ files: Array<{ size: number; lfs: boolean; hashed?: boolean; uploaded?: boolean }> }> {
  const listing = await listModelFolder(folder);
  await createRepo({ repo: { type: 'model', name: repo }, accessToken: EMULATOR_WRITE_TOKEN, hubUrl });
  const lfs = new Set<string>();
  const steps = uploadFilesWithProgress({
    repo: { type: 'model', name: repo },
    accessToken: EMULATOR_WRITE_TOKEN,
    hubUrl,
    files: listing.files.map((f) => ({ path: f.path, content: pathToFileURL(f.absolutePath) })),
    useXet: false,
  });
  for (let step = await steps.next(); !step.done; step = await steps.next()) {
    const event = step.value;
    if (event.event !== 'fileProgress' || event.state === 'error') continue;
    if (event.state === 'hashing') lfs.add(event.path);
    onProgress({ kind: 'file', path: event.path, state: event.state, progress: event.progress });
  }
  return { files: listing.files.map((f) => ({ size: f.size, lfs: lfs.has(f.path) })) };
}

async function grant(hubUrl: string, files: string[], repo: string): Promise<UploadGrant | { grants: UploadGrant[] }> {
  await createRepo({ repo: { type: 'model', name: repo }, accessToken: EMULATOR_WRITE_TOKEN, hubUrl });
  const grants: UploadGrant[] = [];
  for (const file of files) {
    const size = statSync(file).size;
    const hashStart = performance.now();
    const hash = createHash('sha256');
    await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), hash);
    const oid = hash.digest('hex');
    const hashMs = performance.now() - hashStart;
    const cpuHashMs = inMemorySha256Ms(size);
    const res = await fetch(`${hubUrl}/${repo}.git/info/lfs/objects/batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${EMULATOR_WRITE_TOKEN}`, Accept: 'application/vnd.git-lfs+json', 'Content-Type': 'application/vnd.git-lfs+json' },
      body: JSON.stringify({ operation: 'upload', transfers: ['basic'], hash_algo: 'sha_256', ref: { name: 'main' }, objects: [{ oid, size }] }),
    });
    if (!res.ok) throw new Error(`LFS batch answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { objects: Array<{ actions?: { upload?: { href: string } } }> };
    const href = body.objects[0]?.actions?.upload?.href;
    if (!href) throw new Error(`LFS batch gave no upload action: ${JSON.stringify(body)}`);
    grants.push({ href, oid, size, hashMs, cpuHashMs });
  }
  return grants.length === 1 ? grants[0]! : { grants };
}

async function extract(archive: string, to: string): Promise<{ ms: number; files: number }> {
  const started = performance.now();
  const result = await extractTarGzFile(archive, to, { overwrite: true, recordHashes: true });
  return { ms: performance.now() - started, files: result.files };
}

/** Time for node's crypto (OpenSSL) to hash `size` bytes held in memory, 64 MiB at a time. */
function inMemorySha256Ms(size: number): number {
  const block = Buffer.alloc(Math.min(size, 64 * 1024 * 1024), 0x5a);
  const hash = createHash('sha256');
  const start = performance.now();
  for (let left = size; left > 0; left -= block.length) hash.update(left >= block.length ? block : block.subarray(0, left));
  hash.digest();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'emulator') return emulator();
  const result =
    command === 'push'
      ? await push(option('hub'), option('folder'), option('repo'), option('via'), process.argv.includes('--forget-hashes'), process.argv.includes('--repush'))
      : command === 'grant'
        ? await grant(option('hub'), option('file').split(','), option('repo'))
        : command === 'extract'
          ? await extract(option('archive'), option('to'))
          : undefined;
  if (!result) throw new Error(`unknown command ${command}; use emulator, extract, push or grant`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) runMain(main);
