// The three walks over a user's folder — the source archive's listing (in the caller's thread and in
// its worker), a local run's copy of source_dir, and a Hub push's listing — on a folder they cannot
// read and on a tree 10,000 folders deep: each says which path and what to do, and none walks on for
// a minute.
//
// Unreadable folders: the tests run as root, for whom `chmod 000` takes nothing away. So the walk
// runs in a child process as the unprivileged user `nobody` (setpriv, util-linux), against a folder
// made unreadable with chmod: a real EACCES from the kernel, not a simulated one. Without root the
// walk simply runs as the current user. When neither is possible the test is skipped, saying why.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listSourceArchive, openSourceArchive } from '../../src/aws/staging/sourceArchive';
import { SourceStagingError } from '../../src/source/stagingError';
import { copyTree, listFiles } from '../../src/local/fileTree';
import { LocalJobError } from '../../src/local/localJobError';
import { listModelFolder } from '../../src/hub/pushModelFolder';
import { HubError } from '../../src/hub/hubErrors';
import { MAX_FOLDER_DEPTH } from '../../src/core/folderWalk';
import { REPO_ROOT } from './repoRoot';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const unprivileged = process.platform === 'win32' ? 'no POSIX permissions' : isRoot && !setpriv ? 'running as root without setpriv: cannot drop privileges to meet EACCES' : false;

let base: string;
before(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'folder-walks-'));
  // Readable (and traversable) by the unprivileged user; only `secret/` is closed below.
  await fs.chmod(base, 0o755);
});
after(() => {
  // GNU rm walks with openat, so it removes trees deeper than PATH_MAX; fs.rm would not.
  if (base) execFileSync('rm', ['-rf', base]);
});

/** `code` run by node as `nobody` when we are root, else as ourselves; it prints one JSON line. */
function runUnprivileged(code: string): { status: number | null; out: unknown; stderr: string } {
  const node = [process.execPath, '-e', code];
  const command = isRoot ? [setpriv!, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', ...node] : node;
  const r = spawnSync(command[0]!, command.slice(1), { cwd: base, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: base } });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, out: last ? JSON.parse(last) : undefined, stderr: r.stderr };
}

/** Prints the thrown error's class, code and message (or "ok") as JSON. */
const reportError = (call: string) => `(async () => {
  try { await ${call}; console.log(JSON.stringify({ ok: true })); }
  catch (e) { console.log(JSON.stringify({ name: e.constructor.name, code: e.code, message: e.message })); }
})();`;

const out = (rel: string) => JSON.stringify(path.join(REPO_ROOT, 'out', rel));

describe('a folder the walk may not read', { skip: unprivileged }, () => {
  let tree: string;
  let secret: string;

  before(async () => {
    tree = path.join(base, 'unreadable');
    secret = path.join(tree, 'data', 'secret');
    await fs.mkdir(secret, { recursive: true });
    await fs.writeFile(path.join(tree, 'train.py'), 'print(1)\n');
    await fs.writeFile(path.join(tree, 'model.safetensors'), 'weights');
    await fs.writeFile(path.join(secret, 'key.pem'), 'private');
    for (const dir of [tree, path.join(tree, 'data')]) await fs.chmod(dir, 0o755);
    for (const file of ['train.py', 'model.safetensors']) await fs.chmod(path.join(tree, file), 0o644);
    await fs.chmod(secret, 0o000);
    // Where the unprivileged copy may write.
    await fs.mkdir(path.join(base, 'writable'));
    await fs.chmod(path.join(base, 'writable'), 0o777);
  });

  after(async () => {
    await fs.chmod(secret, 0o755).catch(() => undefined);
  });

  it('the source archive names the folder and what to do (listed in this thread and in the worker)', () => {
    const source = JSON.stringify({ from: tree, fromKind: 'directory', dependencies: [] });
    for (const call of [
      `require(${out('src/aws/staging/sourceArchive.js')}).listSourceArchive(${source})`,
      `require(${out('src/aws/staging/sourceArchive.js')}).openSourceArchive(${source}, { inThreadLimits: { entries: 0, bytes: 0 } }).then((a) => a.close())`,
    ]) {
      const r = runUnprivileged(reportError(call));
      assert.deepEqual(
        { ...(r.out as object), message: undefined },
        { name: 'SourceStagingError', code: 'source.unreadable', message: undefined },
        `${JSON.stringify(r.out)} ${r.stderr}`,
      );
      assert.equal(
        (r.out as { message: string }).message,
        `Cannot read the folder ${secret} (permission denied, EACCES), so the source archive cannot be packed. Make it readable, or leave it out with a line in .sagemakerignore.`,
      );
    }
  });

  it('a local run’s copy of the code names the folder', () => {
    const r = runUnprivileged(reportError(`require(${out('src/local/fileTree.js')}).copyTree(${JSON.stringify(tree)}, ${JSON.stringify(path.join(base, 'writable', 'copy'))})`));
    assert.deepEqual(
      r.out,
      {
        name: 'LocalJobError',
        code: 'PathUnreadable',
        message: `Cannot read the folder ${secret} (permission denied, EACCES). Make it readable, or leave it out (a line in .sagemakerignore for source_dir).`,
      },
      r.stderr,
    );
  });

  it('a Hub push’s listing names the folder, and nothing is pushed', () => {
    const r = runUnprivileged(reportError(`require(${out('src/hub/pushModelFolder.js')}).listModelFolder(${JSON.stringify(tree)})`));
    assert.deepEqual(
      r.out,
      {
        name: 'HubError',
        code: 'hub.folderUnreadable',
        message: `Cannot read the folder ${secret} (permission denied, EACCES); nothing was pushed. Make it readable, or move it out of the model folder.`,
      },
      r.stderr,
    );
  });

  it('the unprivileged user really cannot read it (the tests above meet a real EACCES)', () => {
    const r = runUnprivileged(reportError(`require('node:fs/promises').readdir(${JSON.stringify(secret)})`));
    assert.equal((r.out as { code?: string }).code, 'EACCES', r.stderr);
  });
});

