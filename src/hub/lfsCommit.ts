// A commit of a model folder through plain LFS, the Hub's own protocol step by step (preupload → LFS batch
// → PUTs → NDJSON commit), as @huggingface/hub's commitIter runs it for `useXet: false`, with three
// differences that commitIter cannot be asked for (it always hashes every LFS file itself, all of them
// before the first byte is sent):
//
// - a file whose sha256 is already known (the model folder's hash record) is not read before it is sent;
// - the others are hashed one after another in a worker thread (fileHasher.ts), and each is offered to
//   the LFS batch as soon as its hash is known, so file i is sent while file i+1 is hashed;
// - the batch is asked first: objects the Hub already holds come back without an upload action and are
//   not sent at all (commitIter does the same), so an unchanged re-push sends no large file.
//
// Requests, headers, bodies and error shapes are the client's (node_modules/@huggingface/hub/src/lib/
// commit.ts), so hubErrors reads our failures as it reads the client's. Transfer 'xet' still goes through
// commitIter (pushModelFolder.ts).

import { HubApiError } from '@huggingface/hub';
import { sameStamp } from '../artifacts/hashRecord';
import { FileHasher } from './fileHasher';
import type { FileHashStamp } from './fileHashProtocol';
import { FileChangedError, LocalFileBlob } from './localFileBlob';

export type LfsCommitPhase = 'preuploading' | 'uploadingLargeFiles' | 'committing';

/** What commitIter yields, so pushModelFolder reads both alike. */
export type LfsCommitEvent = { event: 'phase'; phase: LfsCommitPhase } | { event: 'fileProgress'; path: string; state: 'hashing' | 'uploading'; progress: number };

export interface LfsCommitFile {
  /** The path in the repository. */
  path: string;
  absolutePath: string;
  size: number;
  /** The file's stamp when it was listed: a digest is used only for the content that stamp stands for. */
  stamp: FileHashStamp;
  /** A sha256 known without reading the file (the hash record, checked against `stamp` by the caller). */
  knownSha256?: string;
}

export interface LfsCommitOptions {
  repo: string;
  accessToken: string;
  hubUrl: string;
  title: string;
  files: readonly LfsCommitFile[];
  /** Every request goes through it; fileUploadFetch streams the PUT bodies. */
  fetch: typeof fetch;
  signal?: AbortSignal;
  onEvent: (event: LfsCommitEvent) => void;
  /** Told each digest computed during this commit, as soon as it is known (even if the commit fails later). */
  onHashed?: (file: LfsCommitFile, sha256: string) => void;
}

export interface LfsCommittedFile {
  path: string;
  sha256: string;
  /** Read and hashed during this push (false: the hash was known). */
  hashed: boolean;
  /** Its bytes were sent (false: the Hub already held the object). */
  uploaded: boolean;
}

export interface LfsCommitResult {
  commit: { oid: string; url: string };
  /** The files that went through LFS, in the listing's order. */
  lfs: LfsCommittedFile[];
}

/** The client's limits: 100 files per preupload or batch call, 5 uploads (and 5 parts of one) at a time. */
const CHUNK = 100;
const CONCURRENT_UPLOADS = 5;
const MULTIPART_PARALLEL_UPLOAD = 5;
const LFS_JSON = 'application/vnd.git-lfs+json';

interface UploadAction {
  href: string;
  header?: Record<string, string>;
}

interface BatchObject {
  oid: string;
  size: number;
  error?: { code: number; message: string };
  actions?: { upload?: UploadAction };
}

interface LfsState extends LfsCommittedFile {
  file: LfsCommitFile;
}

