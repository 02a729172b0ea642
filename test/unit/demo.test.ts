import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from './repoRoot';

describe('npm run demo (the README main command)', () => {
  it('runs the quickstart on two local hosts and leaves a model card with ROUGE results', () => {
    const r = spawnSync(process.execPath, ['scripts/demo.mjs'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const card = /Model card: (\S+)/.exec(r.stdout)?.[1];
    assert.ok(card, r.stdout);
    const readmePath = path.resolve(REPO_ROOT, card);
    try {
      assert.ok(existsSync(readmePath));
      const readme = readFileSync(readmePath, 'utf8');
      assert.ok(readme.startsWith('---\n'), 'front matter on line 1');
      const meta = parse(readme.split('\n---\n')[0]!.slice(4));
      assert.equal(meta.pipeline_tag, 'summarization');
      assert.equal(meta.library_name, 'transformers');
      const metrics = meta['model-index'][0].results.flatMap((x: { metrics: Array<{ type: string }> }) => x.metrics);
      assert.ok(metrics.some((m: { type: string }) => m.type === 'rouge'));
      // Both hosts logged: the local backend ran two processes.
      assert.match(r.stderr + r.stdout, /\[algo-2\]/);
      assert.match(r.stderr + r.stdout, /Completed - Training job completed/);
    } finally {
      rmSync(path.dirname(readmePath), { recursive: true, force: true });
      const jobFolder = /Job folder: (\S+?)\/? \(/.exec(r.stdout)?.[1];
      if (jobFolder) rmSync(path.resolve(REPO_ROOT, jobFolder), { recursive: true, force: true });
    }
  });
});
