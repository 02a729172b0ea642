import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import { once } from 'node:events';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { create as tarCreate } from 'tar';
import { ArchiveEntryGuard } from '../../src/artifacts/archiveEntryGuard';
import { ArchiveError } from '../../src/artifacts/archiveError';
import type { ArchiveErrorCode } from '../../src/artifacts/archiveError';
import { extractTarGz, extractTarGzFile } from '../../src/artifacts/extractArchive';
import type { ExtractOptions, ExtractProgress } from '../../src/artifacts/extractArchive';
import { readHashRecord } from '../../src/artifacts/hashRecord';
import { extractCommand } from '../../src/cli/extractCommand';
import type { CliIo } from '../../src/cli/cliError';
import { REPO_ROOT } from './repoRoot';

// ---- a raw ustar writer, so hostile headers are exactly what the test says (no library sanitising) ----

type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo' | 'sparse';
const TYPE_FLAG: Record<TarType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6', sparse: 'S' };

interface RawEntry {
  name: string;
  type?: TarType;
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
  /** Announced size when it must differ from the data (a lying header). */
  size?: number;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(e: RawEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(e.name, 0, 100, 'utf8');
  h.write(octal(e.mode ?? (e.type === 'dir' ? 0o755 : 0o644), 8), 100, 'ascii');
  h.write(octal(1000, 8), 108, 'ascii');
  h.write(octal(1000, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(1_600_000_000, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(TYPE_FLAG[e.type ?? 'file'], 156, 'ascii');
  if (e.linkname !== undefined) h.write(e.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('user', 265, 'ascii');
  h.write('user', 297, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function rawTar(entries: RawEntry[], trailer: Buffer = Buffer.alloc(1024)): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    parts.push(header(e, e.size ?? data.length));
    if (data.length > 0) {
      parts.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(trailer);
  return Buffer.concat(parts);
}

const tgz = (entries: RawEntry[], trailer?: Buffer) => zlib.gzipSync(rawTar(entries, trailer));

// ---- sandbox: every test gets its own folder; "nothing outside" means the folder is unchanged ----

let base: string;
before(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'extract-test-'));
});
after(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function sandbox(): Promise<{ dir: string; target: string; outside: string }> {
  const dir = await fs.mkdtemp(path.join(base, 'case-'));
  const outside = path.join(dir, 'outside');
  await fs.mkdir(outside);
  await fs.writeFile(path.join(outside, 'secret'), 'do not touch');
  return { dir, target: path.join(dir, 'model'), outside };
}

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const d of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      const st = await fs.lstat(path.join(dir, p));
      out.push(`${p}${st.isDirectory() ? '/' : st.isSymbolicLink() ? '@' : ''}`);
      if (st.isDirectory()) await walk(p);
    }
  }
  await walk('');
  return out.sort();
}

async function expectRefused(archive: Buffer, code: ArchiveErrorCode, opts: ExtractOptions = {}, entry?: string): Promise<ArchiveError> {
  const box = await sandbox();
  const before = await listTree(box.dir);
  const err = await extractTarGz(Readable.from([archive]), box.target, opts).then(
    () => assert.fail(`expected ${code}, but the archive was extracted`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ArchiveError, `expected an ArchiveError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  if (entry !== undefined) assert.equal(err.entry, entry);
  // Nothing outside, no half-extracted target, no leftover working folder.
  assert.deepEqual(await listTree(box.dir), before);
  assert.equal(await fs.readFile(path.join(box.outside, 'secret'), 'utf8'), 'do not touch');
  return err;
}

// ---- a normal archive, made by a real tar implementation ----

function bytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let block = Buffer.alloc(0);
  for (let i = 0, n = 0; i < length; i++) {
    if (i % 32 === 0) block = createHash('sha256').update(`${seed}:${n++}`).digest();
    out[i] = block[i % 32]!;
  }
  return out;
}

async function makeModelFolder(dir: string): Promise<void> {
  await fs.mkdir(path.join(dir, 'checkpoint-500'), { recursive: true });
  await fs.writeFile(path.join(dir, 'pytorch_model.bin'), bytes(1, 3 * 1024 * 1024 + 17));
  await fs.writeFile(path.join(dir, 'config.json'), '{"model_type": "bart"}\n');
  await fs.writeFile(path.join(dir, 'empty.txt'), '');
  await fs.writeFile(path.join(dir, 'checkpoint-500', 'optimizer.pt'), bytes(2, 700_001));
  await fs.writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  await fs.symlink('checkpoint-500/optimizer.pt', path.join(dir, 'latest-optimizer.pt'));
}

async function assertSameTree(a: string, b: string): Promise<void> {
  const ta = await listTree(a);
  assert.deepEqual(await listTree(b), ta);
  for (const p of ta) {
    if (p.endsWith('/')) continue;
    if (p.endsWith('@')) {
      assert.equal(await fs.readlink(path.join(b, p.slice(0, -1))), await fs.readlink(path.join(a, p.slice(0, -1))));
      continue;
    }
    const [x, y] = await Promise.all([fs.readFile(path.join(a, p)), fs.readFile(path.join(b, p))]);
    assert.ok(x.equals(y), `${p} differs`);
  }
}

describe('extractTarGz: a normal model archive', () => {
  it('extracts byte-identical, keeps the symlink and the executable bit, reports progress', async () => {
    const box = await sandbox();
    const src = path.join(box.dir, 'src');
    await makeModelFolder(src);
    const archive = path.join(box.dir, 'model.tar.gz');
    await tarCreate({ gzip: true, file: archive, cwd: src, portable: true }, ['.']);

    const progress: ExtractProgress[] = [];
    const result = await extractTarGzFile(archive, box.target, { onProgress: (p) => progress.push(p) });
    await assertSameTree(src, box.target);
    assert.equal(result.targetDir, await fs.realpath(box.target));
    assert.equal(result.files, 5);
    assert.equal(result.bytesIn, (await fs.stat(archive)).size);
    assert.ok((await fs.stat(path.join(box.target, 'run.sh'))).mode & 0o100, 'run.sh lost its executable bit');
    assert.ok(progress.some((p) => p.entry === 'pytorch_model.bin'));
    const last = progress[progress.length - 1]!;
    assert.equal(last.bytesOut, result.bytesOut);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.bytesOut >= progress[i - 1]!.bytesOut);
    // Only the source, the archive and the target: the working folder is gone.
    assert.deepEqual((await fs.readdir(box.dir)).sort(), ['model', 'model.tar.gz', 'outside', 'src']);
  });

  it('keeps a hard link to an earlier file, and a later copy of a file replaces the earlier one', async () => {
    const box = await sandbox();
    const archive = tgz([
      { name: 'weights/', type: 'dir' },
      { name: 'weights/a.bin', data: 'first' },
      { name: 'weights/b.bin', type: 'hardlink', linkname: 'weights/a.bin' },
      { name: 'notes.txt', data: 'old' },
      { name: 'notes.txt', data: 'new notes' },
    ]);
    await extractTarGz(Readable.from([archive]), box.target);
    assert.equal(await fs.readFile(path.join(box.target, 'weights/b.bin'), 'utf8'), 'first');
    assert.equal((await fs.stat(path.join(box.target, 'weights/b.bin'))).ino, (await fs.stat(path.join(box.target, 'weights/a.bin'))).ino);
    assert.equal(await fs.readFile(path.join(box.target, 'notes.txt'), 'utf8'), 'new notes');
  });

  it('drops setuid, setgid and sticky bits', async () => {
    const box = await sandbox();
    await extractTarGz(Readable.from([tgz([{ name: 'tool', data: 'x', mode: 0o6755 }])]), box.target);
    const mode = (await fs.stat(path.join(box.target, 'tool'))).mode;
    assert.equal(mode & 0o7000, 0);
    assert.equal(mode & 0o700, 0o700);
  });

  it('accepts a symbolic link that stays inside, including one that climbs within the archive', async () => {
    const box = await sandbox();
    await extractTarGz(
      Readable.from([
        tgz([
          { name: 'a/b/file.txt', data: 'deep' },
          { name: 'a/b/up', type: 'symlink', linkname: '../../top.txt' },
          { name: 'top.txt', data: 'top' },
        ]),
      ]),
      box.target,
    );
    assert.equal(await fs.readFile(path.join(box.target, 'a/b/up'), 'utf8'), 'top');
  });
});

describe('extractTarGz: hostile archives are refused whole, nothing written anywhere', () => {
  it('../evil', async () => {
    await expectRefused(
      tgz([
        { name: 'ok.txt', data: 'fine' },
        { name: '../evil', data: 'pwned' },
      ]),
      'path-traversal',
      {},
      '../evil',
    );
  });

  it('a .. segment in the middle of a path', async () => {
    await expectRefused(tgz([{ name: 'a/../../outside/secret', data: 'pwned' }]), 'path-traversal');
  });

  it('a backslash-separated .. (a traversal on Windows)', async () => {
    await expectRefused(tgz([{ name: 'a\\..\\..\\evil', data: 'pwned' }]), 'path-traversal');
  });

  it('an absolute path', async () => {
    const box = await sandbox();
    const victim = path.join(box.outside, 'abs.txt');
    await expectRefused(tgz([{ name: victim, data: 'pwned' }]), 'path-traversal', {}, victim);
    assert.equal(existsSync(victim), false);
  });

  it('a symlink to /etc, then a file written through it', async () => {
    const err = await expectRefused(
      tgz([
        { name: 'etc', type: 'symlink', linkname: '/etc' },
        { name: 'etc/cron.d/evil', data: '* * * * * root sh' },
      ]),
      'link-escape',
      {},
      'etc',
    );
    assert.match(err.message, /absolute path/);
  });

  it('a file written through a symlink that itself points inside', async () => {
    const err = await expectRefused(
      tgz([
        { name: 'real/', type: 'dir' },
        { name: 'alias', type: 'symlink', linkname: 'real' },
        { name: 'alias/file.txt', data: 'through the link' },
      ]),
      'link-escape',
      {},
      'alias/file.txt',
    );
    assert.match(err.message, /through the symbolic link "alias"/);
  });

  it('the same, with the link named in another case (one file on macOS and Windows)', async () => {
    await expectRefused(
      tgz([
        { name: 'real/', type: 'dir' },
        { name: 'Alias', type: 'symlink', linkname: 'real' },
        { name: 'alias/file.txt', data: 'x' },
      ]),
      'link-escape',
    );
  });

  it('a relative symlink that climbs out', async () => {
    await expectRefused(tgz([{ name: 'a/up', type: 'symlink', linkname: '../../outside' }]), 'link-escape', {}, 'a/up');
  });

  it('a symlink chain that would escape once an inner link exists (a/b/../.. read lexically is ".")', async () => {
    await expectRefused(
      tgz([
        { name: 'a/b', type: 'symlink', linkname: '..' },
        { name: 'c', type: 'symlink', linkname: 'a/b/../..' },
      ]),
      'link-escape',
      {},
      'c',
    );
  });

  it('a hard link to a file outside', async () => {
    await expectRefused(tgz([{ name: 'h', type: 'hardlink', linkname: '../outside/secret' }]), 'link-escape', {}, 'h');
  });

  it('a hard link to an absolute path', async () => {
    await expectRefused(tgz([{ name: 'h', type: 'hardlink', linkname: '/etc/passwd' }]), 'link-escape');
  });

  it('a hard link to a symlink (which would re-root its relative target)', async () => {
    await expectRefused(
      tgz([
        { name: 'a/s', type: 'symlink', linkname: '../x' },
        { name: 'h', type: 'hardlink', linkname: 'a/s' },
      ]),
      'link-escape',
      {},
      'h',
    );
  });

  it('a character device', async () => {
    await expectRefused(
      tgz([
        { name: 'ok.txt', data: 'x' },
        { name: 'null', type: 'char' },
      ]),
      'special-file',
      {},
      'null',
    );
  });

  it('a block device', async () => {
    await expectRefused(tgz([{ name: 'sda', type: 'block' }]), 'special-file');
  });

  it('a FIFO', async () => {
    await expectRefused(tgz([{ name: 'pipe', type: 'fifo' }]), 'special-file', {}, 'pipe');
  });

  it('an entry type it does not write (GNU sparse)', async () => {
    await expectRefused(tgz([{ name: 'sparse.bin', type: 'sparse', data: 'x' }]), 'special-file');
  });

  it('a duplicate entry replacing a directory by a symlink', async () => {
    const err = await expectRefused(
      tgz([
        { name: 'cache/', type: 'dir' },
        { name: 'cache/a.txt', data: 'x' },
        { name: 'cache', type: 'symlink', linkname: 'elsewhere' },
        { name: 'cache/b.txt', data: 'y' },
      ]),
      'conflict',
      {},
      'cache',
    );
    assert.match(err.message, /first as a folder and then as a symbolic link/);
  });

  it('a duplicate entry overwriting a symlink with a file', async () => {
    await expectRefused(
      tgz([
        { name: 'target.txt', data: 'x' },
        { name: 'link', type: 'symlink', linkname: 'target.txt' },
        { name: 'link', data: 'written over the link' },
      ]),
      'conflict',
      {},
      'link',
    );
  });

  it('an implicit folder later replaced by a symlink', async () => {
    await expectRefused(
      tgz([
        { name: 'deep/file.txt', data: 'x' },
        { name: 'deep', type: 'symlink', linkname: 'other' },
      ]),
      'conflict',
      {},
      'deep',
    );
  });

  it('a gzip bomb: announced file sizes over the cap', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const err = await expectRefused(tgz([{ name: 'bomb.bin', data: zeros }]), 'too-large', { maxBytes: 1024 * 1024 }, 'bomb.bin');
    assert.match(err.message, /1 MiB/);
  });

  it('a gzip bomb: a tiny tar followed by megabytes of zeros (the stream counter, not the headers)', async () => {
    await expectRefused(tgz([{ name: 'small.txt', data: 'x' }], Buffer.alloc(4 * 1024 * 1024)), 'too-large', { maxBytes: 1024 * 1024 });
  });

  it('more entries than the cap', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.txt`, data: String(i) }));
    await expectRefused(tgz(entries), 'too-many-entries', { maxEntries: 10 }, 'f10.txt');
  });

  it('a truncated gzip', async () => {
    const whole = tgz([{ name: 'weights.bin', data: bytes(3, 200_000) }]);
    const err = await expectRefused(whole.subarray(0, Math.floor(whole.length / 2)), 'corrupt');
    assert.match(err.message, /truncated/);
  });

  it('a tar truncated inside an entry (gzip intact)', async () => {
    const tar = rawTar([{ name: 'weights.bin', data: bytes(4, 10_000) }]);
    await expectRefused(zlib.gzipSync(tar.subarray(0, 4096)), 'corrupt');
  });

  it('a bad header checksum', async () => {
    const tar = rawTar([{ name: 'a.txt', data: 'x' }]);
    tar[0] = 'b'.charCodeAt(0);
    await expectRefused(zlib.gzipSync(tar), 'corrupt');
  });

  it('input that is not gzip', async () => {
    const err = await expectRefused(rawTar([{ name: 'a.txt', data: 'x' }]), 'corrupt');
    assert.match(err.message, /not gzip/);
  });

  it('gzip inside gzip', async () => {
    await expectRefused(zlib.gzipSync(tgz([{ name: 'a.txt', data: 'x' }])), 'corrupt');
  });

  it('an empty input', async () => {
    const err = await expectRefused(Buffer.alloc(0), 'corrupt');
    assert.match(err.message, /empty/);
  });
});

