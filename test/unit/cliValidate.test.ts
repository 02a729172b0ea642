import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT } from './repoRoot';

const cli = path.join(REPO_ROOT, 'dist/cli.js');
const fixture = (f: string) => path.join('test/fixtures/jobFiles', f);
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

describe('sagemaker-hf validate (the built CLI)', () => {
  before(() => {
    if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
  });

  it('exits 0 on a valid file and prints no problem', () => {
    const r = run('validate', fixture('valid/seed.sagemaker.yaml'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('exits 1 and prints file:line:col: severity: message, 1-based', () => {
    const r = run('validate', fixture('invalid/versions.sagemaker.yaml'));
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^test\/fixtures\/jobFiles\/invalid\/versions\.sagemaker\.yaml:5:18: error: `pytorch_version: 1\.10` is the number 1\.1/m);
    assert.match(r.stderr, /1 file checked: 2 errors, 0 warnings/);
  });

  it('exits 0 when a file has warnings only', () => {
    const r = run('validate', fixture('valid/seed.sagemaker.yaml'), fixture('valid/torch-distributed-p5.sagemaker.yaml'));
    assert.equal(r.status, 0, r.stdout);
  });

  it('--json prints one array with file, severity, message, path and a 0-based range', () => {
    const r = run('validate', '--json', fixture('invalid/matrix.sagemaker.yaml'), fixture('valid/seed.sagemaker.yaml'));
    assert.equal(r.status, 1);
    const problems = JSON.parse(r.stdout);
    assert.equal(problems.length, 1);
    assert.deepEqual(Object.keys(problems[0]).sort(), ['code', 'file', 'message', 'path', 'range', 'severity']);
    assert.equal(problems[0].path, 'pytorch_version');
    assert.deepEqual(problems[0].range, { start: { line: 4, character: 17 }, end: { line: 4, character: 25 } });
  });

  it('exits 2 on a missing file or no file at all', () => {
    assert.equal(run('validate', 'nope.sagemaker.yaml').status, 2);
    assert.equal(run('validate').status, 2);
    assert.equal(run('validate', '--bogus', fixture('valid/seed.sagemaker.yaml')).status, 2);
  });
});
