// sourcedir.tar.gz's bytes and its worker thread. What goes into the archive (ignore rules, links,
// order) and the upload are in staging.test.ts; here: the format (against node-tar, GNU tar and
// Python's tarfile), and the worker — same result as the caller's thread, errors that cross
// threads with their type, cancellation, and the bundle the extension ships.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { IN_THREAD_LIMITS, listSourceArchive, openSourceArchive, SOURCE_ARCHIVE_MTIME } from '../../src/aws/staging/sourceArchive';
import type { ArchiveEntry, ArchiveSource, InThreadLimits } from '../../src/aws/staging/sourceArchive';
import { nodeTarSourceArchive } from '../reference/nodeTarSourceArchive';
import type { ArchiveMessage, ArchiveTask } from '../../src/aws/staging/sourceArchiveProtocol';
import { CONTROL_SLOTS } from '../../src/aws/staging/sourceArchiveProtocol';
import { SourceStagingError } from '../../src/source/stagingError';
import { REPO_ROOT } from './repoRoot';

const ALWAYS_WORKER: InThreadLimits = { entries: 0, bytes: 0 };
const NEVER_WORKER: InThreadLimits = { entries: Number.POSITIVE_INFINITY, bytes: Number.POSITIVE_INFINITY };

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function write(file: string, data: string | Buffer, mode?: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
  if (mode !== undefined) await fs.chmod(file, mode);
}

/** Lists and packs `source` with the given limits; the archive's bytes and the listing. */
async function pack(source: ArchiveSource, inThreadLimits?: InThreadLimits): Promise<{ gz: Buffer; entries: ArchiveEntry[] }> {
  const opened = await openSourceArchive(source, inThreadLimits ? { inThreadLimits } : {});
  try {
    return { gz: await drain(opened.archive()), entries: opened.contents.entries };
  } finally {
    opened.close();
  }
}

function hasCommand(command: string, arg: string): boolean {
  return spawnSync(command, [arg], { stdio: 'ignore' }).status === 0;
}

