// The Job dashboards of this window: one webview panel per job (cloud or local), restored after a reload from
// the job kept in the page's state, and the Open Dashboard command (tree, notifications, Launch, Run
// Locally, palette). Each panel is a shell around jobDashboard.ts, which holds the logic; the readers and
// the diagnosis (and with them the SDK clients) are required when a panel first reads, never at activation.

import * as vscode from 'vscode';
import type { Diagnosis } from '../../core/diagnosis/diagnoseJob';
import type { TrainingJobDescription } from '../../core/jobs/trainingJobDescription';
import { Cancelled } from '../../host/commandRunner';
import { WebviewType } from '../../host/ids';
import { Disposable } from '../../host/lifecycle';
import type { ComponentLog } from '../../host/log';
import type { Services } from '../../host/services';
import { isDashboardViewMessage, isDashboardViewState } from '../dashboardProtocol';
import type { DashboardHostMessage, DashboardJob, JobOrigin } from '../dashboardProtocol';
import { JobDashboard } from './jobDashboard';
import type { MetricsReader } from './jobDashboard';
import { createNonce, webviewHtml } from './webviewHtml';
import { onProtocolMessage } from './pageMessages';

/** What the dashboards learn from the Training Jobs view. */
export interface DashboardJobLookup {
  /** The job's origin when the view lists it. */
  origin(name: string): JobOrigin | undefined;
  /** The jobs the view lists, for the pick when the command is given none. */
  jobs(): Array<{ name: string; status: string; origin: JobOrigin }>;
  /** DescribeTrainingJob of a cloud job (the view's cached answer when it has one), for the diagnosis. */
  describe(name: string): Promise<TrainingJobDescription>;
}

export function dashboardTitle(name: string): string {
  return `Dashboard: ${name}`;
}

class JobDashboardPanel extends Disposable {
  private ready = false;
  readonly dashboard: JobDashboard;
  private readonly log: ComponentLog;

  constructor(
    services: Services,
    lookup: DashboardJobLookup,
    private readonly panel: vscode.WebviewPanel,
    readonly job: DashboardJob,
    onDispose: () => void,
  ) {
    super();
    this.log = services.log.for('dashboard');
    this.dashboard = new JobDashboard({
      job,
      post: (m) => this.post(m),
      openReader: () => openReader(services, job),
      diagnose: () => diagnose(services, lookup, job),
      openFile: async (file, line) => {
        const position = new vscode.Position(Math.max(0, line - 1), 0);
        await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.Beside, preview: true });
      },
      frameLabel: (file) => vscode.workspace.asRelativePath(file),
      warn: (...args) => this.log.warn(...args),
    });
    const webview = panel.webview;
    const root = services.context.extensionUri;
    webview.html = webviewHtml({
      appTestId: 'job-dashboard-app',
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'jobDashboard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'webview', 'jobDashboard.css')).toString(),
      title: dashboardTitle(job.name),
    });
    const showLog = () => services.log.show();
    this.register(
      onProtocolMessage(webview, isDashboardViewMessage, this.log, showLog, (m) => {
        if (m.type === 'ready') this.ready = true;
        return this.dashboard.handle(m);
      }),
    );
    this.register(
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden the page is torn down while hidden; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
        this.dashboard.setVisible(panel.visible);
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => this.dashboard.dispose() });
    this.register({ dispose: onDispose });
    this.dashboard.setVisible(panel.visible);
    this.dashboard.start();
  }

  reveal(): void {
    this.panel.reveal();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }

  private post(message: DashboardHostMessage): void {
    if (!this.ready || this.isDisposed) return;
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.log.debug('post failed:', err));
  }
}

async function openReader(services: Services, job: DashboardJob): Promise<MetricsReader> {
  if (job.origin === 'local') {
    const record = await services.local.record(job.name);
    if (!record) throw new Error(`The local job ${job.name} has no job folder under ${services.local.root() ?? 'the local jobs folder'}.`);
    const { LocalJobMetrics } = require('../../local/localJobMetrics') as typeof import('../../local/localJobMetrics');
    return new LocalJobMetrics(record.Local.folder);
  }
  const { CloudJobMetrics } = require('../../aws/jobMetrics') as typeof import('../../aws/jobMetrics');
  return new CloudJobMetrics(services.aws.clients(), job.name);
}

