/**
 * `sourcedir.tar.gz` as SDK v2's `fit()` builds it (fw_utils.py `tar_and_upload_dir`, utils.py
 * `create_tar_file`): every top-level entry of source_dir, then each `dependencies` path, each at
 * the archive root under its base name, symbolic links followed (`dereference=True`). Streamed
 * from the disk through gzip straight into an S3 upload: no temporary file, memory bounded by the
 * upload's part buffers. The disk is read with blocking calls in a worker thread, gzip runs on the
 * thread pool, so the extension host's event loop never waits on the disk; trees too small to be
 * worth a thread's start-up are read on the caller's thread (IN_THREAD_LIMITS).
 *
 * Two departures from the SDK, both so the archive is something a user can reason about:
 * - a `.sagemakerignore` at the source root (gitignore syntax, src/core/sagemakerIgnore.ts) keeps
 *   files home; its rules match archive paths, so they apply inside dependencies too (`__pycache__/`,
 *   `*.ckpt`). The local runner reads the same file, so what runs locally is what ships.
 * - the same tree gives the same bytes: entries sorted, one fixed mtime, no owner names or ids.
 *   Links that point nowhere, or back to a folder they sit in, are left out (the SDK would fail or
 *   recurse forever) and reported in `skipped`.
 * - links that leave their folder (`data -> /etc`, `key.pem -> ~/.ssh/id_rsa`) are listed in
 *   `externalLinks`, and `uploadSourceArchive` uploads nothing unless the caller confirms them: the
 *   SDK would ship their targets silently. Links that stay inside the folder need nothing.
 */
