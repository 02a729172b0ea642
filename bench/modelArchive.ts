// model.tar.gz from S3 to an extracted folder. Child-process entry points for bench/run.mjs:
//
//   node bench/.build/modelArchive.js generate --endpoint URL --bucket B --key K --size BYTES
//       streams a generated model archive (ustar + gzip) into the S3 emulator; nothing touches the disk
//   node bench/.build/modelArchive.js extract --endpoint URL --bucket B --key K --dir DIR
//       the candidate: GetObject's body → extractTarGz, as Download Model does; prints timings and VmHWM
//
// Each prints one JSON line. The baseline (`curl -s URL | tar xz`) is run by run.mjs itself.

import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { extractTarGz } from '../src/artifacts/extractArchive';
import { peakRssBytes } from './lib/stats';
import { option, runMain } from './lib/benchCli';

export interface GeneratedArchive {
  compressedBytes: number;
  uncompressedBytes: number;
  files: number;
  ms: number;
}

export interface ExtractRun {
  /** From the GetObject request to the folder in place. */
  ms: number;
  /** Process start to the end, SDK loading included. */
  processMs: number;
  bytesIn: number;
  bytesOut: number;
  files: number;
  peakRssBytes: number;
  progressCalls: number;
  /** Bytes per second as the last progress call computed it. */
  lastRate: number;
}

const MIB = 1024 * 1024;

interface PlannedFile {
  name: string;
  size: number;
  content: 'random' | 'text';
}

/**
 * What a fine-tuned transformer's model.tar.gz holds, scaled to `archiveBytes` compressed: weight
 * shards (incompressible, like fp16/fp32 tensors), a tokenizer and vocabulary (text, which gzip
 * shrinks about fourfold), configs and a few dozen small JSON files (checkpoints' trainer states).
 */
export function planModelArchive(archiveBytes: number): PlannedFile[] {
  // The text compresses about 2.8× at level 1, so this mix gives an archive of about archiveBytes.
  const randomTotal = Math.round(archiveBytes * 0.8);
  const textTotal = Math.round(archiveBytes * 0.57);
  const files: PlannedFile[] = [
    { name: 'config.json', size: 1500, content: 'text' },
    { name: 'generation_config.json', size: 300, content: 'text' },
  ];
  const shardSize = Math.min(256 * MIB, Math.max(MIB, Math.ceil(randomTotal / 4)));
  const shards = Math.ceil(randomTotal / shardSize);
  for (let i = 0; i < shards; i++) {
    const size = i === shards - 1 ? randomTotal - shardSize * (shards - 1) : shardSize;
    files.push({ name: `model-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`, size, content: 'random' });
  }
  const small = 40;
  const smallSize = 4096;
  for (let i = 0; i < small; i++) files.push({ name: `checkpoints/step-${(i + 1) * 500}/trainer_state.json`, size: smallSize, content: 'text' });
  const bigText = textTotal - small * smallSize;
  files.push({ name: 'tokenizer.json', size: Math.floor(bigText * 0.6), content: 'text' });
  files.push({ name: 'vocab.txt', size: bigText - Math.floor(bigText * 0.6), content: 'text' });
  return files;
}

const WORDS =
  'the model summarizes dialogue samsum bart large cnn token attention layer encoder decoder loss rouge eval step epoch learning rate warmup gradient batch sequence length vocabulary merges special pad eos bos unk mask'.split(
    ' ',
  );

/** Text that compresses like a tokenizer file: words, numbers and JSON punctuation. */
function textChunk(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let pos = 0;
  let x = seed >>> 0 || 1;
  while (pos < size) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const piece = `"${WORDS[x % WORDS.length]}${x % 7 === 0 ? `_${x % 10007}` : ''}": ${x % 50257},${x % 11 === 0 ? '\n' : ' '}`;
    pos += out.write(piece, pos);
  }
  return out;
}

// Eight 1 MiB text blocks, cycled: deflate's window is 32 KiB, so a block repeated a MiB later
// compresses (and decompresses) like fresh text, and generating gigabytes of it costs nothing.
const TEXT_BLOCKS = Array.from({ length: 8 }, (_, i) => textChunk(MIB, i + 1));
const textBlock = (i: number): Buffer => TEXT_BLOCKS[i % TEXT_BLOCKS.length]!;

