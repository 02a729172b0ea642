// Pushes a trained model folder to a Hub model repository over HTTP (create repo → preupload → LFS → NDJSON
// commit, all through @huggingface/hub), replacing the blog's password login + git/git-lfs push.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { HUB_URL, commitIter, createRepo } from '@huggingface/hub';
import { HASH_RECORD_PATH, readHashRecord, recordedSha256, stampOf, writeHashRecord } from '../artifacts/hashRecord';
import type { FileStamp, HashEntry } from '../artifacts/hashRecord';
import { hubRepoIdProblem } from '../core/hubRepoId';
import { MAX_FOLDER_DEPTH, tooDeepText, unreadableText } from '../core/folderWalk';
import { fetchWithSignal } from './hubAccount';
import { fileUploadFetch } from './fileUploadFetch';
import { HubError, hubApiFailure, isAbort, networkFailureCode, toHubError } from './hubErrors';
import type { HubFailureSituation } from './hubErrors';
import { redactHubTokens } from './hubToken';
import { lfsCommit } from './lfsCommit';
import type { LfsCommitEvent, LfsCommittedFile } from './lfsCommit';
import { LocalFileBlob } from './localFileBlob';

export interface ModelFolderFile {
  /** Relative to the folder, `/`-separated: the path in the repository. */
  path: string;
  absolutePath: string;
  size: number;
  /** Size, mtime and ctime when listed (of the link's target for a link): what a recorded hash must match. */
  stamp: FileStamp;
}

/** A file symlink in the model folder whose target lies outside it: a push would upload that file's content. */
export interface ModelFolderLink {
  /** Relative to the folder, `/`-separated. */
  path: string;
  /** Where it leads, every link resolved. */
  target: string;
}

export interface ModelFolderListing {
  files: ModelFolderFile[];
  /** Relative paths of the entries left out, so a UI can say what it did not push. */
  skipped: string[];
  /** Files among `files` that are links leaving the folder: pushModelFolder sends them only when confirmed. */
  externalLinks: ModelFolderLink[];
}

export interface ModelFolderOptions {
  /** Push the Trainer's intermediate `checkpoint-*` folders too. Default false. */
  includeCheckpoints?: boolean;
}

/**
 * Folders never pushed: version-control and tool caches. `.cache` is where huggingface_hub keeps its
 * download metadata inside a local folder; it describes another repository, not this model.
 */
const SKIPPED_DIRECTORIES = new Set(['.git', '.cache', '__pycache__', '.ipynb_checkpoints', '.venv', 'node_modules']);
const SKIPPED_FILES = new Set(['.DS_Store', 'Thumbs.db']);
/**
 * The Trainer's intermediate checkpoints (`checkpoint-500/` …) each hold a full copy of the weights plus the
 * optimizer state, several times the model's size. transformers' own `Trainer.push_to_hub` leaves them out
 * the same way; `includeCheckpoints` brings them back for those who resume training from the Hub.
 */
const CHECKPOINT_DIRECTORY = /^checkpoint-\d+$/;

/**
 * The files a push would send, walking the folder: file symlinks are followed (those that leave the
 * folder are listed in `externalLinks`), folder symlinks are not. A folder that cannot be read, or more
 * than MAX_FOLDER_DEPTH below `folder`, is a `hub.folderUnreadable` HubError naming it.
 */
export async function listModelFolder(folder: string, opts: ModelFolderOptions = {}): Promise<ModelFolderListing> {
  const files: ModelFolderFile[] = [];
  const skipped: string[] = [];
  const externalLinks: ModelFolderLink[] = [];
  const realFolder = await fs.realpath(folder);
  const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
    if (depth > MAX_FOLDER_DEPTH)
      throw new HubError('hub.folderUnreadable', `${tooDeepText(dir, folder)}; nothing was pushed. Move what should not be pushed out of the model folder.`);
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      throw new HubError('hub.folderUnreadable', `${unreadableText('folder', dir, code)}; nothing was pushed. Make it readable, or move it out of the model folder.`);
    });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name) || (!opts.includeCheckpoints && CHECKPOINT_DIRECTORY.test(entry.name))) skipped.push(`${rel}/`);
        else await walk(abs, rel, depth + 1);
        continue;
      }
      if (SKIPPED_FILES.has(entry.name) || entry.name.endsWith('.pyc')) {
        skipped.push(rel);
        continue;
      }
      const stat = await fs.stat(abs, { bigint: true }).catch(() => undefined);
      if (!stat?.isFile()) {
        skipped.push(rel);
        continue;
      }
      files.push({ path: rel, absolutePath: abs, size: Number(stat.size), stamp: stampOf(stat) });
      if (entry.isSymbolicLink()) {
        const target = await fs.realpath(abs);
        const inside = path.relative(realFolder, target);
        if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) externalLinks.push({ path: rel, target });
      }
    }
  };
  await walk(folder, '', 0);
  return { files, skipped, externalLinks };
}

