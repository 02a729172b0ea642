// The hash record a model folder keeps beside its files (src/artifacts/hashRecord.ts), at its edges: a
// record folder without a record, a record that is not JSON or not ours, and a record that cannot be
// written. Each must leave the push hashing files itself, never fail it or leave a stray file behind.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HASH_RECORD_PATH, readHashRecord, stampOf, writeHashRecord } from '../../src/artifacts/hashRecord';
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

  it('answers false when the record cannot be written, and leaves no temporary file', async () => {
    const { dir, record, entry } = await folder();
    // The record's name is taken by a folder with something in it: the final rename must fail.
    await fs.mkdir(path.join(record, 'in-the-way'), { recursive: true });
    assert.equal(await writeHashRecord(dir, [entry]), false);
    assert.deepEqual(await fs.readdir(path.dirname(record)), [path.basename(record)]);
  });
});
