/**
 * `sourcedir.tar.gz` as SDK v2's `fit()` builds it (fw_utils.py `tar_and_upload_dir`, utils.py
 * `create_tar_file`): every top-level entry of source_dir, then each `dependencies` path, each at
 * the archive root under its base name, symbolic links followed (`dereference=True`). Streamed
 * from the disk through gzip straight into an S3 upload: no temporary file, memory bounded by the
 * upload's part buffers.
 *
 * Two departures from the SDK, both so the archive is something a user can reason about:
 * - a `.sagemakerignore` at the source root (gitignore syntax, src/local/sagemakerIgnore.ts) keeps
 *   files home; its rules match archive paths, so they apply inside dependencies too (`__pycache__/`,
 *   `*.ckpt`). The local runner reads the same file, so what runs locally is what ships.
 * - the same tree gives the same bytes: entries sorted, one fixed mtime, no owner names or ids.
 *   Links that point nowhere, or back to a folder they sit in, are left out (the SDK would fail or
 *   recurse forever) and reported in `skipped`.
 */
import { promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Pack } from 'tar';
import type { SourceArchiveUpload } from '../../core/training/createTrainingJobRequest';
import { IGNORE_FILE_NAME, IgnoreRules } from '../../local/sagemakerIgnore';
import { SourceStagingError } from './stagingError';

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

export interface SourceArchiveContents {
  /** In archive order. */
  entries: ArchiveEntry[];
  /** Archive paths left out by `.sagemakerignore` (a folder stands for everything in it). */
  ignored: string[];
  skipped: SkippedPath[];
  files: number;
  /** Sum of the files' sizes, before compression. */
  totalBytes: number;
}

/** What goes into an archive: `SourceArchiveUpload`'s fields, with absolute paths. */
export type ArchiveSource = Pick<SourceArchiveUpload, 'from' | 'fromKind' | 'dependencies'>;

/** The archive's entries, in the order they are written, without reading any file's content. */
export async function listSourceArchive(source: ArchiveSource, signal?: AbortSignal): Promise<SourceArchiveContents> {
  requireAbsolute(source.from, 'source');
  source.dependencies.forEach((d) => requireAbsolute(d, 'dependency'));
  const contents: SourceArchiveContents = { entries: [], ignored: [], skipped: [], files: 0, totalBytes: 0 };
  const rules = source.fromKind === 'directory' ? await readIgnoreRules(source.from) : IgnoreRules.empty();
  const walker = new TreeWalker(rules, contents, signal);

  const top = await statFollowing(source.from);
  if (!top) throw new SourceStagingError('source.missing', `The source ${source.fromKind === 'directory' ? 'folder' : 'file'} ${source.from} does not exist.`, { path: source.from });
  if (source.fromKind === 'directory') {
    if (!top.isDirectory()) throw new SourceStagingError('source.missing', `source_dir ${source.from} is not a folder.`, { path: source.from });
    // The folder itself is not an entry: its content is the archive root (os.listdir in the SDK).
    await walker.children(source.from, '', new Set([await fs.realpath(source.from)]));
  } else {
    await walker.add(source.from, path.basename(source.from), top, new Set());
  }
  for (const dependency of source.dependencies) {
    const stat = await statFollowing(dependency);
    if (!stat) throw new SourceStagingError('source.dependencyMissing', `The dependency ${dependency} does not exist; fix \`dependencies\` in the job file.`, { path: dependency });
    await walker.add(dependency, path.basename(path.resolve(dependency)), stat, new Set());
  }
  return contents;
}

class TreeWalker {
  constructor(
    private readonly rules: IgnoreRules,
    private readonly out: SourceArchiveContents,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Adds `absolute` as `name`, and what is under it when it is a folder. */
  async add(absolute: string, name: string, stat: Stats, ancestors: ReadonlySet<string>): Promise<void> {
    this.signal?.throwIfAborted();
    const isDirectory = stat.isDirectory();
    if (this.rules.ignores(name, isDirectory)) {
      this.out.ignored.push(name);
      return;
    }
    if (isDirectory) {
      const real = await fs.realpath(absolute);
      if (ancestors.has(real)) {
        this.out.skipped.push({ name, reason: 'linkLoop' });
        return;
      }
      this.out.entries.push({ name, absolutePath: absolute, kind: 'directory', size: 0 });
      await this.children(absolute, name, new Set([...ancestors, real]));
    } else if (stat.isFile()) {
      this.out.entries.push({ name, absolutePath: absolute, kind: 'file', size: stat.size });
      this.out.files += 1;
      this.out.totalBytes += stat.size;
    } else {
      this.out.skipped.push({ name, reason: 'notFileOrFolder' });
    }
  }

  async children(folder: string, prefix: string, ancestors: ReadonlySet<string>): Promise<void> {
    const dirents = await fs.readdir(folder, { withFileTypes: true });
    // Code-unit order, the same on every machine (readdir's order is the file system's).
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      const absolute = path.join(folder, dirent.name);
      const name = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      const stat = await statFollowing(absolute);
      if (!stat) {
        // A plain file that vanished between readdir and stat is an error; a link to nothing is not.
        if (!dirent.isSymbolicLink()) throw new SourceStagingError('source.missing', `${absolute} disappeared while the source archive was being listed; try again.`, { path: absolute });
        this.out.skipped.push({ name, reason: 'danglingLink' });
        continue;
      }
      await this.add(absolute, name, stat, ancestors);
    }
  }
}

