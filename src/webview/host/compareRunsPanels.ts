// The Compare Runs panels of this window and the Compare Runs command: two or more rows selected in the
// Training Jobs view (cloud jobs, local jobs, tuning trials), or picked, → one webview panel per set of jobs.
// Each panel is a shell around compareRunsView.ts, which holds the logic; the readers (and with them the SDK
// clients) are required when a panel first reads, never at activation. After a reload a panel is restored
// from the jobs in the page's state (`onWebviewPanel:sagemakerHf.runComparison`) and reads them again.

import * as vscode from 'vscode';
import { localJobCost } from '../../core/cost/jobCost';
import type { RunInput } from '../../core/jobs/runComparison';
import type { TrainingJobDescription } from '../../core/jobs/trainingJobDescription';
import type { MetricSeries } from '../../core/metrics/metricSeries';
import { Cancelled } from '../../host/commandRunner';
import { WebviewType } from '../../host/ids';
import { Disposable } from '../../host/lifecycle';
import { asDescription } from '../../host/localJobs';
import type { ComponentLog } from '../../host/log';
import type { Services } from '../../host/services';
import { isCompareViewMessage, isCompareViewState } from '../compareProtocol';
import type { CompareHostMessage, CompareJob, CompareOrigin } from '../compareProtocol';
import { CompareRunsView, jobsToCompare } from './compareRunsView';
import type { JobOriginLookup } from './compareRunsView';
import { createNonce, webviewHtml } from './webviewHtml';
import { onProtocolMessage } from './pageMessages';

/** What Compare Runs learns from the Training Jobs view. */
export interface CompareJobLookup extends JobOriginLookup {
  /** The jobs the view lists, for the pick when the command is given fewer than two. */
  jobs(): Array<{ name: string; status: string; origin: CompareOrigin }>;
  /** DescribeTrainingJob of a cloud job, asked now (a comparison shows the job as it is). */
  describe(name: string): Promise<TrainingJobDescription>;
}

export function compareTitle(jobs: readonly CompareJob[]): string {
  return `Compare: ${jobs.map((j) => j.name).join(' · ')}`;
}

class CompareRunsPanel extends Disposable {
  private ready = false;
  private readonly view: CompareRunsView;
  private readonly log: ComponentLog;

  constructor(
    services: Services,
    lookup: CompareJobLookup,
    private readonly panel: vscode.WebviewPanel,
    jobs: readonly CompareJob[],
    onDispose: () => void,
  ) {
    super();
    this.log = services.log.for('compare');
    this.view = new CompareRunsView({ jobs, read: (job) => readRun(services, lookup, job), post: (m) => this.post(m) });
    const webview = panel.webview;
    const root = services.context.extensionUri;
    webview.html = webviewHtml({
      appTestId: 'compare-runs-app',
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'runComparison.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'webview', 'runComparison.css')).toString(),
      title: compareTitle(jobs),
    });
    const showLog = () => services.log.show();
    this.register(
      onProtocolMessage(webview, isCompareViewMessage, this.log, showLog, (m) => {
        if (m.type === 'ready') this.ready = true;
        return this.view.handle(m);
      }),
    );
    this.register(
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden the page is torn down while hidden; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => this.view.dispose() });
    this.register({ dispose: onDispose });
  }

  reveal(): void {
    this.panel.reveal();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }

  private post(message: CompareHostMessage): void {
    if (!this.ready || this.isDisposed) return;
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.log.debug('post failed:', err));
  }
}

/** One run: the job, its cost and its curves. What cannot be read of the curves or the price is said, not thrown. */
async function readRun(services: Services, lookup: CompareJobLookup, job: CompareJob): Promise<RunInput> {
  if (job.origin === 'local') {
    const record = await services.local.record(job.name);
    if (!record) throw new Error(`no job folder under ${services.local.root() ?? 'the local jobs folder'}`);
    const { LocalJobMetrics } = require('../../local/localJobMetrics') as typeof import('../../local/localJobMetrics');
    // The curves only: no /proc or nvidia-smi sampling for a comparison.
    const reading = await series(() => new LocalJobMetrics(record.Local.folder, { proc: null, gpus: async () => undefined }).poll(), 'its log could not be read');
    return { origin: 'local', description: asDescription(record), cost: localJobCost(job.name), ...reading };
  }
  const description = await lookup.describe(job.name);
  const { aws } = services;
  let cost: RunInput['cost'];
  let costProblem: string | undefined;
  try {
    [cost] = await aws.costs().costOfJobs(aws.clients(), [description], { cache: services.preflight.priceCache() });
  } catch (err) {
    costProblem = `not priced: ${err instanceof Error ? err.message : String(err)}`;
  }
  const { CloudJobMetrics } = require('../../aws/jobMetrics') as typeof import('../../aws/jobMetrics');
  const reading = await series(() => new CloudJobMetrics(aws.clients(), job.name).poll(), 'its log and metrics could not be read');
  return { origin: 'cloud', description, ...(cost ? { cost } : {}), ...(costProblem ? { costProblem } : {}), ...reading };
}