describe('sourcedir.tar.gz format', () => {
  let root: string;
  let source: ArchiveSource;
  /** Archive name → what must come out of the archive. */
  const expected = new Map<string, { content?: Buffer; mode: number }>();

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'source-archive-format-'));
    const src = path.join(root, 'src');
    const files: Array<[string, Buffer, number]> = [
      ['train.py', Buffer.from('print("train")\n'), 0o644],
      ['run.sh', Buffer.from('#!/bin/sh\nexec python train.py\n'), 0o755],
      ['private.cfg', Buffer.from('key = 1\n'), 0o600],
      // The packing machine's umask must not show: group/other write bits are dropped.
      ['shared.txt', Buffer.from('shared\n'), 0o666],
      ['empty.txt', Buffer.alloc(0), 0o644],
      ['exactly_512.bin', Buffer.alloc(512, 7), 0o644],
      // Spans two of the writer's 1 MiB blocks.
      ['weights.bin', Buffer.alloc(1024 * 1024 + 700, 3), 0o644],
      // Names ustar cannot hold alone: longer than 100 bytes (prefix field), longer than 255 (pax), not ASCII (pax).
      [`${'pkg_'.repeat(30)}/module.py`, Buffer.from('LONG = 1\n'), 0o644],
      [`${Array.from({ length: 14 }, (_, i) => `level_${i}_${'x'.repeat(14)}`).join('/')}/deep.py`, Buffer.from('DEEP = 1\n'), 0o644],
      [`${'n'.repeat(120)}.py`, Buffer.from('NAME = 1\n'), 0o644],
      ['données/été.py', Buffer.from('é = 1\n'), 0o644],
    ];
    for (const [name, content, mode] of files) {
      await write(path.join(src, name), content, mode);
      expected.set(name, { content, mode: mode & ~0o22 });
    }
    await fs.mkdir(path.join(src, 'empty_folder'));
    await fs.chmod(path.join(src, 'empty_folder'), 0o750);
    expected.set('empty_folder', { mode: 0o750 });
    await write(path.join(root, 'shared_lib', '__init__.py'), 'VERSION = 1\n');
    expected.set('shared_lib/__init__.py', { content: Buffer.from('VERSION = 1\n'), mode: 0o644 });
    source = { from: src, fromKind: 'directory', dependencies: [path.join(root, 'shared_lib')] };
  });

  after(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it("is byte for byte what node-tar's portable Pack wrote before, on the caller's thread and in the worker", async () => {
    const inThread = await pack(source, NEVER_WORKER);
    const inWorker = await pack(source, ALWAYS_WORKER);
    const reference = await drain(nodeTarSourceArchive(inThread.entries));
    assert.ok(reference.equals(inThread.gz), "caller's thread: the archive differs from node-tar's");
    assert.ok(reference.equals(inWorker.gz), "worker: the archive differs from node-tar's");
    // The gzip header names no operating system, so Windows, macOS and Linux agree.
    assert.equal(inThread.gz[9], 0xff);
  });

  it('reads back with GNU tar: every name, mode, the fixed mtime and the contents', { skip: hasCommand('tar', '--version') ? false : 'GNU tar is not installed' }, async () => {
    const archive = path.join(root, 'sourcedir.tar.gz');
    await fs.writeFile(archive, (await pack(source)).gz);
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', archive], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' } });
    const seen = new Map<string, string>();
    for (const line of listing.trim().split('\n')) {
      const m = /^(\S+) (\d+)\/(\d+) +\d+ (\S+ \S+) (.+)$/.exec(line);
      assert.ok(m, line);
      assert.equal(`${m[2]}/${m[3]}`, '0/0', `${m[5]}: owner`);
      assert.equal(m[4], '1980-01-02 00:00:00', `${m[5]}: mtime`);
      seen.set(m[5]!.replace(/\/$/, '').replace(/^\.\//, ''), m[1]!);
    }
    for (const [name, { mode }] of expected) {
      const perms = seen.get(name);
      assert.ok(perms, `${name} is not in the archive`);
      const bits = perms
        .slice(1)
        .split('')
        .map((c, i) => (c === '-' ? 0 : 1 << (8 - i)))
        .reduce((a, b) => a | b, 0);
      assert.equal(bits.toString(8), mode.toString(8), `${name}: mode`);
    }
    const out = path.join(root, 'extracted');
    await fs.mkdir(out);
    execFileSync('tar', ['-xzf', archive, '-C', out]);
    for (const [name, { content }] of expected) {
      if (content) assert.ok(content.equals(await fs.readFile(path.join(out, name))), `${name}: content`);
    }
  });

  it(
    "reads back with Python's tarfile, which SageMaker's training toolkit extracts it with",
    { skip: hasCommand('python3', '--version') ? false : 'python3 is not installed' },
    async () => {
      const archive = path.join(root, 'sourcedir-py.tar.gz');
      await fs.writeFile(archive, (await pack(source)).gz);
      const script = 'import json, sys, tarfile\nwith tarfile.open(sys.argv[1], "r:gz") as t:\n  print(json.dumps({m.name: [m.size, m.mode, m.mtime] for m in t.getmembers()}))';
      const members = JSON.parse(execFileSync('python3', ['-c', script, archive], { encoding: 'utf8' })) as Record<string, [number, number, number]>;
      for (const [name, { content, mode }] of expected) {
        const m = members[name] ?? members[`./${name}`];
        assert.ok(m, `${name} is not in the archive`);
        assert.deepEqual(m, [content?.length ?? 0, mode, SOURCE_ARCHIVE_MTIME.getTime() / 1000], name);
      }
    },
  );
});

