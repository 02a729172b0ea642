// sourcedir.tar.gz of a large source tree. Child-process entry points for bench/run.mjs:
//
//   node bench/.build/sourceArchive.js tree --dir DIR --files N     writes a source tree of N files
//   node bench/.build/sourceArchive.js pack --dir DIR --out FILE     the candidate: listSourceArchive +
//                                                                   packSourceArchive into FILE
//   … pack --variant asyncGzip | direct | worker                     what-ifs for the recommendation in
//                                                                   docs/PERFORMANCE.md (not product code)
//
// Each prints one JSON line. The baseline (GNU `tar czf FILE -C DIR .`) is run by run.mjs itself.

import { createWriteStream, mkdirSync, promises as fs, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { Pack } from 'tar';
import { listSourceArchive, packSourceArchive, SOURCE_ARCHIVE_MTIME } from '../src/aws/staging/sourceArchive';
import type { ArchiveEntry } from '../src/aws/staging/sourceArchive';
import { peakRssBytes } from './lib/stats';

export interface SourceTree {
  files: number;
  bytes: number;
}

export interface PackRun {
  /** Listing and packing, to the last byte written. */
  ms: number;
  listMs: number;
  files: number;
  inputBytes: number;
  archiveBytes: number;
  peakRssBytes: number;
}

const LINES = [
  'import torch',
  'from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, Seq2SeqTrainer',
  'def compute_metrics(eval_preds):',
  '    predictions, labels = eval_preds',
  '    decoded = tokenizer.batch_decode(predictions, skip_special_tokens=True)',
  '    return {"rouge1": scores["rouge1"].mid.fmeasure * 100}',
  'class DataCollator:',
  '    """Pads inputs and labels to the longest sequence in the batch."""',
  '    def __call__(self, features):',
  '        return self.tokenizer.pad(features, padding="longest", return_tensors="pt")',
  'logger.info("***** Running training *****")',
  'if __name__ == "__main__":',
];

/**
 * A source_dir of `files` files the shape of a vendored training repository: Python modules of
 * 1–24 KB in packages nested up to four deep, plus configs and a few fixtures of 64–256 KB.
 */
function writeTree(dir: string, files: number): SourceTree {
  let bytes = 0;
  let x = 12345;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  for (let i = 0; i < files; i++) {
    const depth = i % 4;
    const parts = [`pkg_${i % 23}`];
    if (depth > 0) parts.push(`sub_${i % 7}`);
    if (depth > 1) parts.push(`mod_${i % 5}`);
    if (depth > 2) parts.push(`impl_${i % 3}`);
    const folder = path.join(dir, ...parts);
    mkdirSync(folder, { recursive: true });
    let size: number;
    let name: string;
    if (i % 500 === 0) {
      size = 65536 + (next() % 196608);
      name = `fixture_${i}.jsonl`;
    } else if (i % 10 === 0) {
      size = 512 + (next() % 2048);
      name = `config_${i}.yaml`;
    } else {
      size = 1024 + (next() % 23552);
      name = `module_${i}.py`;
    }
    const lines: string[] = [];
    let length = 0;
    while (length < size) {
      const line = `${LINES[next() % LINES.length]}  # ${next().toString(36)}`;
      lines.push(line);
      length += line.length + 1;
    }
    const text = `${lines.join('\n')}\n`;
    writeFileSync(path.join(folder, name), text);
    bytes += Buffer.byteLength(text);
  }
  return { files, bytes };
}

/**
 * What-if 1: packSourceArchive's own Pack, but gzip moved off the main thread (node-tar compresses
 * synchronously in-line; zlib.createGzip runs on the thread pool, beside the file reads) and eight
 * files in flight instead of one, naming entries by path instead of by position.
 */
function packAsyncGzip(entries: readonly ArchiveEntry[]): Readable {
  const root = path.parse(entries[0]?.absolutePath ?? process.cwd()).root;
  const names = new Map<string, ArchiveEntry[]>();
  for (const e of entries) names.set(e.absolutePath, [...(names.get(e.absolutePath) ?? []), e]);
  const pack = new Pack({
    gzip: false,
    portable: true,
    follow: true,
    noDirRecurse: true,
    mtime: SOURCE_ARCHIVE_MTIME,
    cwd: root,
    jobs: 8,
    linkCache: new (class extends Map<`${number}:${number}`, string> {
      override set(): this {
        return this;
      }
    })(),
    onWriteEntry: (entry) => {
      const e = names.get(entry.absolute)!.shift()!;
      entry.path = e.kind === 'directory' ? `${e.name}/` : e.name;
      entry.noMtime = false;
    },
  });
  for (const e of entries) pack.add(path.relative(root, e.absolutePath));
  pack.end();
  return pack.pipe(zlib.createGzip({ chunkSize: 64 * 1024 }));
}

function ustarHeader(name: string, size: number, directory: boolean): Buffer {
  const h = Buffer.alloc(512);
  let prefix = '';
  let rest = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    rest = name.slice(cut + 1);
  }
  h.write(rest, 0);
  h.write(directory ? '0000755\0' : '0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(`${Math.floor(SOURCE_ARCHIVE_MTIME.getTime() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  h.write('        ', 148);
  h.write(directory ? '5' : '0', 156);
  h.write('ustar\u000000', 257);
  h.write(prefix, 345);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/**
 * What-if 2: the least node can do — the listing's entries written in order as ustar records, eight
 * files read ahead with readFile, gzip on the thread pool. The ceiling for any node packer here.
 */
function packDirect(entries: readonly ArchiveEntry[]): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  const gzip = zlib.createGzip({ chunkSize: 64 * 1024 });
  out.pipe(gzip);
  const reads: Array<Promise<Buffer> | undefined> = [];
  const start = (i: number) => {
    const e = entries[i];
    if (e && e.kind === 'file') reads[i] = fs.readFile(e.absolutePath);
  };
  void (async () => {
    for (let i = 0; i < 8; i++) start(i);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      start(i + 8);
      let chunk: Buffer;
      if (e.kind === 'directory') {
        chunk = ustarHeader(`${e.name}/`, 0, true);
      } else {
        const data = await reads[i]!;
        reads[i] = undefined;
        chunk = Buffer.concat([ustarHeader(e.name, data.length, false), data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
      }
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    }
    out.end(Buffer.alloc(1024));
  })().catch((err: unknown) => gzip.destroy(err as Error));
  return gzip;
}

/** Chunks the worker may have in flight before it waits for the main thread to take them. */
const WORKER_CREDITS = 8;

/**
 * What-if 3: GNU tar's way — list and read with synchronous calls, one after the other, no thread-pool
 * round trip per file — but in a worker thread, so the event loop (the extension host's) never waits;
 * the tar stream comes back in 1 MiB chunks, gzip runs on the thread pool. A shared counter of chunks
 * in flight is the backpressure. Lists the same entries in the same order as listSourceArchive (the
 * generated tree has no .sagemakerignore and no links).
 */
function packInWorker(dir: string): Readable {
  const gzip = zlib.createGzip({ chunkSize: 64 * 1024 });
  const inFlight = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(__filename, { workerData: { dir, inFlight } });
  worker.on('message', (chunk: Uint8Array | null) => {
    if (chunk === null) {
      gzip.end();
      return;
    }
    gzip.write(chunk, () => {
      Atomics.sub(inFlight, 0, 1);
      Atomics.notify(inFlight, 0);
    });
  });
  worker.on('error', (err) => gzip.destroy(err));
  return gzip;
}

function runPackWorker(dir: string, inFlight: Int32Array): void {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const send = () => {
    while (Atomics.load(inFlight, 0) >= WORKER_CREDITS) Atomics.wait(inFlight, 0, Atomics.load(inFlight, 0), 1000);
    const chunk = Buffer.concat(batch);
    Atomics.add(inFlight, 0, 1);
    parentPort!.postMessage(chunk, [chunk.buffer as ArrayBuffer]);
    batch = [];
    batchBytes = 0;
  };
  const add = (b: Buffer) => {
    batch.push(b);
    batchBytes += b.length;
    if (batchBytes >= 1024 * 1024) send();
  };
  const walk = (folder: string, prefix: string) => {
    const dirents = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of dirents) {
      const absolute = path.join(folder, d.name);
      const name = prefix ? `${prefix}/${d.name}` : d.name;
      if (statSync(absolute).isDirectory()) {
        add(ustarHeader(`${name}/`, 0, true));
        walk(absolute, name);
      } else {
        const data = readFileSync(absolute);
        add(ustarHeader(name, data.length, false));
        add(data);
        const pad = (512 - (data.length % 512)) % 512;
        if (pad) add(Buffer.alloc(pad));
      }
    }
  };
  walk(dir, '');
  add(Buffer.alloc(1024));
  send();
  parentPort!.postMessage(null);
}

async function pack(dir: string, out: string, variant: string): Promise<PackRun> {
  if (variant === 'worker') {
    const started = performance.now();
    let archiveBytes = 0;
    const archive = packInWorker(path.resolve(dir));
    archive.on('data', (c: Buffer) => {
      archiveBytes += c.length;
    });
    await pipeline(archive, createWriteStream(out));
    return { ms: performance.now() - started, listMs: 0, files: 0, inputBytes: 0, archiveBytes, peakRssBytes: peakRssBytes() };
  }
  const started = performance.now();
  const contents = await listSourceArchive({ from: path.resolve(dir), fromKind: 'directory', dependencies: [] });
  const listMs = performance.now() - started;
  let archiveBytes = 0;
  const archive = variant === 'asyncGzip' ? packAsyncGzip(contents.entries) : variant === 'direct' ? packDirect(contents.entries) : packSourceArchive(contents.entries);
  archive.on('data', (c: Buffer) => {
    archiveBytes += c.length;
  });
  await pipeline(archive, createWriteStream(out));
  return { ms: performance.now() - started, listMs, files: contents.files, inputBytes: contents.totalBytes, archiveBytes, peakRssBytes: peakRssBytes() };
}

function option(name: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? process.argv[at + 1] : undefined;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const result = command === 'tree' ? writeTree(option('dir'), Number(option('files'))) : command === 'pack' ? await pack(option('dir'), option('out'), process.argv.includes('--variant') ? option('variant') : 'product') : undefined;
  if (!result) throw new Error(`unknown command ${command}; use tree or pack`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (!isMainThread) {
  const { dir, inFlight } = workerData as { dir: string; inFlight: Int32Array };
  runPackWorker(dir, inFlight);
} else if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