async function statFollowing(p: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw err;
  }
}

async function readIgnoreRules(folder: string): Promise<IgnoreRules> {
  try {
    return IgnoreRules.parse(await fs.readFile(path.join(folder, IGNORE_FILE_NAME), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return IgnoreRules.empty();
    throw err;
  }
}

function requireAbsolute(p: string, what: string): void {
  if (!path.isAbsolute(p)) {
    throw new SourceStagingError('source.notAbsolute', `Internal: the ${what} path ${p} must be absolute (plan with context.baseDir).`, { path: p });
  }
}

/**
 * A file is stored in full each time it appears: tar's hard-link entries would make the archive
 * depend on which names of a multiply-linked file happen to be included (tarfile with
 * `dereference=True` does the same).
 */
class NoHardLinks extends Map<`${number}:${number}`, string> {
  override set(): this {
    return this;
  }
}

/** The gzip-compressed tar of `entries`, in their order. Errors (a file vanished) end the stream with an error. */
export function packSourceArchive(entries: readonly ArchiveEntry[], mtime: Date = SOURCE_ARCHIVE_MTIME): Readable {
  const root = path.parse(entries[0]?.absolutePath ?? process.cwd()).root;
  const out = new PassThrough();
  let next = 0;
  const pack = new Pack({
    gzip: true,
    portable: true,
    follow: true,
    noDirRecurse: true,
    mtime,
    cwd: root,
    // One entry at a time: entries are then created in the order they were added, which is what
    // lets onWriteEntry name them by position (a disk path can appear under two names).
    jobs: 1,
    linkCache: new NoHardLinks(),
    onWriteEntry: (entry) => {
      const expected = entries[next];
      next += 1;
      if (!expected || tarKey(entry.absolute) !== tarKey(expected.absolutePath)) {
        throw new Error(`archive entry out of order: ${entry.absolute}`);
      }
      // tar names an entry after the path it was given; the archive name is ours (dependencies
      // sit at the root under their base name, wherever they are on disk).
      entry.path = expected.kind === 'directory' ? `${expected.name}/` : expected.name;
      // Portable mode drops folders' mtimes; a fixed one keeps extraction tools quiet.
      entry.noMtime = false;
    },
  });
  pack.on('error', (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  // A consumer that gives up (cancellation) stops the packing too.
  out.once('close', () => pack.destroy());
  pack.pipe(out);
  for (const e of entries) pack.add(path.relative(root, e.absolutePath));
  pack.end();
  return out;
}

function tarKey(p: string): string {
  return p.replace(/\\/g, '/');
}

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
  const { s3, upload, signal } = options;
  const where = { bucket: upload.bucket, key: upload.key };
  throwIfCancelled(signal, where);
  const contents = await listSourceArchive(upload, signal).catch((err: unknown) => {
    if (signal?.aborted) throw cancelled(where);
    throw err;
  });
  options.onContents?.(contents);

  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const archive = packSourceArchive(contents.entries);
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
 * lib-storage aborts its multipart upload itself when a part fails, but not when the first
 * request (CreateMultipartUpload) raced a failure; an UploadId it knows of is aborted here again.
 * AbortMultipartUpload is idempotent (NoSuchUpload after the first).
 */
async function abortLeftovers(s3: S3Client, uploader: Upload, where: { bucket: string; key: string }): Promise<void> {
  const uploadId = (uploader as unknown as { uploadId?: string }).uploadId;
  if (!uploadId) return;
  await s3.send(new AbortMultipartUploadCommand({ Bucket: where.bucket, Key: where.key, UploadId: uploadId })).catch(() => undefined);
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
  return new SourceStagingError('upload.failed', `Uploading the source archive to ${uri} failed: ${serviceMessage}. ${next}`, { ...where, uri, serviceCode, serviceMessage }, { cause: err });
}
