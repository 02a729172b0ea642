import * as path from 'path';
import * as vscode from 'vscode';
import type { Problem } from '../core/jobFile/problem';
import type { AwsSession } from '../host/awsSession';
import type { InFlightLaunches } from '../host/inFlightLaunches';
import type { PreflightSession } from '../host/preflightSession';
import { blockingFailures } from '../core/preflight/checklist';
import { showChecklist } from './checkSetup';
import { jobFileDocument } from './jobFileTarget';
import { Cancelled } from '../host/commandRunner';
import type { ReadonlyDocuments } from '../host/readonlyDocuments';
import type { Services } from '../host/services';
import { WalkthroughDone } from '../host/ids';
import { markWalkthroughStep } from '../host/walkthrough';
import type { JobFileDiagnostics } from '../language/jobFileDiagnostics';
import type { JobLogChannels } from '../logs/jobLogChannels';
import type { JobEndNotifications } from '../views/jobStatusBar';
import type { TrainingJobsTree } from '../views/trainingJobsTree';

export interface LaunchDeps {
  services: Services;
  aws: AwsSession;
  diagnostics: JobFileDiagnostics;
  documents: ReadonlyDocuments;
  tree: TrainingJobsTree;
  logs: JobLogChannels;
  notifications: JobEndNotifications;
  launchesInFlight: InFlightLaunches;
  preflight: PreflightSession;
}

/** Refuses a file with errors: the problems are already in the Problems view, which gets the focus. */
export async function refuseOnErrors(deps: { diagnostics: JobFileDiagnostics }, doc: vscode.TextDocument, problems?: Problem[]): Promise<boolean> {
  const errors = problems ? problems.filter((p) => p.severity === 'error').length : deps.diagnostics.validateNow(doc).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
  if (errors === 0) return false;
  if (problems) deps.diagnostics.validateNow(doc);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  void vscode.window.showErrorMessage(`${path.basename(doc.uri.fsPath)} has ${errors} error${errors === 1 ? '' : 's'}; fix ${errors === 1 ? 'it' : 'them'} before launching (see the Problems view).`);
  return true;
}

function requireTrust(action: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new Error(`${action} packs and runs code from this workspace, so it needs a trusted workspace (Workspaces: Manage Workspace Trust).`);
  }
}

async function plan(deps: LaunchDeps, doc: vscode.TextDocument) {
  const { planTrainingJob } = require('../aws/launch/launchTrainingJob') as typeof import('../aws/launch/launchTrainingJob');
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Planning the training job…' }, () =>
    planTrainingJob({ jobFilePath: doc.uri.fsPath, text: doc.getText(), clients: deps.aws.clients() }),
  );
}

