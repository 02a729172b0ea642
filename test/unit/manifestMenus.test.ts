import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ContextValue } from '../../src/views/contextValues';
import type { JobOrigin } from '../../src/views/contextValues';
import { REPO_ROOT } from './repoRoot';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const itemMenus: Array<{ command: string; when: string; group?: string }> = pkg.contributes.menus['view/item/context'];

/** Evaluates the `viewItem =~ /…/` part of a when clause for a row's context value. */
function shown(command: string, status: string, origin: JobOrigin, inline = false): boolean {
  const ctx = ContextValue.job(status, origin, status === 'Completed');
  return itemMenus
    .filter((m) => m.command === command && (m.group?.startsWith('inline') ?? false) === inline)
    .some((m) => {
      const re = /viewItem =~ \/(.*?)\/(?:\s|$)/.exec(m.when)?.[1];
      return re !== undefined && new RegExp(re).test(ctx) && m.when.includes('view == sagemakerHf.trainingJobs');
    });
}

describe('Training Jobs view: menus match the rows they are for', () => {
  it('Stop Job only on jobs in progress, cloud or local', () => {
    for (const origin of ['cloud', 'local'] as const) {
      assert.equal(shown('sagemakerHf.stopJob', 'InProgress', origin), true, origin);
      for (const s of ['Completed', 'Failed', 'Stopped', 'Stopping']) assert.equal(shown('sagemakerHf.stopJob', s, origin), false, `${s} ${origin}`);
    }
  });

  it('Download Model and Open Model Card only once a job completed', () => {
    for (const c of ['sagemakerHf.downloadModel', 'sagemakerHf.openModelCard']) {
      assert.equal(shown(c, 'Completed', 'cloud'), true, c);
      assert.equal(shown(c, 'Completed', 'local'), true, c);
      assert.equal(shown(c, 'InProgress', 'cloud'), false, c);
      assert.equal(shown(c, 'Failed', 'cloud'), false, c);
    }
  });

  it('AWS-only actions never on local jobs; Show Logs and Copy Name on every job', () => {
    for (const c of ['sagemakerHf.describeJob', 'sagemakerHf.cloneJobFile', 'sagemakerHf.openJobInConsole', 'sagemakerHf.copyJobArn', 'sagemakerHf.stopTailing']) {
      assert.equal(shown(c, 'Completed', 'cloud'), true, c);
      assert.equal(shown(c, 'Completed', 'local'), false, c);
    }
    for (const c of ['sagemakerHf.showJobLogs', 'sagemakerHf.copyJobName']) {
      for (const s of ['InProgress', 'Completed', 'Failed']) for (const o of ['cloud', 'local'] as const) assert.equal(shown(c, s, o), true, `${c} ${s} ${o}`);
    }
  });

  it('every menu entry names a contributed command', () => {
    const commands = new Set((pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command));
    for (const [menu, entries] of Object.entries(pkg.contributes.menus as Record<string, Array<{ command: string }>>)) {
      for (const e of entries) assert.ok(commands.has(e.command), `${menu}: ${e.command}`);
    }
  });
});