import * as path from 'node:path';
import { pipeline, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { AbortMultipartUploadCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { SourceArchiveUpload } from '../../core/training/createTrainingJobRequest';
import type { ArchiveMessage, ArchiveTask } from './sourceArchiveProtocol';
import { BLOCKS_IN_FLIGHT, CONTROL_SLOTS, fromThreadError, MAX_BLOCKS_IN_FLIGHT, STATE, STATE_PACK, STATE_STOP } from './sourceArchiveProtocol';
import { listSourceEntries } from './sourceListing';
import { SourceStagingError } from '../../source/stagingError';
import { writeTar } from './tarWriter';
import type { TarEntrySource } from './tarWriter';

/**
 * Every entry's modification time. Not the epoch: the container may `pip install .` a package from
 * the archive, and zip (hence wheels) cannot hold times before 1980.
 */
export const SOURCE_ARCHIVE_MTIME = new Date('1980-01-02T00:00:00Z');

export interface ArchiveEntry {
  /** Path inside the archive, `/`-separated, no trailing slash. */
  name: string;
  /** Where the bytes come from (links already followed). */
  absolutePath: string;
  kind: 'file' | 'directory';
  /** Bytes of a file; 0 for a folder. */
  size: number;
}

export interface SkippedPath {
  /** Archive path the link would have had. */
  name: string;
  reason: 'danglingLink' | 'linkLoop' | 'notFileOrFolder';
}

/** A symbolic link whose target lies outside the folder it sits in (source_dir, or a dependency folder). */
export interface ExternalLink {
  /** Archive path of the link. */
  name: string;
  /** Where the link itself is on this machine. */
  path: string;
  /** The folder it leaves, as given (source_dir or the dependency). */
  root: string;
  /** Where it leads, every link resolved. */
  target: string;
}

export interface SourceArchiveContents {
  /** In archive order. */
  entries: ArchiveEntry[];
  /** Archive paths left out by `.sagemakerignore` (a folder stands for everything in it). */
  ignored: string[];
  skipped: SkippedPath[];
  /**
   * Links that leave their folder, in archive order; what is under a folder link is in `entries` but
   * not listed again here. Their targets are packed like everything else: `uploadSourceArchive`
   * refuses to upload unless the caller confirms them.
   */
  externalLinks: ExternalLink[];
  files: number;
  /** Sum of the files' sizes, before compression. */
  totalBytes: number;
}

/** What goes into an archive: `SourceArchiveUpload`'s fields, with absolute paths. */
export type ArchiveSource = Pick<SourceArchiveUpload, 'from' | 'fromKind' | 'dependencies'>;

/**
 * A source listed and ready to pack: first the listing (to show, or to refuse), then the archive.
 * Small trees are listed and packed on the caller's thread, others in a worker thread that waits
 * between the two steps.
 */
export interface SourceArchive {
  readonly contents: SourceArchiveContents;
  /** The gzip-compressed tar of `contents.entries`; call once. Errors (a file vanished) end the stream with an error. */
  archive(): Readable;
  /** Stops the packing wherever it is, and its worker; call when done, whatever happened (again is harmless). */
  close(): void;
}

/**
 * Up to these, a tree is listed and packed on the caller's thread: for a tree this small a worker's
 * start-up costs more than the synchronous calls block the event loop for (docs/PERFORMANCE.md,
 * "Source archive": the small-tree row measures both). Past them, the listing done so far is
 * dropped and the worker starts over.
 */
export const IN_THREAD_LIMITS: Readonly<InThreadLimits> = Object.freeze({ entries: 256, bytes: 2 * 1024 * 1024 });

export interface InThreadLimits {
  /** Paths looked at (entries, ignored and skipped ones). */
  entries: number;
  /** Bytes of the files. */
  bytes: number;
}

export interface OpenSourceArchiveOptions {
  /** Cancels the listing. (Destroy the archive stream, or `close()`, to cancel the packing.) */
  signal?: AbortSignal;
  /** Where the worker thread takes over; tests and the benchmark set `{ entries: 0, bytes: 0 }` to always use it. */
  inThreadLimits?: InThreadLimits;
}

/** Lists `source`; nothing is read until `archive()`. Throws `SourceStagingError` for a missing source or dependency. */
export async function openSourceArchive(source: ArchiveSource, options: OpenSourceArchiveOptions = {}): Promise<SourceArchive> {
  const { signal, inThreadLimits: limits = IN_THREAD_LIMITS } = options;
  checkPaths(source);
  signal?.throwIfAborted();
  const mtimeSeconds = SOURCE_ARCHIVE_MTIME.getTime() / 1000;
  const small = limits.entries > 0 ? listSourceEntries(source, limits.entries) : undefined;
  if (small && small.totalBytes <= limits.bytes) {
    let archive: Readable | undefined;
    return {
      contents: small,
      archive: () => (archive ??= packInThread(small.entries, mtimeSeconds)),
      close: () => archive?.destroy(),
    };
  }
  const thread = new ArchiveThread({ kind: 'list', source: { from: source.from, fromKind: source.fromKind, dependencies: source.dependencies }, thenPack: true, mtimeSeconds });
  try {
    const contents = await thread.listing(signal);
    return { contents, archive: () => thread.archive(), close: () => thread.stop() };
  } catch (err) {
    thread.stop();
    throw err;
  }
}

/** The archive's entries, in the order they are written, without reading any file's content. */
export async function listSourceArchive(source: ArchiveSource, signal?: AbortSignal): Promise<SourceArchiveContents> {
  checkPaths(source);
  signal?.throwIfAborted();
  const small = listSourceEntries(source, IN_THREAD_LIMITS.entries);
  if (small) return small;
  const thread = new ArchiveThread({ kind: 'list', source: { from: source.from, fromKind: source.fromKind, dependencies: source.dependencies }, thenPack: false, mtimeSeconds: 0 });
  try {
    return await thread.listing(signal);
  } finally {
    thread.stop();
  }
}

function checkPaths(source: ArchiveSource): void {
  requireAbsolute(source.from, 'source');
  source.dependencies.forEach((d) => requireAbsolute(d, 'dependency'));
}

function requireAbsolute(p: string, what: string): void {
  if (!path.isAbsolute(p)) {
    throw new SourceStagingError('source.notAbsolute', `Internal: the ${what} path ${p} must be absolute (plan with context.baseDir).`, { path: p });
  }
}

/**
 * The gzip-compressed tar of `entries`, in their order. Errors (a file vanished) end the stream
 * with an error; destroying the stream (cancellation) stops the packing.
 *
 * A file is stored in full each time it appears, never as a hard link to an earlier entry: the
 * archive would otherwise depend on which names of a multiply-linked file happen to be included
 * (tarfile with `dereference=True` does the same).
 */
export function packSourceArchive(entries: readonly ArchiveEntry[], mtime: Date = SOURCE_ARCHIVE_MTIME): Readable {
  const sources = entries.map(({ name, absolutePath, kind }) => ({ name, absolutePath, kind }));
  const bytes = entries.reduce((sum, e) => sum + e.size, 0);
  if (entries.length <= IN_THREAD_LIMITS.entries && bytes <= IN_THREAD_LIMITS.bytes) return packInThread(sources, mtime.getTime() / 1000);
  return new ArchiveThread({ kind: 'pack', entries: sources, mtimeSeconds: mtime.getTime() / 1000 }).archive();
}

/** A small tree's archive, read at once on this thread; gzip still runs on the thread pool. */
function packInThread(entries: readonly TarEntrySource[], mtimeSeconds: number): Readable {
  const gzip = zlib.createGzip({ chunkSize: 64 * 1024 });
  const out = portableGzipHeader();
  pipeline(gzip, out, () => undefined);
  try {
    writeTar(entries, mtimeSeconds, (block, length) => gzip.write(block.subarray(0, length)));
    gzip.end();
  } catch (err) {
    gzip.destroy(err instanceof Error ? err : new Error(String(err)));
  }
  return out;
}

/**
 * The worker's file: next to this module's own, which is dist/ for both bundles (esbuild.mjs builds
 * dist/sourceArchiveWorker.js) and out/src/aws/staging/ for tsc's output. A file rather than
 * `eval: true` source, so the worker is bundled, source-mapped and type-checked like the rest.
 */
const WORKER_FILE = path.join(__dirname, 'sourceArchiveWorker.js');

/**
 * One worker thread listing and/or packing a source. Its tar blocks are compressed here, on the
 * thread pool (zlib), while the worker reads the next ones: GNU tar's `tar | gzip` on two cores.
 */
class ArchiveThread {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
  // 64 KiB out per round trip to the thread pool (zlib's default is 16 KiB).
  private readonly gzip = zlib.createGzip({ chunkSize: 64 * 1024 });
  private readonly out = portableGzipHeader();
  private blocksInFlight = 0;
  private packing = false;
  private finished = false;
  private listed?: { resolve: (c: SourceArchiveContents) => void; reject: (e: Error) => void; promise: Promise<SourceArchiveContents> };

  constructor(task: DistributiveOmit<ArchiveTask, 'control'>) {
    if (task.kind === 'list') {
      let resolve!: (c: SourceArchiveContents) => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<SourceArchiveContents>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.listed = { resolve, reject, promise };
    }
    this.worker = new Worker(WORKER_FILE, { workerData: { ...task, control: this.control } satisfies ArchiveTask });
    this.worker.on('message', (m: ArchiveMessage) => this.onMessage(m));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.finished) this.fail(new Error(`The source archive's worker thread stopped unexpectedly (exit code ${code}); try again.`));
    });
    // A consumer that gives up (cancellation, a failed upload) stops the worker too.
    pipeline(this.gzip, this.out, () => this.stop());
    this.out.once('close', () => this.stop());
  }

  /** The listing (a `list` task). Rejects with the signal's reason on abort, and stops the worker. */
  listing(signal?: AbortSignal): Promise<SourceArchiveContents> {
    const listed = this.listed!;
    if (!signal) return listed.promise;
    const onAbort = (): void => {
      this.stop();
      listed.reject(signal.reason instanceof Error ? signal.reason : abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return listed.promise.finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** The compressed archive. For a `list` task with `thenPack`, this is the go-ahead to pack what was listed. */
  archive(): Readable {
    this.packing = true;
    this.worker.ref();
    Atomics.store(this.control, STATE, STATE_PACK);
    Atomics.notify(this.control, STATE);
    return this.out;
  }

  /** Ends the worker wherever it is. Safe to call at any time, and again. */
  stop(): void {
    if (this.finished) return;
    this.finished = true;
    Atomics.store(this.control, STATE, STATE_STOP);
    Atomics.notify(this.control, STATE);
    void this.worker.terminate();
  }

  private onMessage(m: ArchiveMessage): void {
    if (this.finished) return;
    switch (m.type) {
      case 'contents':
        // Waiting for archive() or close(): a caller that forgets close() must not hang the process.
        if (!this.packing) this.worker.unref();
        this.listed?.resolve(m.contents);
        return;
      case 'block':
        this.blocksInFlight += 1;
        // A worker waiting for room keeps the process alive only as long as someone drains the
        // archive: a stream dropped without being destroyed must not hang the CLI on exit.
        if (this.blocksInFlight >= MAX_BLOCKS_IN_FLIGHT) this.worker.unref();
        this.gzip.write(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength), () => {
          this.blocksInFlight -= 1;
          this.worker.ref();
          Atomics.sub(this.control, BLOCKS_IN_FLIGHT, 1);
          Atomics.notify(this.control, BLOCKS_IN_FLIGHT);
        });
        return;
      case 'end':
        this.finished = true;
        if (this.packing) this.gzip.end();
        return;
      case 'error':
        this.fail(fromThreadError(m.error));
        return;
    }
  }

  private fail(err: Error): void {
    if (this.finished) return;
    this.stop();
    this.listed?.reject(err);
    // Before the go-ahead nobody reads the archive, and an error on it would have no listener.
    if (this.packing) this.gzip.destroy(err);
  }
}

/**
 * Sets the gzip header's OS byte to 255, "unknown" (RFC 1952), as node-tar's portable mode did:
 * zlib writes the packing machine's OS there, and the same tree must give the same bytes on
 * Windows, macOS and Linux.
 */
function portableGzipHeader(): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (seen <= 9 && seen + chunk.length > 9) chunk[9 - seen] = 0xff;
      seen += chunk.length;
      done(null, chunk);
    },
  });
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface SourceUploadProgress {
  /** Compressed bytes S3 has acknowledged so far. */
  uploadedBytes: number;
}