function previewText(planned: { plan: { createTrainingJob: unknown; uploads: Array<{ from: string; to: string }> } }): string {
  const body = { createTrainingJob: planned.plan.createTrainingJob, uploads: planned.plan.uploads.map((u) => ({ from: u.from, to: u.to })) };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** "Preview Training Request": the exact CreateTrainingJob request, read-only, without launching. */
export function previewTrainingRequest(deps: LaunchDeps) {
  return async (arg?: vscode.Uri): Promise<void> => {
    const doc = await jobFileDocument(arg);
    if (await refuseOnErrors(deps, doc)) return;
    const planned = await plan(deps, doc);
    if (planned.kind === 'invalid') {
      await refuseOnErrors(deps, doc, planned.problems);
      return;
    }
    await deps.documents.show(`${planned.plan.createTrainingJob.TrainingJobName}.request.json`, previewText(planned), { viewColumn: vscode.ViewColumn.Beside });
  };
}

/**
 * "Launch Distributed Training": validate, plan, show the exact request (unless the preview is
 * turned off), then package, upload and create the job under a cancellable progress notification.
 */
export function launchTraining(deps: LaunchDeps) {
  const log = deps.services.log.for('launch');
  return async (arg?: vscode.Uri): Promise<void> => {
    requireTrust('Launching a job');
    const doc = await jobFileDocument(arg);
    if (await refuseOnErrors(deps, doc)) return;
    const planned = await plan(deps, doc);
    if (planned.kind === 'invalid') {
      await refuseOnErrors(deps, doc, planned.problems);
      return;
    }
    const request = planned.plan.createTrainingJob;
    const where = `${request.ResourceConfig.InstanceCount} × ${request.ResourceConfig.InstanceType} in ${planned.region}`;
    // Preflight before anything is packed or uploaded: no quota, a role SageMaker cannot assume or a
    // bucket of another account would only fail after the upload, or minutes into Starting.
    const clients = deps.aws.clients();
    const [checklist, cost] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking the AWS setup and the price…' }, () =>
      Promise.all([deps.preflight.check(clients, planned.spec, planned.region), deps.preflight.estimate(clients, planned.spec, planned.region).catch((err: unknown) => ({ text: `No cost estimate: ${(err as Error).message}` }))]),
    );
    const blocking = blockingFailures(checklist);
    if (blocking.length > 0) {
      const choice = await vscode.window.showErrorMessage(
        `${blocking.length === 1 ? 'A setup problem' : `${blocking.length} setup problems`} would stop ${request.TrainingJobName} before it trains.`,
        { modal: true, detail: blocking.map((b) => `${b.title}: ${b.detail}${b.nextStep ? `\n→ ${b.nextStep.action}` : ''}`).join('\n\n') },
        'Show Checklist',
        'Launch Anyway',
      );
      if (choice === 'Show Checklist') void showChecklist(checklist, vscode.workspace.asRelativePath(doc.uri));
      if (choice !== 'Launch Anyway') throw new Cancelled();
    }
    log.info(cost.text);
    if (deps.services.settings.showLaunchPreview) {
      await deps.documents.show(`${request.TrainingJobName}.request.json`, previewText(planned), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      const choice = await vscode.window.showInformationMessage(
        `Launch ${request.TrainingJobName} on ${where}?`,
        { modal: true, detail: `${cost.text}\nThe request beside is what will be sent to CreateTrainingJob, for account ${planned.accountId}. ${planned.plan.uploads.length ? `The source is packed and uploaded to ${planned.plan.uploads.map((u) => u.to).join(', ')} first.` : ''}` },
        'Launch',
      );
      if (choice !== 'Launch') throw new Cancelled();
    }
    const { launchTrainingJob } = require('../aws/launch/launchTrainingJob') as typeof import('../aws/launch/launchTrainingJob');
    const launched = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Launching ${request.TrainingJobName}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return launchTrainingJob({
          clients,
          jobFilePath: doc.uri.fsPath,
          text: doc.getText(),
          inFlight: deps.launchesInFlight.get(),
          options: {
            now: planned.now,
            signal: abort.signal,
            confirmDuplicate: async () =>
              (await vscode.window.showWarningMessage(`${path.basename(doc.uri.fsPath)} is already being launched. Launch a second job?`, { modal: true }, 'Launch Another')) === 'Launch Another',
          },
          onProgress: (p) => {
            log.info(p.message);
            progress.report({ message: p.message });
          },
        });
      },
    ).then(undefined, (err: unknown) => {
      if ((err as { code?: string }).code === 'cancelled') throw new Cancelled();
      const quotaUrl = (err as { context?: { serviceQuotasUrl?: string } }).context?.serviceQuotasUrl;
      if (quotaUrl) {
        void vscode.window.showErrorMessage((err as Error).message, 'Request Quota Increase').then((c) => {
          if (c) void vscode.env.openExternal(vscode.Uri.parse(quotaUrl));
        });
        throw new Cancelled();
      }
      throw err;
    });
    if (launched.kind === 'invalid') {
      await refuseOnErrors(deps, doc, launched.problems);
      return;
    }
    markWalkthroughStep(WalkthroughDone.launched);
    deps.notifications.watch(launched.jobName);
    await deps.tree.track(launched.jobName);
    const renamed = launched.renamedFrom ? ` (${launched.renamedFrom} was taken)` : '';
    if (launched.cancelledAfterCreate) {
      void vscode.window.showWarningMessage(`The job ${launched.jobName} had already been created when you cancelled; it is running and billing.`, 'Stop Job', 'Show Logs').then((c) => {
        if (c === 'Stop Job') void vscode.commands.executeCommand('sagemakerHf.stopJob', launched.jobName);
        if (c === 'Show Logs') deps.logs.show(launched.jobName);
      });
      return;
    }
    // Not awaited: the command is done once the job exists; the notification waits for the user alone.
    void vscode.window.showInformationMessage(`Launched ${launched.jobName}${renamed} on ${where}.`, 'Show Logs', 'Reveal in Explorer').then((choice) => {
      if (choice === 'Show Logs') deps.logs.show(launched.jobName);
      if (choice === 'Reveal in Explorer') void deps.tree.reveal(launched.jobName);
    });
  };
}