/** `path → target`, one a line, at most `max`, for messages. */
export function describeModelFolderLinks(links: readonly ModelFolderLink[], max = 10): string {
  const shown = links.slice(0, max).map((l) => `${l.path} → ${l.target}`);
  if (links.length > max) shown.push(`and ${links.length - max} more`);
  return shown.join('\n');
}

export type PushPhase = 'preuploading' | 'uploadingLargeFiles' | 'committing';

export type PushProgress =
  | { kind: 'listed'; files: number; bytes: number; skipped: string[] }
  | { kind: 'repo'; repo: string; repoUrl: string; created: boolean }
  | { kind: 'phase'; phase: PushPhase }
  /** Per LFS file: hashing then uploading, progress 0..1 (uploading reaches 1 once the storage has accepted the file). */
  | { kind: 'file'; path: string; state: 'hashing' | 'uploading'; progress: number }
  /** An upload (or one part of it) failed for a passing reason and starts again from the file after `delayMs`. */
  | { kind: 'retry'; path: string; attempt: number; attempts: number; reason: string; delayMs: number }
  | { kind: 'committed'; commitOid: string; commitUrl: string };

export interface PushModelFolderOptions extends ModelFolderOptions {
  folder: string;
  /** `namespace/name` */
  repo: string;
  /** Visibility for a repository we create; an existing repository keeps its own. Unset: the namespace's default. */
  private?: boolean;
  commitMessage?: string;
  accessToken: string;
  hubUrl?: string;
  onProgress?: (event: PushProgress) => void;
  signal?: AbortSignal;
  /** How large files travel; default 'lfs' (see HubTransfer). */
  transfer?: HubTransfer;
  /** Pauses before each new attempt of a plain LFS upload that failed for a passing reason (fileUploadFetch's default: 1, 3, 9 s). */
  uploadRetryDelaysMs?: readonly number[];
  /**
   * Asked, before the Hub is called, when files of the folder are links that leave it: true pushes
   * their targets' content too. Absent or false refuses the push (`hub.externalLinks`), naming them.
   */
  confirmExternalLinks?: (links: readonly ModelFolderLink[]) => boolean | Promise<boolean>;
}

/**
 * How large files are sent. 'lfs': plain LFS (one sha256 pass, then the bytes as they are, streamed from disk),
 * which the Hub accepts for every repository, Xet-backed ones included (its LFS bridge). 'xet': the Xet
 * protocol, the hub client's own default: content-defined chunks, each hashed and LZ4-compressed in
 * JavaScript on this thread, so only chunks the Hub lacks are sent. Xet saves bytes when a push repeats most
 * of a large file the Hub already holds; fine-tuned weights share no chunks with their base, and whole files
 * already on the Hub are skipped by both. 'xet' is CPU-bound on the pushing thread (the extension host's) and
 * stalls its event loop, where 'lfs' costs one hash pass and then goes at the link's speed (both measured
 * side by side in docs/PERFORMANCE.md, Hub upload), hence the default.
 */
export type HubTransfer = 'lfs' | 'xet';
export const HUB_TRANSFERS: readonly HubTransfer[] = ['lfs', 'xet'];

export interface PushedFile {
  path: string;
  size: number;
  /** Sent through LFS (the Hub decided: size, binary content or a .gitattributes pattern). */
  lfs: boolean;
  /** Plain LFS only: the file's sha256 (its LFS object id). */
  sha256?: string;
  /** Plain LFS only: read and hashed by this push; false when the model folder's hash record had it. */
  hashed?: boolean;
  /** Plain LFS only: its bytes were sent; false when the Hub already held the object. */
  uploaded?: boolean;
}

export interface PushResult {
  repo: string;
  repoUrl: string;
  /** False when the repository already existed. */
  created: boolean;
  commitOid: string;
  commitUrl: string;
  files: PushedFile[];
  skipped: string[];
}