export interface SourceArchiveUploadOptions {
  s3: S3Client;
  upload: SourceArchiveUpload;
  /** Cancels packaging and the upload; a multipart upload is aborted and nothing is left in S3. */
  signal?: AbortSignal;
  /** Called once the entries are known, before any byte is read. */
  onContents?: (contents: SourceArchiveContents) => void;
  /**
   * Asked when links leave their folder, before any byte is read: true uploads their targets too.
   * Without it (or on false) the upload is refused with `source.externalLinks`, naming them.
   */
  confirmExternalLinks?: (links: readonly ExternalLink[]) => boolean | Promise<boolean>;
  onProgress?: (progress: SourceUploadProgress) => void;
  /** Bytes per part (at least 5 MiB); archives smaller than one part go up in a single PutObject. */
  partSize?: number;
  queueSize?: number;
  /** Who is uploading (an STS ARN), named in access-denied messages. */
  principal?: string;
}

export interface UploadedSourceArchive {
  /** `s3://bucket/key` */
  uri: string;
  bucket: string;
  key: string;
  /** Compressed size. */
  bytes: number;
  contents: SourceArchiveContents;
}

/**
 * Packs the upload's sources and streams them into `s3://{bucket}/{key}` with the SDK's
 * `ExtraArgs` (SSE-KMS, the KMS key, the expected bucket owner). On failure or cancellation
 * nothing stays in S3: lib-storage aborts a multipart upload, and we wait for that before
 * throwing; a single PutObject that completed after cancellation is deleted.
 */
