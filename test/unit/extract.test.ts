import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, promises as fs, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { create as tarCreate } from 'tar';
import { ArchiveEntryGuard } from '../../src/artifacts/archiveEntryGuard';
import type { AdmittedEntry, ArchiveEntryHeader } from '../../src/artifacts/archiveEntryGuard';
import { ArchiveError, quoteEntry } from '../../src/artifacts/archiveError';
import type { ArchiveErrorCode } from '../../src/artifacts/archiveError';
import { extractTarGz, extractTarGzFile } from '../../src/artifacts/extractArchive';
import type { ExtractOptions, ExtractProgress } from '../../src/artifacts/extractArchive';
import { readHashRecord } from '../../src/artifacts/hashRecord';
import { extractCommand } from '../../src/cli/extractCommand';
import type { CliIo } from '../../src/cli/cliError';
import { REPO_ROOT } from './repoRoot';

// ---- a raw ustar writer, so hostile headers are exactly what the test says (no library sanitising) ----

type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo' | 'sparse' | 'pax';
const TYPE_FLAG: Record<TarType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6', sparse: 'S', pax: 'x' };

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

/** Refused with `code` (and `entry`, and exactly `message`, when given); nothing written anywhere. */
async function expectRefused(archive: Buffer, code: ArchiveErrorCode, opts: ExtractOptions = {}, entry?: string, message?: string): Promise<ArchiveError> {
  const box = await sandbox();
  const before = await listTree(box.dir);
  const err = await extractTarGz(Readable.from([archive]), box.target, opts).then(
    () => assert.fail(`expected ${code}, but the archive was extracted`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ArchiveError, `expected an ArchiveError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  if (entry !== undefined) assert.equal(err.entry, entry);
  if (message !== undefined) assert.equal(err.message, message);
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

  it('records the sha256 of a hard link as its target’s, and none for a symbolic link', async () => {
    const box = await sandbox();
    const archive = tgz([
      { name: 'weights/a.bin', data: 'weights' },
      { name: 'weights/b.bin', type: 'hardlink', linkname: 'weights/a.bin' },
      { name: 'latest', type: 'symlink', linkname: 'weights/a.bin' },
    ]);
    await extractTarGz(Readable.from([archive]), box.target, { recordHashes: true });
    const record = await readHashRecord(box.target);
    const sha = createHash('sha256').update('weights').digest('hex');
    assert.deepEqual([...record.keys()].sort(), ['weights/a.bin', 'weights/b.bin']);
    assert.equal(record.get('weights/a.bin')?.sha256, sha);
    assert.equal(record.get('weights/b.bin')?.sha256, sha);
  });

  it('takes gzip-like bytes for gzip only at the very start: a name that starts like it, and a .gz member 1 MiB in, extract', async () => {
    const box = await sandbox();
    const inner = zlib.gzipSync(Buffer.from('a nested archive'));
    // The second member's data starts at 1 MiB of the tar stream, where the first 1 MiB output chunk of gunzip ends.
    const entries: RawEntry[] = [
      { name: '\u010bonfig.txt', data: 'starts with C4 8B' },
      { name: '\u001fodd.txt', data: 'starts with 1F' },
      { name: 'pad.bin', data: Buffer.alloc(1024 * 1024 - 4 * 512 - 1024) },
      { name: 'nested.gz', data: inner },
    ];
    const tar = rawTar(entries);
    assert.deepEqual([...tar.subarray(1024 * 1024, 1024 * 1024 + 2)], [0x1f, 0x8b], 'the .gz member does not start at 1 MiB');
    assert.deepEqual([...tar.subarray(0, 2)], [0xc4, 0x8b]);
    await extractTarGz(Readable.from([zlib.gzipSync(tar)]), box.target);
    assert.ok((await fs.readFile(path.join(box.target, 'nested.gz'))).equals(inner));
    assert.equal(await fs.readFile(path.join(box.target, '\u001fodd.txt'), 'utf8'), 'starts with 1F');
    const second = path.join(box.dir, 'second');
    await extractTarGz(Readable.from([tgz([{ name: '\u001fodd.txt', data: 'first this time' }])]), second);
    assert.deepEqual(await fs.readdir(second), ['\u001fodd.txt']);
  });

  it("keeps each file's modification time from its header", async () => {
    const box = await sandbox();
    await extractTarGz(Readable.from([tgz([{ name: 'weights/a.bin', data: 'x' }])]), box.target);
    // The raw writer stamps every header with 1,600,000,000 s.
    assert.equal((await fs.stat(path.join(box.target, 'weights/a.bin'))).mtimeMs, 1_600_000_000_000);
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
      `Entry "../evil" climbs out with '..'.`,
    );
  });

  it('a .. segment in the middle of a path', async () => {
    await expectRefused(
      tgz([{ name: 'a/../../outside/secret', data: 'pwned' }]),
      'path-traversal',
      {},
      'a/../../outside/secret',
      `Entry "a/../../outside/secret" climbs out with '..'.`,
    );
  });

  it('a backslash-separated .. (a traversal on Windows)', async () => {
    await expectRefused(tgz([{ name: 'a\\..\\..\\evil', data: 'pwned' }]), 'path-traversal', {}, 'a\\..\\..\\evil', `Entry "a\\\\..\\\\..\\\\evil" climbs out with '..'.`);
  });

  it('an absolute path', async () => {
    const box = await sandbox();
    const victim = path.join(box.outside, 'abs.txt');
    await expectRefused(tgz([{ name: victim, data: 'pwned' }]), 'path-traversal', {}, victim, `Entry ${JSON.stringify(victim)} has an absolute path.`);
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
    assert.equal(err.message, 'Symbolic link "etc" points to the absolute path "/etc".');
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
    assert.equal(err.message, 'Entry "alias/file.txt" would be written through the symbolic link "alias" created earlier in the archive.');
  });

  it('the same, with the link named in another case (one file on macOS and Windows)', async () => {
    await expectRefused(
      tgz([
        { name: 'real/', type: 'dir' },
        { name: 'Alias', type: 'symlink', linkname: 'real' },
        { name: 'alias/file.txt', data: 'x' },
      ]),
      'link-escape',
      {},
      'alias/file.txt',
      'Entry "alias/file.txt" would be written through the symbolic link "alias" created earlier in the archive.',
    );
  });

  it('a relative symlink that climbs out', async () => {
    await expectRefused(
      tgz([{ name: 'a/up', type: 'symlink', linkname: '../../outside' }]),
      'link-escape',
      {},
      'a/up',
      'Symbolic link "a/up" points to "../../outside", outside the extraction folder.',
    );
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
      'Symbolic link "c" points to "a/b/../..", which goes up again after going down; only targets like ../../a/b are accepted.',
    );
  });

  it('a hard link to a file outside', async () => {
    await expectRefused(
      tgz([{ name: 'h', type: 'hardlink', linkname: '../outside/secret' }]),
      'link-escape',
      {},
      'h',
      `Link "h" points to "../outside/secret", which climbs out with '..'.`,
    );
  });

  it('a hard link to an absolute path', async () => {
    await expectRefused(tgz([{ name: 'h', type: 'hardlink', linkname: '/etc/passwd' }]), 'link-escape', {}, 'h', 'Link "h" points to the absolute path "/etc/passwd".');
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
      'Hard link "h" points to "a/s", which is not a regular file extracted earlier from this archive.',
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
      'Entry "null" is a character device; a model archive has no reason to contain one.',
    );
  });

  it('a block device', async () => {
    await expectRefused(tgz([{ name: 'sda', type: 'block' }]), 'special-file', {}, 'sda', 'Entry "sda" is a block device; a model archive has no reason to contain one.');
  });

  it('a FIFO', async () => {
    await expectRefused(tgz([{ name: 'pipe', type: 'fifo' }]), 'special-file', {}, 'pipe', 'Entry "pipe" is a FIFO (named pipe); a model archive has no reason to contain one.');
  });

  it('an entry type it does not write (GNU sparse)', async () => {
    await expectRefused(
      tgz([{ name: 'sparse.bin', type: 'sparse', data: 'x' }]),
      'special-file',
      {},
      'sparse.bin',
      'Entry "sparse.bin" has a type this extractor does not write (SparseFile).',
    );
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
    assert.equal(err.message, 'Entry "cache" appears twice, first as a folder and then as a symbolic link; only a regular file may replace a regular file.');
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
      'Entry "link" appears twice, first as a symbolic link and then as a file; only a regular file may replace a regular file.',
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
      'Entry "deep" appears twice, first as a folder and then as a symbolic link; only a regular file may replace a regular file.',
    );
  });

  it('a gzip bomb: announced file sizes over the cap', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const err = await expectRefused(tgz([{ name: 'bomb.bin', data: zeros }]), 'too-large', { maxBytes: 1024 * 1024 }, 'bomb.bin');
    assert.equal(err.message, 'The archive\'s files add up to more than 1 MiB (at "bomb.bin"). If it is genuine, raise the size limit.');
  });

  it('a gzip bomb: a tiny tar followed by megabytes of zeros (the stream counter, not the headers)', async () => {
    await expectRefused(
      tgz([{ name: 'small.txt', data: 'x' }], Buffer.alloc(4 * 1024 * 1024)),
      'too-large',
      { maxBytes: 1024 * 1024 },
      undefined,
      'The archive unpacks to more than 1 MiB (at "small.txt"). If it is genuine, raise the size limit.',
    );
  });

  it('more entries than the cap', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.txt`, data: String(i) }));
    await expectRefused(
      tgz(entries),
      'too-many-entries',
      { maxEntries: 10 },
      'f10.txt',
      'The archive has more than 10 entries (at "f10.txt"). If it is genuine, raise the entry limit.',
    );
  });

  it('a truncated gzip', async () => {
    const whole = tgz([{ name: 'weights.bin', data: bytes(3, 200_000) }]);
    const err = await expectRefused(whole.subarray(0, Math.floor(whole.length / 2)), 'corrupt');
    assert.equal(err.message, 'The archive is truncated (the gzip stream ends early); download it again.');
  });

  it('a tar truncated inside an entry (gzip intact)', async () => {
    const tar = rawTar([{ name: 'weights.bin', data: bytes(4, 10_000) }]);
    await expectRefused(
      zlib.gzipSync(tar.subarray(0, 4096)),
      'corrupt',
      {},
      undefined,
      'The archive is damaged: Truncated input (needed 6656 more bytes, only 0 available) (TAR_BAD_ARCHIVE).',
    );
  });

  it('a bad header checksum', async () => {
    const tar = rawTar([{ name: 'a.txt', data: 'x' }]);
    tar[0] = 'b'.charCodeAt(0);
    await expectRefused(zlib.gzipSync(tar), 'corrupt', {}, undefined, 'The archive is damaged: checksum failure (TAR_ENTRY_INVALID).');
  });

  it('input that is not gzip', async () => {
    const err = await expectRefused(rawTar([{ name: 'a.txt', data: 'x' }]), 'corrupt');
    assert.equal(err.message, 'The archive is not gzip-compressed (expected a .tar.gz).');
  });

  it('gzip inside gzip', async () => {
    await expectRefused(zlib.gzipSync(tgz([{ name: 'a.txt', data: 'x' }])), 'corrupt', {}, undefined, 'The archive is gzip inside gzip, not a tar archive.');
  });

  it('an extended (pax) header larger than tar allows', async () => {
    await expectRefused(
      tgz([
        { name: 'PaxHeaders/weights.bin', type: 'pax', data: Buffer.alloc(2 * 1024 * 1024, 'a') },
        { name: 'weights.bin', data: 'x' },
      ]),
      'corrupt',
      {},
      'PaxHeaders/weights.bin',
      'The archive has an extended header larger than tar allows (before "PaxHeaders/weights.bin").',
    );
  });

  it('an empty input', async () => {
    const err = await expectRefused(Buffer.alloc(0), 'corrupt');
    assert.equal(err.message, 'The archive is empty.');
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

describe('ArchiveEntryGuard: each rule, entry by entry', () => {
  type Outcome = AdmittedEntry | { code: ArchiveErrorCode; message: string; entry: string | undefined };
  /** Admits `headers` in order; the last one's admission, or the first refusal. */
  const judge = (headers: ArchiveEntryHeader[], limits = { maxEntries: 1000, maxBytes: 1e9 }): Outcome => {
    const g = new ArchiveEntryGuard(limits);
    try {
      let last: AdmittedEntry | undefined;
      for (const h of headers) last = g.admit(h);
      return last!;
    } catch (e) {
      if (!(e instanceof ArchiveError)) throw e;
      assert.equal(e.name, 'ArchiveError');
      return { code: e.code, message: e.message, entry: e.entry };
    }
  };
  const file = (p: string, size = 1): ArchiveEntryHeader => ({ path: p, type: 'File', size });
  const dir = (p: string): ArchiveEntryHeader => ({ path: p, type: 'Directory', size: 0 });
  const symlink = (p: string, linkpath?: string): ArchiveEntryHeader => ({ path: p, type: 'SymbolicLink', size: 0, ...(linkpath !== undefined ? { linkpath } : {}) });
  const hardlink = (p: string, linkpath?: string): ArchiveEntryHeader => ({ path: p, type: 'Link', size: 0, ...(linkpath !== undefined ? { linkpath } : {}) });
  const refused = (code: ArchiveErrorCode, entry: string, message: string) => ({ code, message, entry });

  it('refuses a type it does not write, naming it', () => {
    assert.deepEqual(
      judge([{ path: 'sparse.bin', type: 'SparseFile', size: 1 }]),
      refused('special-file', 'sparse.bin', 'Entry "sparse.bin" has a type this extractor does not write (SparseFile).'),
    );
  });

  it("takes tar's other names for files and folders (OldFile, ContiguousFile, GNUDumpDir)", () => {
    assert.equal((judge([{ path: 'old.bin', type: 'OldFile', size: 1 }]) as AdmittedEntry).kind, 'file');
    assert.equal((judge([{ path: 'contiguous.bin', type: 'ContiguousFile', size: 1 }]) as AdmittedEntry).kind, 'file');
    assert.equal((judge([{ path: 'dump/', type: 'GNUDumpDir', size: 0 }]) as AdmittedEntry).kind, 'directory');
  });

  it('admits the root folder itself only as a folder', () => {
    assert.deepEqual(judge([dir('./')]), { kind: 'directory', path: '', parents: [], replaces: false });
    assert.deepEqual(judge([file('.')]), refused('path-traversal', '.', 'Entry "." would replace the extraction folder itself.'));
    assert.deepEqual(judge([symlink('./', 'x')]), refused('path-traversal', './', 'Entry "./" would replace the extraction folder itself.'));
  });

  it('allows paths up to 4,096 characters and 256 levels, not one more', () => {
    assert.equal((judge([file('x'.repeat(4096))]) as AdmittedEntry).kind, 'file');
    const long = 'x'.repeat(4097);
    assert.deepEqual(judge([file(long)]), refused('corrupt', long, `Entry "${'x'.repeat(300)}…" has a path longer or deeper than file systems allow.`));
    assert.equal((judge([file(Array(256).fill('a').join('/'))]) as AdmittedEntry).kind, 'file');
    assert.equal((judge([file(Array(257).fill('a').join('/'))]) as { code: string }).code, 'corrupt');
  });

  it('refuses an entry under a file or a hard link the archive made', () => {
    assert.deepEqual(judge([file('a'), file('a/b')]), refused('conflict', 'a/b', 'Entry "a/b" needs "a" to be a folder, but the archive made it a file.'));
    assert.deepEqual(judge([file('f'), hardlink('h', 'f'), file('h/x')]), refused('conflict', 'h/x', 'Entry "h/x" needs "h" to be a folder, but the archive made it a file.'));
  });

  it('lets a folder repeat (also one first made implicitly) and a file replace a file; nothing else', () => {
    assert.deepEqual(judge([dir('d/'), dir('d/')]), { kind: 'directory', path: 'd', parents: [], replaces: false });
    assert.deepEqual(judge([file('d/x'), dir('d/')]), { kind: 'directory', path: 'd', parents: [], replaces: false });
    assert.deepEqual(judge([file('f'), file('f')]), { kind: 'file', path: 'f', parents: [], replaces: true });
    const rule = 'only a regular file may replace a regular file.';
    assert.deepEqual(judge([file('f'), dir('f/')]), refused('conflict', 'f/', `Entry "f/" appears twice, first as a file and then as a folder; ${rule}`));
    assert.deepEqual(judge([dir('d/'), file('d')]), refused('conflict', 'd', `Entry "d" appears twice, first as a folder and then as a file; ${rule}`));
    assert.deepEqual(
      judge([file('f'), hardlink('h', 'f'), hardlink('h', 'f')]),
      refused('conflict', 'h', `Entry "h" appears twice, first as a hard link and then as a hard link; ${rule}`),
    );
    assert.deepEqual(judge([file('d/x'), file('d')]), refused('conflict', 'd', `Entry "d" appears twice, first as a folder and then as a file; ${rule}`));
  });

  it('compares names as macOS and Windows do: case and Unicode form, but not ß against ss', () => {
    assert.deepEqual(
      judge([dir('Data/'), file('data')]),
      refused('conflict', 'data', 'Entry "data" appears twice, first as a folder and then as a file; only a regular file may replace a regular file.'),
    );
    // é as e + combining acute, then precomposed: one name on macOS.
    assert.equal((judge([file('caf\u0065\u0301.txt'), file('caf\u00e9.txt')]) as AdmittedEntry).replaces, true);
    assert.equal((judge([file('stra\u00dfe.txt'), file('strasse.txt')]) as AdmittedEntry).replaces, false);
  });

  it('adds up the sizes files announce against the limit (folders and negative sizes count nothing)', () => {
    const limits = { maxEntries: 1000, maxBytes: 10 };
    assert.equal((judge([file('a', 6), file('b', 4)], limits) as AdmittedEntry).kind, 'file');
    assert.deepEqual(
      judge([file('a', 6), file('b', 4), file('c', 1)], limits),
      refused('too-large', 'c', `The archive's files add up to more than 10 B (at "c"). If it is genuine, raise the size limit.`),
    );
    assert.equal((judge([file('a', -5), file('b', 10)], limits) as AdmittedEntry).kind, 'file');
    assert.equal((judge([{ path: 'd/', type: 'Directory', size: 1e12 }], limits) as AdmittedEntry).kind, 'directory');
  });

  it('refuses links without a target, NUL characters, and hard links to anything but a file extracted earlier', () => {
    assert.deepEqual(judge([hardlink('h')]), refused('corrupt', 'h', 'Hard link "h" has no target.'));
    assert.deepEqual(judge([symlink('s')]), refused('corrupt', 's', 'Symbolic link "s" has no target.'));
    assert.deepEqual(judge([symlink('s', 'a\0b')]), refused('link-escape', 's', 'Symbolic link "s" has a NUL character in its target.'));
    assert.deepEqual(judge([file('f'), hardlink('h', 'f\0')]), refused('link-escape', 'h', 'Entry "h" has a NUL character in its link target.'));
    assert.deepEqual(judge([file('a\0b')]), refused('path-traversal', 'a\0b', 'Entry "a\\u0000b" has a NUL character in its path.'));
    assert.deepEqual(
      judge([dir('d/'), hardlink('h', 'd')]),
      refused('link-escape', 'h', 'Hard link "h" points to "d", which is not a regular file extracted earlier from this archive.'),
    );
    assert.deepEqual(judge([file('f'), hardlink('h1', 'f'), hardlink('h2', 'h1')]), { kind: 'hardlink', path: 'h2', parents: [], linkTarget: 'h1', replaces: false });
  });

  it("normalises a symbolic link's target (., repeated and trailing slashes, backslashes) and allows as many steps up as it is deep", () => {
    const target = (linkpath: string, at = 'a/s') => (judge([symlink(at, linkpath)]) as AdmittedEntry).linkTarget;
    assert.equal(target('../b/./c'), '../b/c');
    assert.equal(target('b//c/'), 'b/c');
    assert.equal(target('b\\c'), 'b/c');
    assert.equal(target('./'), '.');
    assert.equal(target('../../x', 'a/b/s'), '../../x');
    assert.deepEqual(judge([symlink('s', 'C:evil')]), refused('link-escape', 's', 'Symbolic link "s" points to the absolute path "C:evil".'));
  });

  it('takes C:x, \\x and /x as absolute, and 1:x as a name', () => {
    for (const p of ['C:evil', 'z:evil', '\\evil', '/evil']) assert.deepEqual(judge([file(p)]), refused('path-traversal', p, `Entry ${JSON.stringify(p)} has an absolute path.`));
    assert.equal((judge([file('1:x')]) as AdmittedEntry).path, '1:x');
  });
});

describe('quoteEntry', () => {
  it('quotes a name, cuts it after 300 characters, and escapes C1 controls and line separators', () => {
    assert.equal(quoteEntry('a'.repeat(300)), JSON.stringify('a'.repeat(300)));
    assert.equal(quoteEntry('a'.repeat(301)), JSON.stringify(`${'a'.repeat(300)}…`));
    assert.equal(quoteEntry('x\u0085y\u2028z\u007f'), '"x\\u0085y\\u2028z\\u007f"');
    assert.equal(quoteEntry('tab\there'), '"tab\\there"');
  });
});

describe('extractTarGz: the target folder and cancellation', () => {
  const simple = () => tgz([{ name: 'config.json', data: '{}' }]);

  it('refuses a non-empty target without overwrite and leaves it as it was', async () => {
    const box = await sandbox();
    await fs.mkdir(box.target);
    await fs.writeFile(path.join(box.target, 'keep.txt'), 'mine');
    await assert.rejects(extractTarGz(Readable.from([simple()]), box.target), {
      name: 'ArchiveError',
      code: 'target-exists',
      message: `${box.target} is not empty. Choose an empty or new folder, or allow overwriting it.`,
    });
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
    await assert.rejects(extractTarGz(Readable.from([simple()]), box.target, { overwrite: true }), {
      name: 'ArchiveError',
      code: 'target-exists',
      message: `${box.target} exists and is not a folder. Choose another target folder.`,
    });
  });

  it('refuses, changing nothing, when the empty target is filled by someone else while the archive is extracted', async () => {
    const box = await sandbox();
    await fs.mkdir(box.target);
    const intruder = path.join(box.target, 'intruder.txt');
    const run = extractTarGz(Readable.from([simple()]), box.target, { onProgress: () => writeFileSync(intruder, 'not from the archive') });
    await assert.rejects(run, {
      name: 'ArchiveError',
      code: 'target-exists',
      message: `${box.target} was filled by something else during the extraction. Nothing was changed; try again.`,
    });
    assert.deepEqual(await fs.readdir(box.target), ['intruder.txt']);
    assert.deepEqual((await fs.readdir(box.dir)).sort(), ['model', 'outside'], 'the working folder was left behind');
  });

  it("gives a new target the mode of the archive's ./ (kept traversable by its owner)", async () => {
    const box = await sandbox();
    await extractTarGz(
      Readable.from([
        tgz([
          { name: './', type: 'dir', mode: 0o550 },
          { name: 'config.json', data: '{}' },
        ]),
      ]),
      box.target,
    );
    assert.equal((await fs.stat(box.target)).mode & 0o777, 0o750);
  });

  it('takes a progress callback that throws as a cancel: nothing is written', async () => {
    const box = await sandbox();
    const stop = new Error('the progress view was closed');
    await assert.rejects(
      extractTarGz(Readable.from([simple()]), box.target, {
        onProgress: () => {
          throw stop;
        },
      }),
      (e: unknown) => e instanceof ArchiveError && e.code === 'aborted' && e.message === 'The extraction was cancelled; nothing was written.' && e.cause === stop,
    );
    assert.deepEqual(await fs.readdir(box.dir), ['outside']);
  });

  it('fails with "io" when reading the archive fails, and when it cannot be opened', async () => {
    const box = await sandbox();
    const broken = new Readable({
      read() {
        this.destroy(Object.assign(new Error('read failed'), { code: 'EIO' }));
      },
    });
    await assert.rejects(extractTarGz(broken, box.target), { name: 'ArchiveError', code: 'io', message: 'Reading the archive failed: EIO.' });
    const missing = path.join(box.dir, 'nope.tar.gz');
    await assert.rejects(
      extractTarGzFile(missing, box.target),
      (e: unknown) =>
        e instanceof ArchiveError && e.code === 'io' && e.message === `Cannot open the archive ${missing}: ENOENT.` && (e.cause as NodeJS.ErrnoException).code === 'ENOENT',
    );
    assert.deepEqual(await fs.readdir(box.dir), ['outside']);
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

  it('exits 1, saying "refused", for every way an archive is refused; 2 for a problem of the machine', async () => {
    const cases: Array<[ArchiveErrorCode, Buffer, string[]]> = [
      ['path-traversal', tgz([{ name: '../evil', data: 'x' }]), []],
      ['link-escape', tgz([{ name: 'up', type: 'symlink', linkname: '../x' }]), []],
      ['special-file', tgz([{ name: 'pipe', type: 'fifo' }]), []],
      [
        'conflict',
        tgz([
          { name: 'd/', type: 'dir' },
          { name: 'd', data: 'x' },
        ]),
        [],
      ],
      ['too-large', tgz([{ name: 'big.bin', data: Buffer.alloc(2048) }]), ['--max-bytes', '1K']],
      [
        'too-many-entries',
        tgz([
          { name: 'a', data: 'x' },
          { name: 'b', data: 'y' },
        ]),
        ['--max-entries', '1'],
      ],
      ['corrupt', Buffer.from('not an archive'), []],
    ];
    for (const [code, archive, flags] of cases) {
      const box = await sandbox();
      await fs.writeFile(path.join(box.dir, 'model.tar.gz'), archive);
      const io = capture(box.dir);
      assert.equal(await extractCommand(['model.tar.gz', '--to', 'model', ...flags], io), 1, `${code}: ${io.err}`);
      assert.match(io.err, new RegExp(`^sagemaker-hf extract: refused: .* \\[${code}\\]\n$`), code);
    }
    const box = await sandbox();
    await fs.writeFile(path.join(box.dir, 'model.tar.gz'), tgz([{ name: 'config.json', data: '{}' }]));
    await fs.writeFile(box.target, 'a file');
    const io = capture(box.dir);
    assert.equal(await extractCommand(['model.tar.gz', '--to', 'model'], io), 2);
    assert.match(io.err, /^sagemaker-hf extract: .* \[target-exists\]\n/);
    assert.doesNotMatch(io.err, /refused/);
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