/** Who and where, for error messages; each call site adds what it was doing. */
type Situation = Omit<HubFailureSituation, 'action'>;

const DEFAULT_COMMIT_MESSAGE = 'Upload model trained with SageMaker HF Trainer';

export async function pushModelFolder(opts: PushModelFolderOptions): Promise<PushResult> {
  const hubUrl = (opts.hubUrl ?? HUB_URL).replace(/\/+$/, '');
  const repo = opts.repo;
  const namespace = repo.split('/')[0] ?? '';
  const situation = { hubUrl, repo, namespace, token: opts.accessToken, ...(opts.signal ? { signal: opts.signal } : {}) };
  const emit = (event: PushProgress) => {
    try {
      opts.onProgress?.(event);
    } catch {
      // A failing progress view must not fail the push.
    }
  };

  const repoProblem = hubRepoIdProblem(repo, { namespace: 'required' });
  if (repoProblem) throw new HubError('hub.repoNameInvalid', repoProblem, { repo, hubUrl });
  if (!opts.accessToken) {
    throw new HubError('hub.tokenMissing', "No Hugging Face token: set one with 'SageMaker HF: Set Hugging Face Token' (the CLI reads HF_TOKEN).", { repo, hubUrl });
  }

  let listing: ModelFolderListing;
  try {
    listing = await listModelFolder(opts.folder, opts);
  } catch (err) {
    if (err instanceof HubError) throw new HubError(err.code, err.message, { repo, hubUrl });
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new HubError('hub.folderUnreadable', `Cannot read the model folder ${opts.folder} (${code}).`, { repo, hubUrl });
  }
  if (listing.files.length === 0) {
    throw new HubError('hub.folderEmpty', `The model folder ${opts.folder} has no files to push${listing.skipped.length ? ` (left out: ${listing.skipped.join(', ')})` : ''}.`, {
      repo,
      hubUrl,
    });
  }
  if (listing.externalLinks.length > 0) {
    const links = listing.externalLinks;
    const confirmed = opts.confirmExternalLinks ? await opts.confirmExternalLinks(links) : false;
    if (opts.signal?.aborted) throw new HubError('cancelled', `Push to ${repo} cancelled; nothing was pushed.`, { repo, hubUrl });
    if (!confirmed) {
      const one = links.length === 1;
      throw new HubError(
        'hub.externalLinks',
        `${one ? 'A file' : `${links.length} files`} in ${opts.folder} ${one ? 'is a symbolic link' : 'are symbolic links'} to ${one ? 'a file' : 'files'} outside it, so the push would publish ${one ? 'its' : 'their'} content to ${repo}:\n${describeModelFolderLinks(links)}\nNothing was pushed. Remove or replace ${one ? 'the link' : 'the links'}, or confirm that ${one ? 'its target belongs' : 'their targets belong'} in the model (sagemaker-hf push --follow-external-links).`,
        { repo, hubUrl, file: links[0]!.path },
      );
    }
  }
  emit({ kind: 'listed', files: listing.files.length, bytes: listing.files.reduce((n, f) => n + f.size, 0), skipped: listing.skipped });

  const { repoUrl, created } = await ensureRepo(opts, hubUrl, situation);
  emit({ kind: 'repo', repo, repoUrl, created });

  const lfsPaths = new Set<string>();
  const uploading = new Set<string>();
  const lastReported = new Map<string, number>();
  let phase: PushPhase | undefined;
  /** One event of the commit (ours or the client's commitIter, which yield the same shapes), to the caller. */
  const onCommitEvent = (event: LfsCommitEvent) => {
    if (event.event === 'phase') {
      phase = event.phase;
      emit({ kind: 'phase', phase });
      return;
    }
    if (event.state !== 'hashing' && event.state !== 'uploading') return;
    if (event.state === 'hashing' || phase === 'uploadingLargeFiles') lfsPaths.add(event.path);
    if (event.state === 'uploading' && phase === 'uploadingLargeFiles') {
      if (event.progress < 1) uploading.add(event.path);
      else uploading.delete(event.path);
    }
    // Hashing and uploading report every few MiB; a hundred steps a file are plenty for any progress display.
    const key = `${event.state}:${event.path}`;
    const last = lastReported.get(key);
    if (last === undefined || event.progress >= 1 || event.progress - last >= 0.01) {
      lastReported.set(key, event.progress);
      emit({ kind: 'file', path: event.path, state: event.state, progress: event.progress });
    }
  };
  const uploadFetch = fileUploadFetch({
    ...(opts.uploadRetryDelaysMs ? { retryDelaysMs: opts.uploadRetryDelaysMs } : {}),
    onRetry: (retry) => {
      const file = listing.files.find((f) => f.absolutePath === retry.filePath);
      // The upload starts over from 0: let its next progress through however close it is to the last shown.
      if (file) lastReported.delete(`uploading:${file.path}`);
      emit({
        kind: 'retry',
        path: file?.path ?? path.basename(retry.filePath),
        attempt: retry.attempt,
        attempts: retry.attempts,
        reason: retry.reason,
        delayMs: retry.delayMs,
      });
    },
  });
  const title = opts.commitMessage?.trim() || DEFAULT_COMMIT_MESSAGE;

  if (opts.transfer !== 'xet') {
    // Plain LFS: our own commit, which uses the hash record, hashes the rest in a worker while sending, and
    // sends only what the Hub lacks (lfsCommit.ts).
    const record = await readHashRecord(opts.folder);
    const fromRecord = new Set<string>();
    const hashedNow: Array<[string, HashEntry]> = [];
    let committed: LfsCommittedFile[] | undefined;
    let failure: HubError | undefined;
    try {
      opts.signal?.throwIfAborted();
      const output = await lfsCommit({
        repo,
        accessToken: opts.accessToken,
        hubUrl,
        title,
        files: listing.files.map((f) => {
          const knownSha256 = recordedSha256(record, f.path, f.stamp);
          if (knownSha256) fromRecord.add(f.path);
          return { ...f, ...(knownSha256 ? { knownSha256 } : {}) };
        }),
        fetch: uploadFetch,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onEvent: onCommitEvent,
        onHashed: (file, sha256) => hashedNow.push([file.path, { ...file.stamp, sha256 }]),
      });
      committed = output.lfs;
      emit({ kind: 'committed', commitOid: output.commit.oid, commitUrl: output.commit.url });
      const byPath = new Map(committed.map((c) => [c.path, c]));
      return {
        repo,
        repoUrl,
        created,
        commitOid: output.commit.oid,
        commitUrl: output.commit.url,
        files: listing.files.map((f) => {
          const large = byPath.get(f.path);
          return large
            ? { path: f.path, size: f.size, lfs: true, sha256: large.sha256, hashed: large.hashed, uploaded: large.uploaded }
            : { path: f.path, size: f.size, lfs: false };
        }),
        skipped: listing.skipped,
      };
    } catch (err) {
      failure = uploadFailure(err, phase, [...lfsPaths], [...uploading], situation);
      // The storage refused bytes sent under a recorded hash: the record was wrong for that file (it is checked
      // against size, mtime and ctime only). Drop the entry, so that the next push hashes the file.
      const refused = failure.context.file;
      if (failure.code === 'hub.uploadFailed' && refused && fromRecord.has(refused) && failure.context.status !== undefined && failure.context.status < 500) {
        await writeHashRecord(opts.folder, hashedNow, { forget: [refused] });
        hashedNow.length = 0;
        failure = new HubError(
          'hub.uploadFailed',
          `${failure.message} The sha256 of ${refused} came from the model folder's hash record (${HASH_RECORD_PATH}) and the Hub found that its content does not match it; that entry is now removed, so pushing again hashes the file.`,
          failure.context,
        );
      }
      throw failure;
    } finally {
      // What was hashed stays recorded, pushed or not: the digests are of the files as they are now.
      if (hashedNow.length > 0) await writeHashRecord(opts.folder, hashedNow);
    }
  }

  try {
    opts.signal?.throwIfAborted();
    // commitIter is what the client's uploadFilesWithProgress runs, minus its XMLHttpRequest wrapper (absent in
    // node). Our blobs and fetch stream each file from disk for hashing and upload instead of holding it.
    const steps = commitIter({
      repo: { type: 'model', name: repo },
      accessToken: opts.accessToken,
      hubUrl,
      operations: listing.files.map((f) => ({ operation: 'addOrUpdate' as const, path: f.path, content: LocalFileBlob.ofFile(f.absolutePath, f.size) })),
      title,
      fetch: uploadFetch,
      ...(opts.signal ? { abortSignal: opts.signal } : {}),
      useXet: true,
    });
    let step = await steps.next();
    let firstEvent = true;
    while (!step.done) {
      const event = step.value;
      if (event.event === 'phase' || (event.event === 'fileProgress' && (event.state === 'hashing' || event.state === 'uploading'))) {
        onCommitEvent(event as LfsCommitEvent);
      }
      // The client subscribes to our signal only after its first event, so an abort right then would be lost:
      // stop it ourselves. Later it stops by itself (its requests and hashing reject with an AbortError, which
      // next() rethrows); closing it early then would leave that rejection unhandled inside the client.
      if (firstEvent && opts.signal?.aborted) {
        await steps.return(undefined);
        opts.signal.throwIfAborted();
      }
      firstEvent = false;
      step = await steps.next();
    }
    const output = step.value;
    if (!output) throw new HubError('hub.requestFailed', `The Hub accepted the upload to ${repo} but returned no commit.`, { repo, hubUrl });
    emit({ kind: 'committed', commitOid: output.commit.oid, commitUrl: output.commit.url });
    return {
      repo,
      repoUrl,
      created,
      commitOid: output.commit.oid,
      commitUrl: output.commit.url,
      files: listing.files.map((f) => ({ path: f.path, size: f.size, lfs: lfsPaths.has(f.path) })),
      skipped: listing.skipped,
    };
  } catch (err) {
    throw uploadFailure(err, phase, [...lfsPaths], [...uploading], situation);
  }
}