export async function uploadSourceArchive(options: SourceArchiveUploadOptions): Promise<UploadedSourceArchive> {
  const { upload, signal } = options;
  const where = { bucket: upload.bucket, key: upload.key };
  throwIfCancelled(signal, where);
  const opened = await openSourceArchive({ from: upload.from, fromKind: upload.fromKind, dependencies: upload.dependencies }, { signal }).catch((err: unknown) => {
    if (signal?.aborted) throw cancelled(where);
    throw err;
  });
  try {
    const links = opened.contents.externalLinks;
    if (links.length > 0) {
      const confirmed = options.confirmExternalLinks ? await options.confirmExternalLinks(links) : false;
      throwIfCancelled(signal, where);
      if (!confirmed) throw externalLinksRefused(links, where);
    }
    return await uploadOpened(opened, options, where);
  } finally {
    // Done, failed or cancelled: a worker still waiting for room to write into must not linger.
    opened.close();
  }
}

async function uploadOpened(opened: SourceArchive, options: SourceArchiveUploadOptions, where: { bucket: string; key: string }): Promise<UploadedSourceArchive> {
  const { s3, upload, signal } = options;
  const { contents } = opened;
  options.onContents?.(contents);

  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const archive = opened.archive();
  archive.on('error', (err) => counter.destroy(err));
  archive.pipe(counter);

  // Cancellation travels as a stream error rather than lib-storage's own abort(): its abort()
  // rejects at once and aborts the multipart upload later in the background, while a failing
  // body makes done() abort the multipart upload first and reject after.
  const onAbort = (): void => {
    archive.destroy();
    counter.destroy(abortError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const uploader = new Upload({
    client: s3,
    params: {
      Bucket: upload.bucket,
      Key: upload.key,
      Body: counter,
      ContentType: 'application/gzip',
      ServerSideEncryption: upload.extraArgs.ServerSideEncryption,
      ...(upload.extraArgs.SSEKMSKeyId !== undefined ? { SSEKMSKeyId: upload.extraArgs.SSEKMSKeyId } : {}),
      ...(upload.extraArgs.ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner: upload.extraArgs.ExpectedBucketOwner } : {}),
    },
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
    ...(options.queueSize !== undefined ? { queueSize: options.queueSize } : {}),
    leavePartsOnError: false,
  });
  uploader.on('httpUploadProgress', (p) => {
    if (p.loaded !== undefined) options.onProgress?.({ uploadedBytes: p.loaded });
  });

  try {
    await uploader.done();
  } catch (err) {
    await abortLeftovers(s3, uploader, where);
    if (signal?.aborted) throw cancelled(where);
    throw uploadFailure(err, where, options.principal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) {
    // The last (or only) request completed while the cancellation was on its way: take it back.
    await s3.send(new DeleteObjectCommand({ Bucket: upload.bucket, Key: upload.key, ...ownerArg(upload) })).catch(() => undefined);
    throw cancelled(where);
  }
  return { uri: `s3://${upload.bucket}/${upload.key}`, bucket: upload.bucket, key: upload.key, bytes, contents };
}

function ownerArg(upload: SourceArchiveUpload): { ExpectedBucketOwner?: string } {
  return upload.extraArgs.ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner: upload.extraArgs.ExpectedBucketOwner } : {};
}

/**
 * lib-storage aborts its multipart upload itself when a part or the body fails (also when the
 * failure came while CreateMultipartUpload was on its way: it waits for the UploadId first), but
 * when that AbortMultipartUpload fails in turn (throttled, a dropped connection) the upload stays
 * open, its parts billed; the UploadId it knows of is aborted here once more. AbortMultipartUpload
 * is idempotent (NoSuchUpload after the first). staging.test.ts produces each of these races.
 */
async function abortLeftovers(s3: S3Client, uploader: Upload, where: { bucket: string; key: string }): Promise<void> {
  const uploadId = (uploader as unknown as { uploadId?: string }).uploadId;
  if (!uploadId) return;
  await s3.send(new AbortMultipartUploadCommand({ Bucket: where.bucket, Key: where.key, UploadId: uploadId })).catch(() => undefined);
}

/** `name → target`, one a line, at most `max` of them, for messages. */
export function describeExternalLinks(links: readonly ExternalLink[], max = 10): string {
  const shown = links.slice(0, max).map((l) => `${l.name} → ${l.target}`);
  if (links.length > max) shown.push(`and ${links.length - max} more`);
  return shown.join('\n');
}

function externalLinksRefused(links: readonly ExternalLink[], where: { bucket: string; key: string }): SourceStagingError {
  const roots = [...new Set(links.map((l) => l.root))].join(', ');
  return new SourceStagingError(
    'source.externalLinks',
    `${links.length === 1 ? 'A symbolic link leaves' : `${links.length} symbolic links leave`} the folder being packed (${roots}), so ${links.length === 1 ? 'its target' : 'their targets'} would be uploaded to s3://${where.bucket}/${where.key}:\n${describeExternalLinks(links)}\nNothing was uploaded. Remove ${links.length === 1 ? 'the link' : 'them'} or list ${links.length === 1 ? 'it' : 'them'} in .sagemakerignore; or, if ${links.length === 1 ? 'its target belongs' : 'their targets belong'} in the job, confirm (sagemaker-hf launch --follow-external-links).`,
    { ...where, links: links.length, first: links[0]!.name },
  );
}

function throwIfCancelled(signal: AbortSignal | undefined, where: { bucket: string; key: string }): void {
  if (signal?.aborted) throw cancelled(where);
}

function cancelled(where: { bucket: string; key: string }): SourceStagingError {
  return new SourceStagingError('cancelled', `Upload to s3://${where.bucket}/${where.key} cancelled; nothing was left in S3.`, where);
}

function abortError(): Error {
  const err = new Error('The upload was cancelled.');
  err.name = 'AbortError';
  return err;
}

interface ServiceErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function uploadFailure(err: unknown, where: { bucket: string; key: string }, principal: string | undefined): SourceStagingError {
  if (err instanceof SourceStagingError) return err;
  const e = (err ?? {}) as ServiceErrorShape;
  const serviceCode = e.Code ?? e.name ?? 'Error';
  const serviceMessage = e.message || serviceCode;
  const uri = `s3://${where.bucket}/${where.key}`;
  let next: string;
  if (serviceCode === 'NoSuchBucket') {
    next = `The bucket ${where.bucket} does not exist: create it, or point output_path / code_location at a bucket you own.`;
  } else if (serviceCode === 'AccessDenied' || e.$metadata?.httpStatusCode === 403) {
    next = `${principal ?? 'The credentials in use'} need s3:PutObject on ${where.bucket} (and kms:GenerateDataKey on its KMS key), and the bucket must belong to the expected account.`;
  } else if (typeof (err as NodeJS.ErrnoException)?.syscall === 'string') {
    // The packing side failed (a file vanished or cannot be read), not S3.
    next = `Could not read ${(err as NodeJS.ErrnoException).path ?? 'a source file'} (${(err as NodeJS.ErrnoException).code}); fix or remove it, then launch again.`;
  } else {
    next = 'Nothing was left in S3; try again.';
  }
  return new SourceStagingError(
    'upload.failed',
    `Uploading the source archive to ${uri} failed: ${serviceMessage}. ${next}`,
    { ...where, uri, serviceCode, serviceMessage },
    { cause: err },
  );
}
