// The emulated Hub's model repositories: commits as whole trees (small files by value, LFS files as pointers
// into the emulator's blob folder), branches, and the rules the Hub applies when it decides whether a file
// must go through LFS. Kept apart from the HTTP layer so the rules read on their own.

import { createHash, randomBytes } from 'node:crypto';

/** The Hub sends files of 10 MiB or more through LFS whatever their content. */
export const LFS_SIZE_THRESHOLD = 10 * 1024 * 1024;

/**
 * The `.gitattributes` a new repository starts with (abridged from the Hub's template): binary formats that
 * model folders carry go to LFS by name even when they are small.
 */
export const DEFAULT_GITATTRIBUTES = [
  '*.7z',
  '*.arrow',
  '*.bin',
  '*.bz2',
  '*.ckpt',
  '*.ftz',
  '*.gz',
  '*.h5',
  '*.joblib',
  '*.lfs',
  '*.mlmodel',
  '*.model',
  '*.msgpack',
  '*.npy',
  '*.npz',
  '*.onnx',
  '*.ot',
  '*.parquet',
  '*.pb',
  '*.pickle',
  '*.pkl',
  '*.pt',
  '*.pth',
  '*.rar',
  '*.safetensors',
  'saved_model/**/*',
  '*.tar.*',
  '*.tar',
  '*.tflite',
  '*.tgz',
  '*.wasm',
  '*.xz',
  '*.zip',
  '*.zst',
  '*tfevents*',
]
  .map((pattern) => `${pattern} filter=lfs diff=lfs merge=lfs -text`)
  .join('\n')
  .concat('\n');

export type RepoEntry = { kind: 'regular'; content: Buffer; blobOid: string } | { kind: 'lfs'; oid: string; size: number };

export type CommitChange =
  | { op: 'file'; path: string; size: number }
  | { op: 'lfsFile'; path: string; oid: string; size: number }
  | { op: 'deletedFile'; path: string }
  | { op: 'deletedFolder'; path: string };

export interface RepoCommit {
  oid: string;
  title: string;
  description?: string;
  parent?: string;
  author: string;
  createdAt: Date;
  changes: CommitChange[];
  /** The whole tree after this commit; entries are shared with earlier trees, never mutated. */
  tree: ReadonlyMap<string, RepoEntry>;
}

export interface EmulatedRepo {
  /** `namespace/name` */
  id: string;
  /** The Mongo-style id the Hub returns as `id` from repos/create and `_id` from model info. */
  objectId: string;
  private: boolean;
  license?: string;
  createdAt: Date;
  /** Oldest first; index 0 is the Hub's "initial commit" with `.gitattributes`. */
  commits: RepoCommit[];
  branches: Map<string, string>;
}

/** The git blob id of a small file, which the Hub reports as its ETag and as `oid` in preupload answers. */
export function gitBlobOid(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export function newObjectId(): string {
  return randomBytes(12).toString('hex');
}

let commitSequence = 0;

export function makeCommit(parent: RepoCommit | undefined, fields: Omit<RepoCommit, 'oid' | 'parent' | 'createdAt'>): RepoCommit {
  commitSequence += 1;
  const oid = createHash('sha1')
    .update(JSON.stringify({ parent: parent?.oid, title: fields.title, changes: fields.changes, n: commitSequence }))
    .digest('hex');
  return { ...fields, oid, ...(parent ? { parent: parent.oid } : {}), createdAt: new Date() };
}

export function createEmulatedRepo(id: string, opts: { private: boolean; license?: string; author: string; files?: Array<{ path: string; content: Buffer }> }): EmulatedRepo {
  const tree = new Map<string, RepoEntry>();
  const gitattributes = Buffer.from(DEFAULT_GITATTRIBUTES);
  tree.set('.gitattributes', { kind: 'regular', content: gitattributes, blobOid: gitBlobOid(gitattributes) });
  const changes: CommitChange[] = [{ op: 'file', path: '.gitattributes', size: gitattributes.length }];
  for (const f of opts.files ?? []) {
    tree.set(f.path, { kind: 'regular', content: f.content, blobOid: gitBlobOid(f.content) });
    changes.push({ op: 'file', path: f.path, size: f.content.length });
  }
  const initial = makeCommit(undefined, { title: 'initial commit', author: opts.author, changes, tree });
  return {
    id,
    objectId: newObjectId(),
    private: opts.private,
    ...(opts.license ? { license: opts.license } : {}),
    createdAt: new Date(),
    commits: [initial],
    branches: new Map([['main', initial.oid]]),
  };
}

/** A branch name or a (full) commit id; undefined when the repository has no such revision. */
export function commitAt(repo: EmulatedRepo, rev: string): RepoCommit | undefined {
  const oid = repo.branches.get(rev) ?? rev;
  return repo.commits.find((c) => c.oid === oid);
}

/**
 * The Hub's repository name rule as huggingface_hub's validate_repo_id states it: letters, digits, `-`, `_`,
 * `.`, starting and ending with a letter, digit or `_`; no `--`/`..`; at most 96 characters; not `….git`.
 * Written here on its own (not imported from src/) so that the client's check is tested against it.
 */
export function isValidRepoName(name: string): boolean {
  return /^[A-Za-z0-9_]([A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/.test(name) && !name.includes('--') && !name.includes('..') && !name.endsWith('.git');
}

/** The patterns a `.gitattributes` text sends to LFS (`filter=lfs`), as path matchers. */
export function lfsMatchers(gitattributes: string): Array<(path: string) => boolean> {
  return gitattributes
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && /\bfilter=lfs\b/.test(line))
    .map((line) => globMatcher(line.split(/\s+/)[0]!));
}

/** gitattributes globbing, enough for the Hub's template: a pattern without `/` matches the base name. */
function globMatcher(pattern: string): (path: string) => boolean {
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]'),
    )
    .join('.*');
  const re = new RegExp(`^${source}$`);
  return pattern.includes('/') ? (p) => re.test(p) : (p) => re.test(p.slice(p.lastIndexOf('/') + 1));
}

/** Git's own test for binary content: a NUL byte in the sample. */
export function looksBinary(sample: Buffer): boolean {
  return sample.includes(0);
}

/** What the Hub answers in preupload: LFS by `.gitattributes`, by size, or because the sample is binary. */
export function uploadModeFor(path: string, size: number, sample: Buffer, matchers: Array<(path: string) => boolean>): 'lfs' | 'regular' {
  if (matchers.some((m) => m(path))) return 'lfs';
  if (size >= LFS_SIZE_THRESHOLD) return 'lfs';
  return looksBinary(sample) ? 'lfs' : 'regular';
}