describe('ArchiveEntryGuard: rules the tar writer above cannot reach', () => {
  const guard = () => new ArchiveEntryGuard({ maxEntries: 1000, maxBytes: 1e9 });
  const code = (f: () => unknown) => {
    try {
      f();
      return 'admitted';
    } catch (e) {
      return e instanceof ArchiveError ? e.code : String(e);
    }
  };

  it('refuses paths deeper or longer than file systems allow (a 1 MiB pax path would otherwise cost quadratic time)', () => {
    assert.equal(
      code(() => guard().admit({ path: Array(300).fill('a').join('/'), type: 'File', size: 0 })),
      'corrupt',
    );
    assert.equal(
      code(() => guard().admit({ path: 'x'.repeat(5000), type: 'File', size: 0 })),
      'corrupt',
    );
  });

  it('admits a repeated folder, normalises ./ and //, and lists the folders to create first', () => {
    const g = guard();
    assert.deepEqual(g.admit({ path: './a//b/c.txt', type: 'File', size: 1 }), { kind: 'file', path: 'a/b/c.txt', parents: ['a', 'a/b'], replaces: false });
    assert.equal(g.admit({ path: 'a/b/', type: 'Directory', size: 0 }).kind, 'directory');
    assert.deepEqual(g.admit({ path: 'a/b/d.txt', type: 'File', size: 1 }).parents, []);
  });

  it('refuses a hard link to a file that comes later, and a NUL in a name', () => {
    assert.equal(
      code(() => guard().admit({ path: 'h', type: 'Link', linkpath: 'later.bin', size: 0 })),
      'link-escape',
    );
    assert.equal(
      code(() => guard().admit({ path: 'a\0b', type: 'File', size: 0 })),
      'path-traversal',
    );
  });
});

