import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { QUICKSTART_FILES } from '../../src/core/quickstartFiles';
import { WalkthroughDone } from '../../src/host/ids';
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

  it('Open Dashboard on every job, cloud or local, whatever its status; its panel restores after a reload', () => {
    for (const s of ['InProgress', 'Completed', 'Failed', 'Stopped', 'Stopping'])
      for (const o of ['cloud', 'local'] as const) assert.equal(shown('sagemakerHf.openDashboard', s, o), true, `${s} ${o}`);
    assert.ok((pkg.activationEvents as string[]).includes('onWebviewPanel:sagemakerHf.jobDashboard'));
  });

  it('Stop Tuning Job only on tuning jobs in progress; Clone Best Trial only once a best trial is known; no job action on a tuning row', () => {
    const onTuning = (command: string, status: string, hasBest: boolean, inline = false, origin: JobOrigin = 'cloud') => {
      const ctx = ContextValue.tuning(status, origin, hasBest);
      return itemMenus
        .filter((m) => m.command === command && (m.group?.startsWith('inline') ?? false) === inline)
        .some((m) => {
          const re = /viewItem =~ \/(.*?)\/(?:\s|$)/.exec(m.when)?.[1];
          return re !== undefined && new RegExp(re).test(ctx) && m.when.includes('view == sagemakerHf.trainingJobs');
        });
    };
    assert.equal(onTuning('sagemakerHf.stopTuningJob', 'InProgress', false), true);
    assert.equal(onTuning('sagemakerHf.stopTuningJob', 'InProgress', true, true), true, 'inline too');
    assert.equal(onTuning('sagemakerHf.stopTuningJob', 'InProgress', false, false, 'local'), true, 'a local tuning run too');
    assert.equal(onTuning('sagemakerHf.cloneBestTrial', 'Completed', true, false, 'local'), true, 'a local tuning run too');
    for (const s of ['Completed', 'Failed', 'Stopped', 'Stopping']) assert.equal(onTuning('sagemakerHf.stopTuningJob', s, true), false, s);
    for (const s of ['InProgress', 'Completed', 'Stopped']) {
      assert.equal(onTuning('sagemakerHf.cloneBestTrial', s, true), true, s);
      assert.equal(onTuning('sagemakerHf.cloneBestTrial', s, false), false, s);
    }
    // A training job's actions (logs, dashboard, download, clone) are for its trials, not for the tuning row.
    for (const c of ['sagemakerHf.showJobLogs', 'sagemakerHf.openDashboard', 'sagemakerHf.stopJob', 'sagemakerHf.downloadModel', 'sagemakerHf.cloneJobFile'])
      assert.equal(onTuning(c, 'Completed', true) || onTuning(c, 'InProgress', true), false, c);
    assert.equal(shown('sagemakerHf.cloneBestTrial', 'Completed', 'cloud'), false, 'not on a training job');
  });

  it('Compare Runs on every job row, cloud or local, whatever its status; the view lets several rows be selected', () => {
    for (const s of ['InProgress', 'Completed', 'Failed', 'Stopped', 'Stopping'])
      for (const o of ['cloud', 'local'] as const) assert.equal(shown('sagemakerHf.compareRuns', s, o), true, `${s} ${o}`);
    assert.equal(shown('sagemakerHf.compareRuns', 'Completed', 'cloud', true), false, 'not an inline button');
    const registerViews = readFileSync(path.join(REPO_ROOT, 'src/views/registerViews.ts'), 'utf8');
    assert.match(registerViews, /createTreeView\(ViewId\.trainingJobs, \{[^}]*canSelectMany: true/s);
  });

  it('every menu entry names a contributed command', () => {
    const commands = new Set((pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command));
    for (const [menu, entries] of Object.entries(pkg.contributes.menus as Record<string, Array<{ command: string }>>)) {
      for (const e of entries) assert.ok(commands.has(e.command), `${menu}: ${e.command}`);
    }
  });
});

