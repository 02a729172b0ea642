import * as vscode from 'vscode';
import { formatDuration } from '../core/format';
import { tuningEndSummary } from '../core/jobs/tuningJobView';
import type { TuningJobView } from '../core/jobs/tuningJobView';
import { CommandId, StatusBarId } from '../host/ids';
import { Disposable } from '../host/lifecycle';
import type { JobEnd, TrainingJobsTree } from './trainingJobsTree';

async function openCard(jobName: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = folder ? vscode.Uri.joinPath(folder, 'models', jobName) : undefined;
  const present = target
    ? await vscode.workspace.fs.stat(vscode.Uri.joinPath(target, 'config.json')).then(
        () => true,
        () => false,
      )
    : false;
  if (present) await vscode.commands.executeCommand(CommandId.openModelCard, jobName);
  else await vscode.commands.executeCommand(CommandId.downloadModel, jobName, 'openModelCard');
}

/** The count of running jobs in the status bar (click: the Training Jobs view). */
export class JobStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem(StatusBarId.runningJobs, vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly tree: TrainingJobsTree) {
    super();
    this.item.name = 'SageMaker HF: running training jobs';
    this.item.command = CommandId.focusJobs;
    this.register(tree.onDidChangeRunningCount((n) => this.update(n)));
  }

  private update(running: number): void {
    if (running === 0) {
      this.item.hide();
      return;
    }
    const waiting = this.tree.jobs().filter((v) => v.inFlight && v.waitingForCapacity);
    const longest = Math.max(0, ...waiting.map((v) => v.capacityWaitSeconds ?? 0));
    const wait = waiting.length > 0 ? ` · ${waiting.length} waiting for capacity (${formatDuration(longest)})` : '';
    this.item.text = `$(sync~spin) ${running} training${wait}`;
    this.item.tooltip = `${running} SageMaker training job${running === 1 ? '' : 's'} in progress${waiting.length > 0 ? `; waiting for capacity: ${waiting.map((v) => `${v.name} (${formatDuration(v.capacityWaitSeconds ?? 0)})`).join(', ')}` : ''} — show the Training Jobs view`;
    this.item.show();
  }
}

/**
 * A notification when a job this window launched or watched ends: Completed → Open Model Card,
 * Failed → the reason, Show Diagnosis; each with Open Dashboard and Show Logs. A tuning job this
 * window launched: its best trial, Clone Best Trial and Compare Best Trials.
 */
export class JobEndNotifications extends Disposable {
  private readonly watched = new Set<string>();
  /** Every end-of-job message shown in this window, oldest first (the extension's API returns them). */
  readonly shown: string[] = [];

  constructor(tree: TrainingJobsTree, logEnds: vscode.Event<{ jobName: string; status: string; reason?: string }>) {
    super();
    this.register(tree.onDidSeeJobEnd((e) => this.notify(e)));
    this.register(tree.onDidSeeTuningJobEnd((view) => this.announceTuning(view)));
    this.register(
      logEnds((e) => {
        const node = tree.findJob(e.jobName);
        if (node) void tree.track(e.jobName);
        else this.announce(e.jobName, e.status, e.reason, 'cloud');
      }),
    );
  }

  watch(jobName: string): void {
    this.watched.add(jobName);
  }

  private notify(e: JobEnd): void {
    if (!this.watched.has(e.view.name)) return;
    this.announce(e.view.name, e.view.status, e.view.failureReason, e.origin);
  }

  /**
   * A tuning job this window launched ended: how, its best trial, and what to do next — clone the best
   * trial as a job file, or compare the best trials' curves and hyperparameters.
   */
  private announceTuning(view: TuningJobView): void {
    const summary = tuningEndSummary(view);
    this.shown.push(summary.message);
    const actions = [...(view.best ? ['Clone Best Trial'] : []), ...(summary.compare.length >= 2 ? ['Compare Best Trials'] : []), 'Show Trials'];
    const shown =
      summary.level === 'info'
        ? vscode.window.showInformationMessage(summary.message, ...actions)
        : summary.level === 'error'
          ? vscode.window.showErrorMessage(summary.message, ...actions)
          : vscode.window.showWarningMessage(summary.message, ...actions);
    void shown.then((c) => {
      if (c === 'Clone Best Trial') void vscode.commands.executeCommand(CommandId.cloneBestTrial, view.name);
      if (c === 'Compare Best Trials') void vscode.commands.executeCommand(CommandId.compareRuns, summary.compare);
      if (c === 'Show Trials') void vscode.commands.executeCommand(CommandId.focusJobs);
    });
  }

  /** Announces a watched job's end once, whoever saw it first (the view's refresh, the log tail, the local runner). */
  announce(name: string, status: string, reason: string | undefined, origin: 'cloud' | 'local'): void {
    if (!this.watched.delete(name)) return;
    const where = origin === 'local' ? 'Local job' : 'Training job';
    const message = status === 'Failed' ? `${where} ${name} failed${reason ? `: ${reason}` : '.'}` : `${where} ${name} ${status.toLowerCase()}.`;
    this.shown.push(message);
    if (status === 'Completed') {
      void vscode.window.showInformationMessage(message, 'Open Model Card', 'Open Dashboard', 'Show Logs').then((c) => {
        // The card is built from the model's files: download them first unless they are here already.
        if (c === 'Open Model Card') void openCard(name);
        if (c === 'Open Dashboard') void vscode.commands.executeCommand(CommandId.openDashboard, name, origin);
        if (c === 'Show Logs') void vscode.commands.executeCommand(CommandId.showJobLogs, name);
      });
    } else if (status === 'Failed') {
      void vscode.window.showErrorMessage(message, 'Show Diagnosis', 'Open Dashboard', 'Show Logs').then((c) => {
        if (c === 'Show Diagnosis') void vscode.commands.executeCommand(CommandId.showDiagnosis, name);
        if (c === 'Open Dashboard') void vscode.commands.executeCommand(CommandId.openDashboard, name, origin);
        if (c === 'Show Logs') void vscode.commands.executeCommand(CommandId.showJobLogs, name);
      });
    } else {
      void vscode.window.showWarningMessage(message, 'Open Dashboard', 'Show Logs').then((c) => {
        if (c === 'Open Dashboard') void vscode.commands.executeCommand(CommandId.openDashboard, name, origin);
        if (c === 'Show Logs') void vscode.commands.executeCommand(CommandId.showJobLogs, name);
      });
    }
  }
}