describe('extractTarGz: the target folder and cancellation', () => {
  const simple = () => tgz([{ name: 'config.json', data: '{}' }]);

  it('refuses a non-empty target without overwrite and leaves it as it was', async () => {
    const box = await sandbox();
    await fs.mkdir(box.target);
    await fs.writeFile(path.join(box.target, 'keep.txt'), 'mine');
    await assert.rejects(extractTarGz(Readable.from([simple()]), box.target), (e: unknown) => e instanceof ArchiveError && e.code === 'target-exists');
    assert.deepEqual(await fs.readdir(box.target), ['keep.txt']);
    assert.deepEqual((await fs.readdir(box.dir)).sort(), ['model', 'outside']);
  });

  it('replaces a non-empty target with overwrite, only after success', async () => {
    const box = await sandbox();
    await fs.mkdir(box.target);
    await fs.writeFile(path.join(box.target, 'old.txt'), 'old');
    await expectRefusedKeepsTarget(box.target);
    await extractTarGz(Readable.from([simple()]), box.target, { overwrite: true });
    assert.deepEqual(await fs.readdir(box.target), ['config.json']);
    assert.deepEqual((await fs.readdir(box.dir)).sort(), ['model', 'outside']);
  });

  async function expectRefusedKeepsTarget(target: string): Promise<void> {
    await assert.rejects(extractTarGz(Readable.from([tgz([{ name: '../x', data: 'x' }])]), target, { overwrite: true }));
    assert.deepEqual(await fs.readdir(target), ['old.txt']);
  }

  it('uses an existing empty target, and creates missing parents', async () => {
    const box = await sandbox();
    await fs.mkdir(box.target);
    await extractTarGz(Readable.from([simple()]), box.target);
    assert.deepEqual(await fs.readdir(box.target), ['config.json']);
    const nested = path.join(box.dir, 'a', 'b', 'model');
    await extractTarGz(Readable.from([simple()]), nested);
    assert.deepEqual(await fs.readdir(nested), ['config.json']);
  });

  it('leaves the target with ordinary permissions, not those of the private working folder', async () => {
    const box = await sandbox();
    await extractTarGz(Readable.from([simple()]), box.target);
    assert.equal((await fs.stat(box.target)).mode & 0o777, 0o755);
    const kept = path.join(box.dir, 'kept');
    await fs.mkdir(kept);
    await fs.chmod(kept, 0o750);
    await extractTarGz(Readable.from([simple()]), kept);
    assert.equal((await fs.stat(kept)).mode & 0o777, 0o750);
  });

  it('refuses a target that is a file', async () => {
    const box = await sandbox();
    await fs.writeFile(box.target, 'a file');
    await assert.rejects(extractTarGz(Readable.from([simple()]), box.target, { overwrite: true }), (e: unknown) => e instanceof ArchiveError && e.code === 'target-exists');
  });

  it('stops on abort mid-stream and removes what it wrote', async () => {
    const box = await sandbox();
    const archive = tgz([
      { name: 'a.bin', data: bytes(5, 2_000_000) },
      { name: 'b.bin', data: bytes(6, 2_000_000) },
    ]);
    const controller = new AbortController();
    // Feed the archive slowly, aborting once the first file has started.
    async function* slow() {
      for (let i = 0; i < archive.length; i += 16 * 1024) {
        yield archive.subarray(i, i + 16 * 1024);
        await new Promise((r) => setImmediate(r));
      }
    }
    const run = extractTarGz(Readable.from(slow()), box.target, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.entry === 'a.bin') controller.abort();
      },
    });
    await assert.rejects(run, (e: unknown) => e instanceof ArchiveError && e.code === 'aborted');
    assert.deepEqual((await fs.readdir(box.dir)).sort(), ['outside']);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const box = await sandbox();
    await assert.rejects(extractTarGz(Readable.from([simple()]), box.target, { signal: AbortSignal.abort() }), (e: unknown) => e instanceof ArchiveError && e.code === 'aborted');
    assert.deepEqual(await fs.readdir(box.dir), ['outside']);
  });
});