export async function lfsCommit(opts: LfsCommitOptions): Promise<LfsCommitResult> {
  const { hubUrl, repo, accessToken } = opts;
  const auth = { Authorization: `Bearer ${accessToken}` };
  opts.onEvent({ event: 'phase', phase: 'preuploading' });
  opts.signal?.throwIfAborted();

  const gitattributesFile = opts.files.find((f) => f.path === '.gitattributes');
  const gitAttributes = gitattributesFile ? await LocalFileBlob.ofFile(gitattributesFile.absolutePath, gitattributesFile.size).text() : undefined;
  const lfsPaths = new Set<string>();
  for (let i = 0; i < opts.files.length; i += CHUNK) {
    const files = await Promise.all(
      opts.files.slice(i, i + CHUNK).map(async (f) => ({
        path: f.path,
        size: f.size,
        sample: Buffer.from(await LocalFileBlob.ofFile(f.absolutePath, f.size).slice(0, 512).bytes()).toString('base64'),
      })),
    );
    opts.signal?.throwIfAborted();
    const res = await opts.fetch(`${hubUrl}/api/models/${repo}/preupload/main`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...(gitAttributes !== undefined ? { gitAttributes } : {}), files }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!res.ok) throw await apiError(res);
    const json = (await res.json()) as { files: Array<{ path: string; uploadMode: string }> };
    for (const f of json.files) if (f.uploadMode === 'lfs') lfsPaths.add(f.path);
  }

  opts.onEvent({ event: 'phase', phase: 'uploadingLargeFiles' });
  const lfs: LfsState[] = opts.files.filter((f) => lfsPaths.has(f.path)).map((file) => ({ file, path: file.path, sha256: file.knownSha256 ?? '', hashed: false, uploaded: false }));
  await uploadLargeFiles(opts, lfs);

  opts.signal?.throwIfAborted();
  opts.onEvent({ event: 'phase', phase: 'committing' });
  const lines: unknown[] = [{ key: 'header', value: { summary: opts.title } }];
  const byPath = new Map(lfs.map((s) => [s.path, s]));
  for (const f of opts.files) {
    const large = byPath.get(f.path);
    if (large) lines.push({ key: 'lfsFile', value: { path: f.path, algo: 'sha256', size: f.size, oid: large.sha256 } });
    else
      lines.push({ key: 'file', value: { content: Buffer.from(await LocalFileBlob.ofFile(f.absolutePath, f.size).bytes()).toString('base64'), path: f.path, encoding: 'base64' } });
  }
  const res = await opts.fetch(`${hubUrl}/api/models/${repo}/commit/main`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/x-ndjson' },
    body: lines.map((l) => JSON.stringify(l)).join('\n'),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (!res.ok) throw await apiError(res);
  const json = (await res.json()) as { commitOid: string; commitUrl: string };
  return { commit: { oid: json.commitOid, url: json.commitUrl }, lfs: lfs.map(({ path, sha256, hashed, uploaded }) => ({ path, sha256, hashed, uploaded })) };
}

/**
 * Known digests are offered to the batch at once; the rest are hashed in the worker, one after another,
 * each offered as soon as it is known. Uploads start as the batch grants them, up to CONCURRENT_UPLOADS at
 * a time, while the worker goes on hashing. The first failure stops everything (the worker, every upload).
 */
async function uploadLargeFiles(opts: LfsCommitOptions, lfs: LfsState[]): Promise<void> {
  if (lfs.length === 0) return;
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    stop.abort(error);
  };
  const running: Array<Promise<void>> = [];
  const track = (work: Promise<void>) => running.push(work.catch(fail));
  const slots = new Slots(CONCURRENT_UPLOADS);
  const progress = (path: string, state: 'hashing' | 'uploading', value: number) => opts.onEvent({ event: 'fileProgress', path, state, progress: value });

  // An object is asked for once per push: a later file of the same content is the same object, which
  // the first ask sends (or the Hub already holds), so it is neither asked for again nor sent twice.
  const asked = new Set<string>();
  const ask = async (states: LfsState[]) => {
    const batch = states.filter((s) => !asked.has(s.sha256));
    for (const s of states) if (!batch.includes(s)) progress(s.path, 'uploading', 1);
    for (const s of batch) asked.add(s.sha256);
    if (batch.length === 0) return;
    const answers = await lfsBatch(opts, batch, stop.signal);
    for (const { state, object, requestId } of answers) {
      const upload = object.actions?.upload;
      if (!upload) {
        progress(state.path, 'uploading', 1);
        continue;
      }
      track(slots.run(() => uploadOne(opts, state, upload, requestId, stop.signal)));
    }
  };

  try {
    const known = lfs.filter((s) => s.sha256);
    for (let i = 0; i < known.length; i += CHUNK) track(ask(known.slice(i, i + CHUNK)));
    const unknown = lfs.filter((s) => !s.sha256);
    if (unknown.length > 0) {
      const hasher = new FileHasher();
      try {
        for (const state of unknown) {
          if (failure) break;
          const { file } = state;
          progress(state.path, 'hashing', 0);
          const digest = await hasher.hash(file.absolutePath, (bytes) => bytes < file.size && progress(state.path, 'hashing', bytes / file.size), stop.signal);
          if (!sameStamp(digest.before, file.stamp) || !sameStamp(digest.after, file.stamp) || digest.bytes !== file.size) {
            throw new FileChangedError(file.absolutePath, 'changed');
          }
          state.sha256 = digest.sha256;
          state.hashed = true;
          progress(state.path, 'hashing', 1);
          opts.onHashed?.(file, digest.sha256);
          track(ask([state]));
        }
      } catch (err) {
        fail(err);
      } finally {
        await hasher.close();
      }
    }
    // Uploads are added while earlier ones run: wait until none is left.
    for (let i = 0; i < running.length; i++) await running[i];
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure.error;
}

