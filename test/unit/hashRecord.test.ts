// The hash record a model folder keeps beside its files (src/artifacts/hashRecord.ts), at its edges: a
// record folder without a record, a record that is not JSON or not ours, and a record that cannot be
// written. Each must leave the push hashing files itself, never fail it or leave a stray file behind.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HASH_RECORD_PATH, readHashRecord, recordedSha256, stampedEntries, stampOf, writeHashRecord } from '../../src/artifacts/hashRecord';
import type { HashEntry } from '../../src/artifacts/hashRecord';

let tmp: string;
let count = 0;
const SHA = 'a'.repeat(64);

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'hash-record-'));
});

after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A model folder with one file, and the record's path in it. */
async function folder(): Promise<{ dir: string; record: string; entry: [string, HashEntry] }> {
  const dir = path.join(tmp, `model-${++count}`);
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, 'config.json'), '{}');
  const stat = await fs.stat(path.join(dir, 'config.json'), { bigint: true });
  return { dir, record: path.join(dir, ...HASH_RECORD_PATH.split('/')), entry: ['config.json', { ...stampOf(stat), sha256: SHA }] };
}

describe('hash record', () => {
  it('reads nothing from a record folder that holds no record, or a record that is not JSON or not ours', async () => {
    const { dir, record } = await folder();
    await fs.mkdir(path.dirname(record), { recursive: true });
    assert.equal((await readHashRecord(dir)).size, 0);
    for (const text of ['{"version": 1, "files": {', '[]', '{"version": 2, "files": {}}', '{"version": 1}']) {
      await fs.writeFile(record, text);
      assert.equal((await readHashRecord(dir)).size, 0, text);
    }
  });

  it('writes and reads back a record', async () => {
    const { dir, entry } = await folder();
    assert.equal(await writeHashRecord(dir, [entry]), true);
    assert.deepEqual([...(await readHashRecord(dir))], [entry]);
  });

  it('keeps only well-formed entries of a record of its own version, and never reads one through a link', async () => {
    const { dir, record, entry } = await folder();
    const good = entry[1];
    const files: Record<string, unknown> = {
      'ok.bin': good,
      'not-an-object.bin': 'x',
      'negative.bin': { ...good, size: -1 },
      'empty.bin': { ...good, size: 0 },
      'fraction.bin': { ...good, size: 1.5 },
      'size-as-text.bin': { ...good, size: '1' },
      'mtime-with-letters.bin': { ...good, mtimeNs: '12a' },
      'mtime-after-letter.bin': { ...good, mtimeNs: 'a12' },
      'mtime-as-number.bin': { ...good, mtimeNs: 12 },
      'ctime-as-number.bin': { ...good, ctimeNs: 12 },
      'ctime-with-letters.bin': { ...good, ctimeNs: '1x' },
      'sha-upper.bin': { ...good, sha256: 'A'.repeat(64) },
      'sha-short.bin': { ...good, sha256: 'a'.repeat(63) },
      'sha-prefixed.bin': { ...good, sha256: `x${'a'.repeat(64)}` },
      'sha-suffixed.bin': { ...good, sha256: `${'a'.repeat(64)}x` },
      'sha-as-number.bin': { ...good, sha256: 1 },
      'sha-in-a-list.bin': { ...good, sha256: ['a'.repeat(64)] },
    };
    await fs.mkdir(path.dirname(record), { recursive: true });
    await fs.writeFile(record, JSON.stringify({ version: 1, files }));
    assert.deepEqual(
      [...(await readHashRecord(dir))],
      [
        ['ok.bin', good],
        ['empty.bin', { ...good, size: 0 }],
      ],
    );
    await fs.writeFile(record, JSON.stringify({ version: 2, files }));
    assert.equal((await readHashRecord(dir)).size, 0, 'a record of another version was read');
    // The record's name is a link to a valid record elsewhere: not read.
    const elsewhere = path.join(tmp, `elsewhere-${count}.json`);
    await fs.writeFile(elsewhere, JSON.stringify({ version: 1, files }));
    await fs.rm(record);
    await fs.symlink(elsewhere, record);
    assert.equal((await readHashRecord(dir)).size, 0, 'the record was read through a link');
  });

  it("gives a recorded sha256 only while the file's size, mtime and ctime are all the recorded ones", () => {
    const stamp = { size: 10, mtimeNs: '100', ctimeNs: '200' };
    const record = new Map([['a.bin', { ...stamp, sha256: SHA }]]);
    assert.equal(recordedSha256(record, 'a.bin', stamp), SHA);
    assert.equal(recordedSha256(record, 'a.bin', { ...stamp, size: 11 }), undefined);
    assert.equal(recordedSha256(record, 'a.bin', { ...stamp, mtimeNs: '101' }), undefined);
    assert.equal(recordedSha256(record, 'a.bin', { ...stamp, ctimeNs: '201' }), undefined);
    assert.equal(recordedSha256(record, 'b.bin', stamp), undefined);
  });

  it('merges with what is recorded unless told not to, forgets what it is told to, and lists files in byte order', async () => {
    const { dir, record } = await folder();
    const entry = (sha: string): HashEntry => ({ size: 1, mtimeNs: '1', ctimeNs: '1', sha256: sha.repeat(64) });
    assert.equal(
      await writeHashRecord(dir, [
        ['b.bin', entry('b')],
        ['B.bin', entry('c')],
      ]),
      true,
    );
    assert.equal(await writeHashRecord(dir, [['a.bin', entry('a')]]), true);
    assert.deepEqual(Object.keys((JSON.parse(await fs.readFile(record, 'utf8')) as { files: object }).files), ['B.bin', 'a.bin', 'b.bin']);
    assert.equal(await writeHashRecord(dir, [], { forget: ['b.bin'] }), true);
    assert.deepEqual([...(await readHashRecord(dir)).keys()].sort(), ['B.bin', 'a.bin']);
    assert.equal(await writeHashRecord(dir, [['d.bin', entry('d')]], { merge: false }), true);
    assert.deepEqual([...(await readHashRecord(dir)).keys()], ['d.bin']);
  });

  it('does not write through a .cache that is a file, and stamps only regular files', async () => {
    const { dir, entry } = await folder();
    await fs.writeFile(path.join(dir, '.cache'), 'not a folder');
    assert.equal(await writeHashRecord(dir, [entry]), false);
    await fs.symlink('config.json', path.join(dir, 'link.json'));
    const stamped = await stampedEntries(
      dir,
      new Map([
        ['config.json', SHA],
        ['link.json', SHA],
        ['gone.json', SHA],
      ]),
    );
    assert.deepEqual(
      stamped.map(([file]) => file),
      ['config.json'],
    );
  });

  it('answers false when the record cannot be written, and leaves no temporary file', async () => {
    const { dir, record, entry } = await folder();
    // The record's name is taken by a folder with something in it: the final rename must fail.
    await fs.mkdir(path.join(record, 'in-the-way'), { recursive: true });
    assert.equal(await writeHashRecord(dir, [entry]), false);
    assert.deepEqual(await fs.readdir(path.dirname(record)), [path.basename(record)]);
  });
});
