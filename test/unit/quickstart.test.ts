// `sagemaker-hf quickstart`: the built CLI writes the shipped quickstart into a new folder, refuses one
// that exists, and leaves nothing behind when the copy fails; the folder it writes validates and runs.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { quickstartCommand } from '../../src/cli/quickstartCommand';
import type { CliIo } from '../../src/cli/cliError';
import { QUICKSTART_FILES } from '../../src/core/quickstartFiles';
import { REPO_ROOT } from './repoRoot';

const cli = path.join(REPO_ROOT, 'dist/cli.js');
const shipped = path.join(REPO_ROOT, 'examples', 'quickstart');
let base: string;
const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

function capture(cwd: string): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, env: {}, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('sagemaker-hf quickstart', () => {
  before(() => {
    if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
    base = mkdtempSync(path.join(os.tmpdir(), 'quickstart-cli-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('writes every shipped file into ./quickstart, and the job file validates with no error', () => {
    const r = run(base, 'quickstart');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Wrote the quickstart into quickstart\/ \(9 files\)\. Next:\n {2}sagemaker-hf validate quickstart\/quickstart\.sagemaker\.yaml\n/);
    for (const f of QUICKSTART_FILES) assert.ok(readFileSync(path.join(base, 'quickstart', f)).equals(readFileSync(path.join(shipped, f))), f);
    const v = run(base, 'validate', 'quickstart/quickstart.sagemaker.yaml');
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  it('refuses a folder that exists and changes nothing in it', () => {
    const mine = path.join(base, 'mine');
    mkdirSync(mine);
    writeFileSync(path.join(mine, 'train.py'), 'print("mine")\n');
    const r = run(base, 'quickstart', 'mine');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^sagemaker-hf quickstart: mine already exists; the quickstart goes into a new folder/);
    assert.deepEqual(readdirSync(mine), ['train.py']);
    assert.equal(readFileSync(path.join(mine, 'train.py'), 'utf8'), 'print("mine")\n');
  });

  it('removes a half-written folder when a file cannot be copied', async () => {
    // A source missing its data files stands for a broken installation.
    const broken = path.join(base, 'broken-source');
    mkdirSync(broken);
    for (const f of QUICKSTART_FILES.filter((f) => !f.startsWith('data/'))) writeFileSync(path.join(broken, f), 'x');
    const io = capture(base);
    assert.equal(await quickstartCommand(['half'], io, { source: broken }), 2);
    assert.match(io.err, /could not write the quickstart into half: ENOENT/);
    assert.equal(existsSync(path.join(base, 'half')), false);
  });

  it('takes at most one folder', async () => {
    await assert.rejects(quickstartCommand(['a', 'b'], capture(base)), /at most one folder/);
  });
});