async function ensureRepo(opts: PushModelFolderOptions, hubUrl: string, situation: Situation): Promise<{ repoUrl: string; created: boolean }> {
  try {
    const made = await createRepo({
      repo: { type: 'model', name: opts.repo },
      accessToken: opts.accessToken,
      hubUrl,
      ...(opts.private !== undefined ? { visibility: opts.private ? 'private' : 'public' } : {}),
      ...(opts.signal ? { fetch: fetchWithSignal(opts.signal) } : {}),
    });
    return { repoUrl: made.repoUrl || `${hubUrl}/${opts.repo}`, created: true };
  } catch (err) {
    const api = hubApiFailure(err);
    if (api?.status === 409) {
      // The repository exists (as huggingface_hub's create_repo(exist_ok=True) reads a 409); the Hub names its URL.
      const url = (err as { data?: { url?: unknown } }).data?.url;
      return { repoUrl: typeof url === 'string' ? url : `${hubUrl}/${opts.repo}`, created: false };
    }
    throw toHubError(err, { ...situation, action: `create the repository ${opts.repo}` });
  }
}

/**
 * Names the file when large-file storage failed. The hub client aborts the other uploads and rethrows the
 * first failure; its message names the file for non-JSON storage errors, else the upload in flight does.
 */
function uploadFailure(err: unknown, phase: PushPhase | undefined, lfsPaths: string[], inFlight: string[], situation: Situation): HubError {
  const action = phase === 'committing' ? `commit to ${situation.repo}` : `upload to ${situation.repo}`;
  if (err instanceof HubError) return err;
  if (isAbort(err, situation.signal)) return toHubError(err, { ...situation, action });
  const api = hubApiFailure(err);
  const network = api ? undefined : networkFailureCode(err);
  const storageFailure = phase === 'uploadingLargeFiles' && (network !== undefined || (api !== undefined && api.status !== 401 && !api.url.includes('/info/lfs/objects/batch')));
  if (!storageFailure) return toHubError(err, { ...situation, action });
  const message = err instanceof Error ? err.message : '';
  const file = lfsPaths.find((p) => message.includes(` ${p} `)) ?? inFlight[0] ?? lfsPaths[0] ?? 'a large file';
  const detail = api ? `HTTP ${api.status}: ${api.serverMessage}` : `network: ${network}`;
  return new HubError(
    'hub.uploadFailed',
    redactHubTokens(`Uploading ${file} to ${situation.repo} failed (${detail}). Nothing was committed; push again to retry (files already stored are not sent twice).`, [
      situation.token,
    ]),
    {
      hubUrl: situation.hubUrl,
      ...(situation.repo ? { repo: situation.repo } : {}),
      file,
      ...(api ? { status: api.status } : {}),
      ...(network ? { cause: network } : {}),
    },
  );
}
