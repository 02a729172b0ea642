// Hub upload of one large file. Child-process entry points for bench/run.mjs:
//
//   node bench/.build/hubUpload.js emulator
//       runs the Hub emulator in its own process (so it never shares an event loop with the client
//       being measured); prints {"url": …} and serves until stdin closes
//   node bench/.build/hubUpload.js push --hub URL --folder DIR --repo NS/NAME
//       the candidate: pushModelFolder (create repo → preupload → hash → LFS PUT → commit)
//   node bench/.build/hubUpload.js grant --hub URL --file FILE --repo NS/NAME
//       for the baseline: creates the repository and asks the LFS batch API for the file's upload URL
//       (sha256 computed here, untimed), so that run.mjs can time `curl -T FILE URL` alone
//   node bench/.build/hubUpload.js put --href URL --file FILE --via fetch|http
//       what-if for docs/PERFORMANCE.md (not product code): the LFS PUT alone, sent with node's fetch
//       and a file-backed Blob (as the hub client sends it) or with node:http and a file stream
//
// Each prints one JSON line.

import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob, statSync } from 'node:fs';
import * as http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createRepo } from '@huggingface/hub';
import { pushModelFolder } from '../src/hub/pushModelFolder';
import { EMULATOR_WRITE_TOKEN, startHubEmulator } from '../test/emulators/hub/hubEmulator';
import { peakRssBytes } from './lib/stats';

export interface PushRun {
  ms: number;
  /** From the first hashing event to the last (sha256 of the file, before any byte is sent). */
  hashMs: number;
  /** From the first LFS upload event to the last. */
  uploadMs: number;
  bytes: number;
  lfs: boolean;
  peakRssBytes: number;
}

export interface UploadGrant {
  href: string;
  oid: string;
  size: number;
  hashMs: number;
}

function option(name: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? process.argv[at + 1] : undefined;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

async function emulator(): Promise<void> {
  const hub = await startHubEmulator({ maxLifetimeMs: 20 * 60_000 });
  process.stdout.write(`${JSON.stringify({ url: hub.url })}\n`);
  // Serve until the parent goes away (stdin closes) or asks us to stop.
  const stop = () => void hub.stop().then(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

async function push(hubUrl: string, folder: string, repo: string): Promise<PushRun> {
  const marks = { hashStart: 0, hashEnd: 0, uploadStart: 0, uploadEnd: 0 };
  const started = performance.now();
  const result = await pushModelFolder({
    folder,
    repo,
    accessToken: EMULATOR_WRITE_TOKEN,
    hubUrl,
    useXet: false,
    onProgress: (event) => {
      if (event.kind !== 'file') return;
      const now = performance.now();
      if (event.state === 'hashing') {
        marks.hashStart ||= now;
        marks.hashEnd = now;
      } else {
        marks.uploadStart ||= now;
        marks.uploadEnd = now;
      }
    },
  });
  const ms = performance.now() - started;
  return {
    ms,
    hashMs: marks.hashEnd - marks.hashStart,
    uploadMs: marks.uploadEnd - marks.uploadStart,
    bytes: result.files.reduce((n, f) => n + f.size, 0),
    lfs: result.files.every((f) => f.lfs),
    peakRssBytes: peakRssBytes(),
  };
}

async function grant(hubUrl: string, file: string, repo: string): Promise<UploadGrant> {
  await createRepo({ repo: { type: 'model', name: repo }, accessToken: EMULATOR_WRITE_TOKEN, hubUrl });
  const size = statSync(file).size;
  const hashStart = performance.now();
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), hash);
  const oid = hash.digest('hex');
  const hashMs = performance.now() - hashStart;
  const res = await fetch(`${hubUrl}/${repo}.git/info/lfs/objects/batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${EMULATOR_WRITE_TOKEN}`, Accept: 'application/vnd.git-lfs+json', 'Content-Type': 'application/vnd.git-lfs+json' },
    body: JSON.stringify({ operation: 'upload', transfers: ['basic'], hash_algo: 'sha_256', ref: { name: 'main' }, objects: [{ oid, size }] }),
  });
  if (!res.ok) throw new Error(`LFS batch answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { objects: Array<{ actions?: { upload?: { href: string } } }> };
  const href = body.objects[0]?.actions?.upload?.href;
  if (!href) throw new Error(`LFS batch gave no upload action: ${JSON.stringify(body)}`);
  return { href, oid, size, hashMs };
}

export interface PutRun {
  ms: number;
  peakRssBytes: number;
}

async function put(href: string, file: string, via: string): Promise<PutRun> {
  const started = performance.now();
  if (via === 'fetch') {
    const res = await fetch(href, { method: 'PUT', body: await openAsBlob(file) });
    const text = await res.text();
    if (!res.ok) throw new Error(`PUT answered ${res.status}: ${text}`);
  } else {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(href, { method: 'PUT', headers: { 'Content-Length': String(statSync(file).size) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), req).catch(reject);
    });
  }
  return { ms: performance.now() - started, peakRssBytes: peakRssBytes() };
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'emulator') return emulator();
  const result =
    command === 'push' ? await push(option('hub'), option('folder'), option('repo'))
    : command === 'grant' ? await grant(option('hub'), option('file'), option('repo'))
    : command === 'put' ? await put(option('href'), option('file'), option('via'))
    : undefined;
  if (!result) throw new Error(`unknown command ${command}; use emulator, push, grant or put`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