async function lfsBatch(opts: LfsCommitOptions, batch: LfsState[], signal: AbortSignal): Promise<Array<{ state: LfsState; object: BatchObject; requestId: string | undefined }>> {
  signal.throwIfAborted();
  const res = await opts.fetch(`${opts.hubUrl}/${opts.repo}.git/info/lfs/objects/batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${opts.accessToken}`, Accept: LFS_JSON, 'Content-Type': LFS_JSON },
    body: JSON.stringify({
      operation: 'upload',
      transfers: ['basic', 'multipart'],
      hash_algo: 'sha_256',
      ref: { name: 'main' },
      // Files of the same content are one object: asked once, sent once.
      objects: [...new Map(batch.map((s) => [s.sha256, { oid: s.sha256, size: s.file.size }])).values()],
    }),
    signal,
  });
  if (!res.ok) throw await apiError(res);
  const requestId = res.headers.get('X-Request-Id') ?? undefined;
  const json = (await res.json()) as { objects: BatchObject[] };
  const answers: Array<{ state: LfsState; object: BatchObject; requestId: string | undefined }> = [];
  const answered = new Set<string>();
  for (const object of json.objects) {
    const states = batch.filter((s) => s.sha256 === object.oid);
    if (states.length === 0) throw new Error(`The Hub's LFS batch answered for an object it was not asked about (${object.oid}).`);
    if (answered.has(object.oid)) continue;
    answered.add(object.oid);
    for (const [i, state] of states.entries()) {
      if (object.error) {
        throw new HubApiError(
          res.url,
          object.error.code,
          requestId,
          `Error while doing LFS batch call for ${state.path}: ${object.error.message}${requestId ? ` - Request ID: ${requestId}` : ''}`,
        );
      }
      // Only the first file of an object sends it; the others are the same bytes, stored once.
      answers.push({ state, object: i === 0 ? object : { oid: object.oid, size: object.size }, requestId });
    }
  }
  return answers;
}

async function uploadOne(opts: LfsCommitOptions, state: LfsState, upload: UploadAction, requestId: string | undefined, signal: AbortSignal): Promise<void> {
  const { file } = state;
  const progressCallback = (progress: number) => opts.onEvent({ event: 'fileProgress', path: file.path, state: 'uploading', progress });
  progressCallback(0);
  const content = LocalFileBlob.ofFile(file.absolutePath, file.size);
  const chunkSize = upload.header?.chunk_size ? parseInt(upload.header.chunk_size, 10) : undefined;
  if (chunkSize) {
    const header = upload.header!;
    const parts = Object.keys(header).filter((key) => /^[0-9]+$/.test(key));
    if (parts.length !== Math.ceil(file.size / chunkSize)) throw new Error('Invalid server response to upload large LFS file, wrong number of parts');
    const etags: string[] = [];
    const partSlots = new Slots(MULTIPART_PARALLEL_UPLOAD);
    await Promise.all(
      parts.map((part) =>
        partSlots.run(async () => {
          signal.throwIfAborted();
          const index = parseInt(part, 10) - 1;
          const res = await opts.fetch(header[part]!, {
            method: 'PUT',
            body: content.slice(index * chunkSize, (index + 1) * chunkSize),
            signal,
            ...{ progressHint: { path: file.path, part: index, numParts: parts.length, progressCallback } },
          });
          if (!res.ok) throw await apiError(res, { requestId, message: `Error while uploading part ${part} of ${file.path} to LFS storage` });
          const etag = res.headers.get('ETag');
          if (!etag) throw new Error('Cannot get ETag of part during multipart upload');
          etags[index] = etag;
        }),
      ),
    );
    signal.throwIfAborted();
    const res = await opts.fetch(upload.href, {
      method: 'POST',
      body: JSON.stringify({ oid: state.sha256, parts: parts.map((part) => ({ partNumber: +part, etag: etags[+part - 1] ?? '' })) }),
      headers: { Accept: LFS_JSON, 'Content-Type': LFS_JSON },
      signal,
    });
    if (!res.ok) throw await apiError(res, { requestId, message: `Error completing multipart upload of ${file.path} to LFS storage` });
  } else {
    const res = await opts.fetch(upload.href, {
      method: 'PUT',
      headers: requestId ? { 'X-Request-Id': requestId } : {},
      body: content,
      signal,
      ...{ progressHint: { path: file.path, progressCallback } },
    });
    if (!res.ok) throw await apiError(res, { requestId, message: `Error while uploading ${file.path} to LFS storage` });
  }
  state.uploaded = true;
  progressCallback(1);
}

/** A HubApiError as the client's createApiError builds it (status, URL, request id, the server's words in `data`). */
async function apiError(res: Response, opts: { requestId?: string | undefined; message?: string } = {}): Promise<HubApiError> {
  const requestId = res.headers.get('X-Request-Id') ?? opts.requestId;
  const error = new HubApiError(res.url, res.status, requestId);
  error.message = `Api error with status ${res.status}${opts.message ? `. ${opts.message}` : ''}`;
  const trailer = [`URL: ${res.url}`, requestId ? `Request ID: ${requestId}` : undefined].filter(Boolean).join('. ');
  if (res.headers.get('Content-Type')?.startsWith('application/json')) {
    const json = (await res.json().catch(() => ({}))) as { error?: string; message?: string; error_description?: string };
    error.message = json.error || json.message || error.message;
    if (json.error_description) error.message = error.message ? `${error.message}: ${json.error_description}` : json.error_description;
    error.data = json;
  } else {
    error.data = { message: await res.text().catch(() => '') };
  }
  error.message += `. ${trailer}`;
  return error;
}

/** At most `limit` tasks at a time, started in the order they were given. */
class Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    // A finishing task hands its slot over directly, so none is taken in between.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