async function series(poll: () => Promise<{ snapshot: { series: MetricSeries[]; problems: string[] } }>, failure: string): Promise<{ series: MetricSeries[]; problems: string[] }> {
  try {
    const { snapshot } = await poll();
    return { series: snapshot.series, problems: snapshot.problems };
  } catch (err) {
    return { series: [], problems: [`${failure}: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`] };
  }
}

/** The window's comparisons: one panel per set of jobs. */
export class CompareRunsPanels implements vscode.Disposable {
  private readonly open = new Map<string, CompareRunsPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly services: Services,
    private readonly lookup: CompareJobLookup,
  ) {
    const log = services.log.for('compare');
    this.serializer = vscode.window.registerWebviewPanelSerializer(WebviewType.runComparison, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown): Promise<void> => {
        if (!isCompareViewState(state)) {
          log.warn('a Compare Runs panel could not be restored: its saved state is not one this version wrote');
          panel.dispose();
          return;
        }
        panel.webview.options = this.webviewOptions();
        this.adopt(panel, state.jobs);
      },
    });
  }

  show(jobs: readonly CompareJob[]): void {
    const existing = this.open.get(key(jobs));
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(WebviewType.runComparison, compareTitle(jobs), { viewColumn: vscode.ViewColumn.Active }, this.webviewOptions());
    this.adopt(panel, jobs);
  }

  /** The Compare Runs command: the view's selection; with fewer than two jobs, a pick of the loaded jobs (the given ones checked). */
  command() {
    return async (...args: unknown[]): Promise<CompareJob[]> => {
      let jobs = jobsToCompare(args, this.lookup);
      if (jobs.length < 2) jobs = await this.pick(jobs);
      this.show(jobs);
      return jobs;
    };
  }

  dispose(): void {
    this.serializer.dispose();
    for (const panel of [...this.open.values()]) panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, jobs: readonly CompareJob[]): void {
    const k = key(jobs);
    const existing = this.open.get(k);
    if (existing) {
      // Restored twice (two windows' state for one comparison): keep one.
      panel.dispose();
      existing.reveal();
      return;
    }
    const shell: CompareRunsPanel = new CompareRunsPanel(this.services, this.lookup, panel, jobs, () => {
      if (this.open.get(k) === shell) this.open.delete(k);
    });
    this.open.set(k, shell);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = this.services.context.extensionUri;
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(root, 'media'), vscode.Uri.joinPath(root, 'dist')], enableFindWidget: true };
  }

  private async pick(given: CompareJob[]): Promise<CompareJob[]> {
    const items = this.lookup.jobs().map((j) => ({
      label: j.name,
      description: `${j.status}${j.origin === 'local' ? ' · local' : ''}`,
      origin: j.origin,
      picked: given.some((g) => g.name === j.name && g.origin === j.origin),
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Compare Runs: pick two or more training jobs',
      placeHolder: items.length ? 'Check the runs to compare (or select them in the Training Jobs view with Ctrl/Cmd+click)' : 'No job loaded: refresh the Training Jobs view',
      canPickMany: true,
    });
    if (!picked) throw new Cancelled();
    if (picked.length < 2) throw new Error(`Compare Runs needs two or more training jobs; ${picked.length === 1 ? 'one was' : 'none was'} picked.`);
    return picked.map((p) => ({ name: p.label, origin: p.origin }));
  }
}

function key(jobs: readonly CompareJob[]): string {
  return jobs.map((j) => `${j.origin}\u0000${j.name}`).join('\u0001');
}