function tarHeader(name: string, size: number, mode: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) throw new Error(`name too long for a plain ustar header: ${name}`);
  h.write(name, 0);
  h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(
    `${Math.floor(Date.UTC(2024, 0, 1) / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\u000000', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/**
 * Writes the tar stream of `files` into `gzip`. Weight shards go in at level 0: deflate stores
 * incompressible data anyway (level 1 gives the same bytes, stored blocks), but spends longer finding
 * that out than the benchmark spends extracting; text goes in at level 1.
 */
async function writeTar(files: PlannedFile[], gzip: zlib.Gzip): Promise<number> {
  let total = 0;
  let level = 1;
  const push = async (chunk: Buffer) => {
    total += chunk.length;
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
  };
  const setLevel = async (next: number) => {
    if (next === level) return;
    level = next;
    // Gzip has params() at runtime like Deflate; @types/node declares it on Deflate only.
    await new Promise<void>((resolve) => (gzip as zlib.Gzip & zlib.ZlibParams).params(next, zlib.constants.Z_DEFAULT_STRATEGY, () => resolve()));
  };
  const dirs = new Set<string>();
  let seed = 1;
  for (const file of files) {
    const parts = file.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (!dirs.has(dir)) {
        dirs.add(dir);
        await push(tarHeader(dir, 0, 0o755, '5'));
      }
    }
    await push(tarHeader(file.name, file.size, 0o644, '0'));
    await setLevel(file.content === 'random' ? 0 : 1);
    for (let done = 0; done < file.size;) {
      const n = Math.min(MIB, file.size - done);
      await push(file.content === 'random' ? randomBytes(n) : textBlock(seed++).subarray(0, n));
      done += n;
    }
    const pad = (512 - (file.size % 512)) % 512;
    if (pad) await push(Buffer.alloc(pad));
  }
  await push(Buffer.alloc(1024));
  gzip.end();
  return total;
}

function s3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true });
}

async function generate(endpoint: string, bucket: string, key: string, archiveBytes: number): Promise<GeneratedArchive> {
  const started = performance.now();
  const s3 = s3Client(endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: { name?: string }) => {
    if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
  });
  const files = planModelArchive(archiveBytes);
  // Level 1 (0 for the weights, see writeTar): generating gigabytes at level 6 would take minutes, and
  // gunzip's speed hardly depends on the level.
  const gzip = zlib.createGzip({ level: 1, chunkSize: MIB });
  let compressedBytes = 0;
  gzip.on('data', (c: Buffer) => {
    compressedBytes += c.length;
  });
  const body = new PassThrough({ highWaterMark: 4 * MIB });
  gzip.pipe(body);
  const writing = writeTar(files, gzip);
  const upload = new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: body, ContentType: 'application/gzip' }, partSize: 64 * MIB, queueSize: 2 });
  const [uncompressedBytes] = await Promise.all([writing, upload.done()]);
  s3.destroy();
  return { compressedBytes, uncompressedBytes, files: files.length, ms: performance.now() - started };
}

async function extract(endpoint: string, bucket: string, key: string, dir: string): Promise<ExtractRun> {
  const s3 = s3Client(endpoint);
  const started = performance.now();
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  let progressCalls = 0;
  let rate = 0;
  // The same progress work Download Model does (a rate about every MiB), so the candidate pays for it too.
  const result = await extractTarGz(res.Body as Readable, dir, {
    onProgress: (p) => {
      progressCalls++;
      rate = p.bytesIn / Math.max(0.001, (performance.now() - started) / 1000);
    },
  });
  const ms = performance.now() - started;
  s3.destroy();
  return { ms, processMs: performance.now(), bytesIn: result.bytesIn, bytesOut: result.bytesOut, files: result.files, peakRssBytes: peakRssBytes(), progressCalls, lastRate: rate };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const command = process.argv[2];
  const endpoint = option('endpoint');
  const bucket = option('bucket');
  const key = option('key');
  const result =
    command === 'generate'
      ? await generate(endpoint, bucket, key, Number(option('size')))
      : command === 'extract'
        ? await extract(endpoint, bucket, key, option('dir'))
        : undefined;
  if (!result) throw new Error(`unknown command ${command}; use generate or extract`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) runMain(main);
