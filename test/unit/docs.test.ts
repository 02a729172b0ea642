import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './repoRoot';

describe('documentation stays true', () => {
  it('the README job-file reference matches the schema', () => {
    const r = spawnSync(process.execPath, ['scripts/schemaReference.mjs', '--check'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('the README starts with the two set-up commands: the demo and the test suite', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)![1]!;
    assert.match(firstBlock, /^npm ci && npm run demo\b/m);
    assert.match(firstBlock, /^npm ci && npm test\b/m);
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.ok(pkg.scripts.demo && pkg.scripts.test);
  });

  it('CI runs the README test command', () => {
    const ci = readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8');
    assert.match(ci, /^npm test\b/m);
  });
});