// A walk that ignores the limit takes minutes here: the timeout turns that into a failure.
describe(`a tree deeper than ${MAX_FOLDER_DEPTH} folders`, { timeout: 60_000 }, () => {
  let deep: string;

  before(() => {
    // 10,000 levels of `d`: 20,000 characters of path, more than the kernel takes in one call, so it is
    // built with relative mkdirs in 20 steps of 500 levels.
    deep = path.join(base, 'deep');
    const step = Array(500).fill('d').join('/');
    execFileSync('bash', ['-c', `mkdir -p "$1" && cd "$1" && for i in $(seq 20); do mkdir -p ${step} && cd ${step}; done && echo x > leaf.py`, 'bash', deep]);
  });

  const tooDeep = () => new RegExp(`is more than ${MAX_FOLDER_DEPTH} folders below ${deep.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`);
  // Walking all 10,000 levels took 78 s; refusing at level 257 takes milliseconds.
  const quickly = async (walk: () => Promise<unknown>): Promise<unknown> => {
    const started = performance.now();
    const err = await walk().then(
      () => assert.fail('the walk went through'),
      (e: unknown) => e,
    );
    assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
    return err;
  };

  it('the source archive refuses it, naming the folder at the limit (in this thread and in the worker)', async () => {
    const source = { from: deep, fromKind: 'directory' as const, dependencies: [] };
    for (const walk of [() => listSourceArchive(source), () => openSourceArchive(source, { inThreadLimits: { entries: 0, bytes: 0 } }).then((a) => a.close())]) {
      const err = await quickly(walk);
      assert.ok(err instanceof SourceStagingError, String(err));
      assert.equal(err.code, 'source.tooDeep');
      assert.match(err.message, tooDeep());
      assert.match(err.message, /Leave the folder out with a line in \.sagemakerignore, or move the code to a shallower folder\.$/);
      assert.equal(err.context.depth, MAX_FOLDER_DEPTH + 1);
    }
  });

  it('a local run’s copy and shard listing refuse it', async () => {
    for (const walk of [() => copyTree(deep, path.join(base, 'deep-copy')), () => listFiles(deep)]) {
      const err = await quickly(walk);
      assert.ok(err instanceof LocalJobError, String(err));
      assert.equal(err.code, 'FolderTooDeep');
      assert.match(err.message, tooDeep());
    }
  });

  it('a Hub push’s listing refuses it', async () => {
    const err = await quickly(() => listModelFolder(deep));
    assert.ok(err instanceof HubError, String(err));
    assert.equal(err.code, 'hub.folderUnreadable');
    assert.match(err.message, tooDeep());
  });

  it(`takes a tree exactly ${MAX_FOLDER_DEPTH} folders deep`, async () => {
    const ok = path.join(base, 'deep-enough');
    const leafDir = path.join(ok, ...Array(MAX_FOLDER_DEPTH).fill('d'));
    await fs.mkdir(leafDir, { recursive: true });
    await fs.writeFile(path.join(leafDir, 'leaf.py'), 'x\n');
    const contents = await listSourceArchive({ from: ok, fromKind: 'directory', dependencies: [] });
    assert.equal(contents.files, 1);
    assert.deepEqual(await listFiles(ok), [`${Array(MAX_FOLDER_DEPTH).fill('d').join('/')}/leaf.py`]);
    assert.equal((await listModelFolder(ok)).files.length, 1);
  });
});
