// sourcedir.tar.gz of a large source tree. Child-process entry points for bench/run.mjs:
//
//   node bench/.build/sourceArchive.js tree --dir DIR --files N     writes a source tree of N files
//   node bench/.build/sourceArchive.js pack --dir DIR --out FILE     the candidate: openSourceArchive
//                                                                   (list, then archive) into FILE
//   … pack --variant mainThread | nodeTar                            what-ifs (not product code): the same
//                                                                   listing and tar writer without the
//                                                                   worker; the node-tar Pack used before
//   node bench/.build/sourceArchive.js small --dir DIR --runs N      a small tree on the caller's thread
//                                                                   against the worker, alternating
//
// Each prints one JSON line. The baseline (GNU `tar czf FILE -C DIR .`) is run by run.mjs itself.
// The worker must sit beside this file as sourceArchiveWorker.js (bench/suites/sourceArchive.mjs
// builds it there), as it sits beside dist/extension.js.

import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { listSourceArchive, openSourceArchive, SOURCE_ARCHIVE_MTIME } from '../src/aws/staging/sourceArchive';
import type { ArchiveEntry, ArchiveSource } from '../src/aws/staging/sourceArchive';
import { listSourceEntries } from '../src/aws/staging/sourceListing';
import { writeTar } from '../src/aws/staging/tarWriter';
import { nodeTarSourceArchive } from '../test/reference/nodeTarSourceArchive';
import { median, peakRssBytes } from './lib/stats';
import { option, runMain } from './lib/benchCli';

export interface SourceTree {
  files: number;
  bytes: number;
}

export interface PackRun {
  /** Listing and packing, to the last byte written. */
  ms: number;
  listMs: number;
  files: number;
  entries: number;
  inputBytes: number;
  archiveBytes: number;
  peakRssBytes: number;
  /** Resident set once the modules are loaded, before packing: what packing adds is the difference. */
  rssBeforeBytes: number;
  /** Longest the main thread's event loop was blocked while listing and packing. */
  longestStallMs: number;
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
 * What-if: the product's listing and tar writer on the main thread, no worker — what the worker
 * buys is the event loop (this variant's longest stall is the whole listing, then the whole read).
 * The archive is held in memory until gzip takes it, so this is no option for large trees either.
 */
function packOnMainThread(source: ArchiveSource): { contents: { entries: ArchiveEntry[]; files: number; totalBytes: number }; archive: () => Readable } {
  const contents = listSourceEntries(source);
  return {
    contents,
    archive: () => {
      const gzip = zlib.createGzip({ chunkSize: 64 * 1024 });
      writeTar(contents.entries, SOURCE_ARCHIVE_MTIME.getTime() / 1000, (block, length) => gzip.write(block.subarray(0, length)));
      gzip.end();
      return gzip;
    },
  };
}

async function pack(dir: string, out: string, variant: string): Promise<PackRun> {
  const source: ArchiveSource = { from: path.resolve(dir), fromKind: 'directory', dependencies: [] };
  const rssBeforeBytes = process.memoryUsage.rss();
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  // The histogram records from its timer's second tick: let it tick before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  let listMs: number;
  let archive: Readable;
  let contents: { entries: ArchiveEntry[]; files: number; totalBytes: number };
  let close = (): void => undefined;
  if (variant === 'product') {
    const opened = await openSourceArchive(source);
    listMs = performance.now() - started;
    contents = opened.contents;
    archive = opened.archive();
    close = () => opened.close();
  } else if (variant === 'mainThread') {
    const opened = packOnMainThread(source);
    listMs = performance.now() - started;
    contents = opened.contents;
    archive = opened.archive();
  } else if (variant === 'nodeTar') {
    contents = await listSourceArchive(source);
    listMs = performance.now() - started;
    archive = nodeTarSourceArchive(contents.entries);
  } else {
    throw new Error(`unknown variant ${variant}; use product, mainThread or nodeTar`);
  }
  let archiveBytes = 0;
  archive.on('data', (c: Buffer) => {
    archiveBytes += c.length;
  });
  await pipeline(archive, createWriteStream(out));
  const ms = performance.now() - started;
  stalls.disable();
  close();
  return {
    ms,
    listMs,
    files: contents.files,
    entries: contents.entries.length,
    inputBytes: contents.totalBytes,
    archiveBytes,
    peakRssBytes: peakRssBytes(),
    rssBeforeBytes,
    longestStallMs: stalls.max / 1e6,
  };
}

async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const c of stream) n += (c as Buffer).length;
  return n;
}

/** A small tree packed where the product packs it (this thread) and in the worker, alternately. */
async function small(
  dir: string,
  runs: number,
): Promise<{ entries: number; inputBytes: number; inThreadMs: number; workerMs: number; inThreadSamples: number[]; workerSamples: number[] }> {
  const source: ArchiveSource = { from: path.resolve(dir), fromKind: 'directory', dependencies: [] };
  const once = async (inThreadLimits?: { entries: number; bytes: number }): Promise<number> => {
    const started = performance.now();
    const opened = await openSourceArchive(source, inThreadLimits ? { inThreadLimits } : {});
    await drain(opened.archive());
    opened.close();
    return performance.now() - started;
  };
  const inThread: number[] = [];
  const worker: number[] = [];
  // One of each first: module code and the tree in the page cache.
  await once();
  await once({ entries: 0, bytes: 0 });
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      inThread.push(await once());
      worker.push(await once({ entries: 0, bytes: 0 }));
    } else {
      worker.push(await once({ entries: 0, bytes: 0 }));
      inThread.push(await once());
    }
  }
  const contents = await listSourceArchive(source);
  return {
    entries: contents.entries.length,
    inputBytes: contents.totalBytes,
    inThreadMs: median(inThread),
    workerMs: median(worker),
    inThreadSamples: inThread,
    workerSamples: worker,
  };
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const result =
    command === 'tree'
      ? writeTree(option('dir'), Number(option('files')))
      : command === 'pack'
        ? await pack(option('dir'), option('out'), process.argv.includes('--variant') ? option('variant') : 'product')
        : command === 'small'
          ? await small(option('dir'), Number(option('runs')))
          : undefined;
  if (!result) throw new Error(`unknown command ${command}; use tree, pack or small`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) runMain(main);