describe("the source archive's worker thread", () => {
  let root: string;
  /** More paths than IN_THREAD_LIMITS allows on the caller's thread. */
  let wide: ArchiveSource;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'source-archive-worker-'));
    const dir = path.join(root, 'wide');
    for (let i = 0; i < IN_THREAD_LIMITS.entries + 20; i++) await write(path.join(dir, `pkg_${i % 9}`, `module_${i}.py`), `N = ${i}\n`);
    wide = { from: dir, fromKind: 'directory', dependencies: [] };
  });

  after(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it("lists and packs a tree past the in-thread limits to the same entries and bytes as the caller's thread", async () => {
    const byDefault = await pack(wide);
    const inThread = await pack(wide, NEVER_WORKER);
    assert.equal(byDefault.entries.length, IN_THREAD_LIMITS.entries + 20 + 9);
    assert.deepEqual(byDefault.entries, inThread.entries);
    assert.ok(byDefault.gz.equals(inThread.gz));
    assert.deepEqual(await listSourceArchive(wide), {
      entries: inThread.entries,
      ignored: [],
      skipped: [],
      externalLinks: [],
      files: IN_THREAD_LIMITS.entries + 20,
      totalBytes: inThread.entries.reduce((s, e) => s + e.size, 0),
    });
  });

  it("reports a missing dependency with its typed error, as on the caller's thread", async () => {
    const missing = path.join(root, 'no_such_lib');
    for (const inThreadLimits of [ALWAYS_WORKER, NEVER_WORKER]) {
      await assert.rejects(openSourceArchive({ ...wide, dependencies: [missing] }, { inThreadLimits }), (e: unknown) => {
        assert.ok(e instanceof SourceStagingError, String(e));
        assert.equal(e.code, 'source.dependencyMissing');
        assert.deepEqual(e.context, { path: missing });
        return true;
      });
    }
  });

  it("ends the archive with the file system's error when a listed file is gone by the time it is read", async () => {
    for (const inThreadLimits of [ALWAYS_WORKER, NEVER_WORKER]) {
      const victim = path.join(wide.from, 'pkg_3', 'module_3.py');
      const opened = await openSourceArchive(wide, { inThreadLimits });
      await fs.rm(victim);
      try {
        await assert.rejects(drain(opened.archive()), (e: NodeJS.ErrnoException) => {
          assert.equal(e.code, 'ENOENT');
          assert.equal(e.syscall, 'open');
          assert.equal(e.path, victim);
          return true;
        });
      } finally {
        opened.close();
        await write(victim, 'N = 3\n');
      }
    }
  });

  it("stops listing when cancelled, with the signal's reason", async () => {
    const controller = new AbortController();
    const listing = openSourceArchive(wide, { inThreadLimits: ALWAYS_WORKER, signal: controller.signal });
    controller.abort();
    await assert.rejects(listing, (e: Error) => e.name === 'AbortError');
  });

  it('does not keep the process alive when the archive is dropped unread', async () => {
    const big = path.join(root, 'big');
    // More than the blocks the worker may hand over before waiting for the reader, and
    // incompressible, so that gzip stops taking blocks once its output is not read.
    await write(path.join(big, 'weights.bin'), randomBytes(12 * 1024 * 1024));
    const module = path.join(REPO_ROOT, 'out', 'src', 'aws', 'staging', 'sourceArchive.js');
    const script = `require(${JSON.stringify(module)}).openSourceArchive({ from: ${JSON.stringify(big)}, fromKind: 'directory', dependencies: [] }, { inThreadLimits: { entries: 0, bytes: 0 } }).then((o) => { o.archive(); console.log('dropped'); });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = await new Promise<number | null | 'hung'>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('hung');
      }, 20_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    assert.equal(stdout.trim(), 'dropped');
    assert.equal(exited, 0);
  });
});

describe('the bundled worker the extension and the CLI ship', () => {
  const bundle = path.join(REPO_ROOT, 'dist', 'sourceArchiveWorker.js');
  let root: string;

  before(async () => {
    if (!existsSync(bundle)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'source-archive-bundle-'));
  });

  after(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('needs nothing but node: copied alone into an empty folder, it packs a tree', async () => {
    const alone = path.join(root, 'sourceArchiveWorker.js');
    copyFileSync(bundle, alone);
    const tree = path.join(root, 'tree');
    await write(path.join(tree, 'train.py'), 'print(1)\n');
    await write(path.join(tree, 'pkg', 'mod.py'), 'X = 1\n');
    const source: ArchiveSource = { from: tree, fromKind: 'directory', dependencies: [] };
    const { gz, entries } = await pack(source, NEVER_WORKER);

    const task: ArchiveTask = {
      kind: 'pack',
      entries: entries.map(({ name, absolutePath, kind }) => ({ name, absolutePath, kind })),
      mtimeSeconds: SOURCE_ARCHIVE_MTIME.getTime() / 1000,
      control: new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4)),
    };
    const worker = new Worker(alone, { workerData: task });
    const blocks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: ArchiveMessage) => {
        if (m.type === 'block') blocks.push(Buffer.from(m.bytes));
        else if (m.type === 'end') resolve();
        else if (m.type === 'error') reject(new Error(m.error.message));
      });
      worker.on('error', reject);
    });
    await worker.terminate();
    assert.ok(Buffer.concat(blocks).equals(zlib.gunzipSync(gz)), 'the bundled worker wrote a different tar stream');
  });

  it('is in the packaged extension (package.json `files`), beside dist/extension.js', () => {
    const shipped: string[] = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).files;
    assert.ok(shipped.includes('dist/extension.js'));
    assert.ok(shipped.includes('dist/sourceArchiveWorker.js'), 'package.json `files` leaves dist/sourceArchiveWorker.js out of the package');
  });
});