async function diagnose(services: Services, lookup: DashboardJobLookup, job: DashboardJob): Promise<Diagnosis> {
  const { diagnoseTrainingJob } = require('../../host/jobDiagnosis') as typeof import('../../host/jobDiagnosis');
  return diagnoseTrainingJob({ services, describe: (n) => lookup.describe(n) }, job.name, job.origin);
}

/** The window's dashboards, with the serializer that restores them after a reload. */
export class JobDashboardPanels implements vscode.Disposable {
  private readonly open = new Map<string, JobDashboardPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly services: Services,
    private readonly lookup: DashboardJobLookup,
  ) {
    const log = services.log.for('dashboard');
    this.serializer = vscode.window.registerWebviewPanelSerializer(WebviewType.jobDashboard, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown): Promise<void> => {
        if (!isDashboardViewState(state)) {
          log.warn('a Job dashboard could not be restored: its saved state is not one this version wrote');
          panel.dispose();
          return;
        }
        panel.webview.options = this.webviewOptions();
        this.adopt(panel, state.job);
      },
    });
  }

  /** Shows the dashboard of `job`, revealing it when it is open already. */
  show(job: DashboardJob, options: { preserveFocus?: boolean } = {}): void {
    const open = this.open.get(key(job));
    if (open) {
      open.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      WebviewType.jobDashboard,
      dashboardTitle(job.name),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      this.webviewOptions(),
    );
    this.adopt(panel, job);
  }

  /** The Open Dashboard command: a tree node, a job name (notifications, Launch, Run Locally), or a pick. */
  command() {
    return async (arg?: { view?: { name?: unknown }; origin?: unknown } | string, origin?: JobOrigin): Promise<void> => {
      this.show(await this.resolve(arg, origin));
    };
  }

  dispose(): void {
    this.serializer.dispose();
    for (const panel of [...this.open.values()]) panel.dispose();
  }

  private async resolve(arg: { view?: { name?: unknown }; origin?: unknown } | string | undefined, origin: JobOrigin | undefined): Promise<DashboardJob> {
    const asOrigin = (v: unknown): JobOrigin | undefined => (v === 'cloud' || v === 'local' ? v : undefined);
    if (typeof arg === 'string' && arg) return { name: arg, origin: asOrigin(origin) ?? this.lookup.origin(arg) ?? 'cloud' };
    if (typeof arg === 'object' && arg !== null && typeof arg.view?.name === 'string') {
      const name = arg.view.name;
      return { name, origin: asOrigin(arg.origin) ?? this.lookup.origin(name) ?? 'cloud' };
    }
    const items = this.lookup.jobs().map((j) => ({ label: j.name, description: `${j.status}${j.origin === 'local' ? ' · local' : ''}`, origin: j.origin }));
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Open the dashboard of a training job',
      placeHolder: items.length ? 'Pick a training job' : 'No job loaded: refresh the Training Jobs view',
    });
    if (!picked) throw new Cancelled();
    return { name: picked.label, origin: picked.origin };
  }

  private adopt(panel: vscode.WebviewPanel, job: DashboardJob): void {
    const k = key(job);
    const existing = this.open.get(k);
    if (existing) {
      // Restored twice (two windows' state for one job): keep one.
      panel.dispose();
      existing.reveal();
      return;
    }
    const shell: JobDashboardPanel = new JobDashboardPanel(this.services, this.lookup, panel, job, () => {
      if (this.open.get(k) === shell) this.open.delete(k);
    });
    this.open.set(k, shell);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = this.services.context.extensionUri;
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(root, 'media'), vscode.Uri.joinPath(root, 'dist')],
      enableFindWidget: true,
    };
  }
}

function key(job: DashboardJob): string {
  return `${job.origin}\u0000${job.name}`;
}