describe('sagemaker-hf extract', () => {
  function capture(cwd: string): CliIo & { out: string; err: string } {
    const io = { out: '', err: '', cwd, env: {}, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    return io;
  }

  it('exits 0 and reports what it extracted', async () => {
    const box = await sandbox();
    await fs.writeFile(path.join(box.dir, 'model.tar.gz'), tgz([{ name: 'config.json', data: '{}' }]));
    const io = capture(box.dir);
    assert.equal(await extractCommand(['model.tar.gz', '--to', 'model'], io), 0);
    assert.match(io.err, /Extracted 1 file/);
    assert.equal(await fs.readFile(path.join(box.target, 'config.json'), 'utf8'), '{}');
  });

  it("keeps each file's sha256 for a later push only with --record-hashes", async () => {
    const box = await sandbox();
    await fs.writeFile(path.join(box.dir, 'model.tar.gz'), tgz([{ name: 'config.json', data: '{"a":1}' }]));
    assert.equal(await extractCommand(['model.tar.gz', '--to', 'plain'], capture(box.dir)), 0);
    await assert.rejects(fs.access(path.join(box.dir, 'plain', '.cache')), 'extract without --record-hashes wrote a record');
    assert.equal(await extractCommand(['model.tar.gz', '--to', 'hashed', '--record-hashes'], capture(box.dir)), 0);
    const record = await readHashRecord(path.join(box.dir, 'hashed'));
    assert.equal(record.get('config.json')?.sha256, createHash('sha256').update('{"a":1}').digest('hex'));
  });

  it('reports progress once per 64 MiB unpacked, and nothing but the closing line for a small archive', async () => {
    const box = await sandbox();
    await fs.writeFile(
      path.join(box.dir, 'small.tar.gz'),
      tgz([
        { name: 'config.json', data: '{}' },
        { name: 'all_results.json', data: '{}' },
      ]),
    );
    const small = capture(box.dir);
    assert.equal(await extractCommand(['small.tar.gz', '--to', 'small'], small), 0);
    assert.deepEqual(
      small.err
        .trimEnd()
        .split('\n')
        .map((l) => l.replace(/ \(.*/, '')),
      ['Extracted 2 files'],
    );

    // 130 MiB of zeros (gzip makes that ~130 KiB): two 64 MiB marks crossed, while the one entry is written.
    await fs.writeFile(path.join(box.dir, 'big.tar.gz'), tgz([{ name: 'model.safetensors', data: Buffer.alloc(130 * 1024 * 1024) }]));
    const big = capture(box.dir);
    assert.equal(await extractCommand(['big.tar.gz', '--to', 'big'], big), 0);
    const lines = big.err.trimEnd().split('\n');
    assert.equal(lines.length, 3, big.err);
    for (const line of lines.slice(0, 2)) assert.match(line, /^ {2}\d+(\.\d)? MiB unpacked, 1 entry: model\.safetensors$/);
    assert.match(lines[2]!, /^Extracted 1 file /);
  });

  it('exits 1 on a hostile archive, naming the entry and the code', async () => {
    const box = await sandbox();
    await fs.writeFile(path.join(box.dir, 'model.tar.gz'), tgz([{ name: '../evil', data: 'x' }]));
    const io = capture(box.dir);
    assert.equal(await extractCommand(['model.tar.gz', '--to', 'model'], io), 1);
    assert.match(io.err, /refused: .*"\.\.\/evil".*\[path-traversal\]/);
  });

  it('exits 2 on a non-empty target without --overwrite, and 0 with it', async () => {
    const box = await sandbox();
    await fs.writeFile(path.join(box.dir, 'model.tar.gz'), tgz([{ name: 'config.json', data: '{}' }]));
    await fs.mkdir(box.target);
    await fs.writeFile(path.join(box.target, 'old'), 'x');
    assert.equal(await extractCommand(['model.tar.gz', '--to', 'model'], capture(box.dir)), 2);
    assert.equal(await extractCommand(['model.tar.gz', '--to', 'model', '--overwrite'], capture(box.dir)), 0);
    assert.deepEqual(await fs.readdir(box.target), ['config.json']);
  });

  it('exits 2 on a missing archive, and throws a usage error without --to', async () => {
    const box = await sandbox();
    assert.equal(await extractCommand(['nope.tar.gz', '--to', 'model'], capture(box.dir)), 2);
    await assert.rejects(extractCommand(['nope.tar.gz'], capture(box.dir)), /needs --to/);
  });

  // The built CLI in its own process, as a user runs it. The archive comes through a named pipe that
  // the test fills 16 KiB at a time, so the extraction is certainly under way (its first file is in
  // the working folder, the archive not yet complete) when Ctrl-C arrives, however fast the machine.
  it(
    'on Ctrl-C (SIGINT) removes its hidden working folder, leaves no target and exits 130',
    { skip: process.platform === 'win32' ? 'named pipes' : false, timeout: 60_000 },
    async () => {
      const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
      if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
      const box = await sandbox();
      const archive = tgz([
        { name: 'config.json', data: '{}' },
        { name: 'model.safetensors', data: bytes(7, 4 * 1024 * 1024) },
      ]);
      execFileSync('mkfifo', [path.join(box.dir, 'model.tar.gz')]);
      const before = await listTree(box.dir);

      const child = spawn(process.execPath, [cli, 'extract', 'model.tar.gz', '--to', 'model'], { cwd: box.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const writer = createWriteStream(path.join(box.dir, 'model.tar.gz'));
      writer.on('error', () => undefined); // EPIPE once the CLI has closed its end
      let sent = 0;
      const feeder = setInterval(() => {
        if (sent >= archive.length) return;
        writer.write(archive.subarray(sent, sent + 16 * 1024));
        sent += 16 * 1024;
      }, 20);
      try {
        // Wait for the working folder (.model.partial-…) to hold the first file.
        let working: string | undefined;
        for (let waited = 0; !working; waited += 20) {
          assert.ok(waited < 30_000, `no working folder with config.json appeared; stderr: ${stderr}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          const hidden = (await fs.readdir(box.dir)).find((n) => n.startsWith('.model.partial-'));
          if (hidden && (await fs.readdir(path.join(box.dir, hidden)).catch((): string[] => [])).includes('config.json')) working = hidden;
        }
        child.kill('SIGINT');
        const [code, signal] = await exited;
        assert.equal(signal, null, 'the CLI died of the signal instead of handling it');
        assert.equal(code, 130, stderr);
        assert.match(stderr, /interrupted; nothing was written to .*model/);
        assert.ok(sent < archive.length, 'the archive was complete before the interrupt: nothing was interrupted');
        assert.deepEqual(await listTree(box.dir), before, 'a hidden working folder or the target was left behind');
      } finally {
        clearInterval(feeder);
        writer.destroy();
        child.kill('SIGKILL');
      }
    },
  );

  it('applies --max-bytes with a size suffix', async () => {
    const box = await sandbox();
    await fs.writeFile(path.join(box.dir, 'model.tar.gz'), tgz([{ name: 'big.bin', data: Buffer.alloc(3 * 1024 * 1024) }]));
    const io = capture(box.dir);
    assert.equal(await extractCommand(['model.tar.gz', '--to', 'model', '--max-bytes', '1M'], io), 1);
    assert.match(io.err, /too-large/);
  });
});