describe('the Get Started walkthrough and the welcome view', () => {
  const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const walkthroughs: Array<{ id: string; steps: Array<{ id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }> }> =
    pkg.contributes.walkthroughs;
  const links = (text: string) => [...text.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!);

  it('every command link and completion event names a contributed command (or a workbench one)', () => {
    const texts = [...walkthroughs.flatMap((w) => w.steps.map((s) => s.description)), ...pkg.contributes.viewsWelcome.map((v: { contents: string }) => v.contents)];
    const named = [
      ...texts.flatMap(links),
      ...walkthroughs.flatMap((w) => w.steps.flatMap((s) => (s.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)))),
    ];
    assert.ok(named.length >= 10, `only ${named.length} commands named: the check checks little`);
    assert.deepEqual(
      named.filter((c) => !commands.has(c) && !c.startsWith('workbench.')),
      [],
    );
    const views = new Set<string>(
      Object.values(pkg.contributes.views as Record<string, Array<{ id: string }>>)
        .flat()
        .map((v) => v.id),
    );
    const viewEvents = walkthroughs.flatMap((w) => w.steps.flatMap((s) => (s.completionEvents ?? []).filter((e) => e.startsWith('onView:')).map((e) => e.slice('onView:'.length))));
    assert.deepEqual(
      viewEvents.filter((v) => !views.has(v)),
      [],
    );
  });

  it('steps with a command button complete on a context key the extension sets after the action, never on the command starting', () => {
    // onCommand checks the step off as the command starts, and the walkthrough then takes the focus
    // from the input box or pick the command opened.
    const keys = new Set<string>(Object.values(WalkthroughDone));
    for (const step of walkthroughs.flatMap((w) => w.steps)) {
      const events = step.completionEvents ?? [];
      assert.deepEqual(
        events.filter((e) => e.startsWith('onCommand:')),
        [],
        step.id,
      );
      for (const e of events.filter((x) => x.startsWith('onContext:'))) assert.ok(keys.has(e.slice('onContext:'.length)), `${step.id}: ${e} is not a WalkthroughDone key`);
    }
    const used = new Set(walkthroughs.flatMap((w) => w.steps.flatMap((s) => (s.completionEvents ?? []).map((e) => e.slice('onContext:'.length)))));
    assert.deepEqual(
      [...keys].filter((k) => !used.has(k)),
      [],
      'WalkthroughDone keys no step completes on',
    );
    // Each key is set somewhere in src/ (markWalkthroughStep(WalkthroughDone.<name>)).
    const src = execFileSync('grep', ['-rhoE', 'markWalkthroughStep\\(WalkthroughDone\\.[a-zA-Z]+\\)', path.join(REPO_ROOT, 'src')], { encoding: 'utf8' });
    const marked = new Set<string>([...src.matchAll(/WalkthroughDone\.(\w+)/g)].map((m) => WalkthroughDone[m[1] as keyof typeof WalkthroughDone]));
    assert.deepEqual(
      [...keys].filter((k) => !marked.has(k as string)),
      [],
      'keys nothing sets',
    );
  });

  it('every step has a markdown page that exists and ships (media/** is in the package)', () => {
    // package.json `files` is what the .vsix holds (scripts/package.mjs; there is no .vscodeignore).
    const shipped: string[] = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).files;
    assert.ok(shipped.includes('media/**'));
    for (const step of walkthroughs.flatMap((w) => w.steps)) {
      assert.match(step.media.markdown ?? '', /^media\//, step.id);
      assert.ok(existsSync(path.join(REPO_ROOT, step.media.markdown!)), `${step.id}: ${step.media.markdown} is missing`);
      assert.ok((step.completionEvents ?? []).length > 0, `${step.id} never completes`);
    }
  });

  it('the quickstart the extension copies is every file git tracks in examples/quickstart, each one packaged', () => {
    const tracked = execFileSync('git', ['ls-files', 'examples/quickstart'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.slice('examples/quickstart/'.length));
    assert.deepEqual([...QUICKSTART_FILES].sort(), tracked.sort());
    const shipped: string[] = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).files;
    assert.deepEqual(
      QUICKSTART_FILES.filter((f) => !shipped.includes(`examples/quickstart/${f}`)),
      [],
    );
    assert.equal(QUICKSTART_FILES[0], 'quickstart.sagemaker.yaml', 'the job file comes first: the command opens it');
  });
});
