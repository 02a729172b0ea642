import * as path from 'path';
import * as vscode from 'vscode';
import type { Problem } from '../core/jobFile/problem';
import type { AwsSession } from '../host/awsSession';
import type { InFlightLaunches } from '../host/inFlightLaunches';
import type { PreflightSession } from '../host/preflightSession';
import { blockingFailures } from '../core/preflight/checklist';
import { requestQuotaIncrease, showChecklist } from './checkSetup';
import { jobFileDocument } from './jobFileTarget';
import { Cancelled } from '../host/commandRunner';
import type { ReadonlyDocuments } from '../host/readonlyDocuments';
import type { Services } from '../host/services';
import { CommandId, WalkthroughDone } from '../host/ids';
import { markWalkthroughStep } from '../host/walkthrough';
import type { JobFileDiagnostics } from '../language/jobFileDiagnostics';
import type { JobLogChannels } from '../logs/jobLogChannels';
import type { JobEndNotifications } from '../views/jobStatusBar';
import type { TrainingJobsTree } from '../views/trainingJobsTree';
import type { JobBudgets } from '../views/jobBudgets';
import { budgetOf, budgetRefusal } from '../core/cost/budget';
import { describeRequestInstances } from '../core/sagemaker/instancePreferences';

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
  budgets: JobBudgets;
}

/**
 * Refuses a file with errors: the problems (the caller's, such as a plan's, else validated now) go to
 * the Problems view, which gets the focus.
 */
export async function refuseOnErrors(deps: { diagnostics: JobFileDiagnostics }, doc: vscode.TextDocument, problems?: Problem[]): Promise<boolean> {
  const errors = problems
    ? problems.filter((p) => p.severity === 'error').length
    : deps.diagnostics.validateNow(doc).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
  if (errors === 0) return false;
  if (problems) deps.diagnostics.publish(doc.uri, problems);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  void vscode.window.showErrorMessage(
    `${path.basename(doc.uri.fsPath)} has ${errors} error${errors === 1 ? '' : 's'}; fix ${errors === 1 ? 'it' : 'them'} before launching (see the Problems view).`,
  );
  return true;
}

function requireTrust(action: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new Error(`${action} packs and runs code from this workspace, so it needs a trusted workspace (Workspaces: Manage Workspace Trust).`);
  }
}

/**
 * The plan of the buffer's text as it is now: validated and parsed once, the account and role asked
 * of AWS once. The preview shows it, the preflight reuses its answers and Launch sends it.
 */
async function plan(deps: LaunchDeps, doc: vscode.TextDocument) {
  const { planTrainingJob } = require('../aws/launch/planTrainingJob') as typeof import('../aws/launch/planTrainingJob');
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Planning the training job…' }, () =>
    planTrainingJob({ jobFilePath: doc.uri.fsPath, text: doc.getText(), clients: deps.aws.clients() }),
  );
}

type Planned = import('../aws/launch/planTrainingJob').PlannedTrainingJob;
type ExternalLink = import('../aws/staging/sourceArchive').ExternalLink;

/** The preview document (as `sagemaker-hf plan --json` prints it): the request, the uploads, where `${env:NAME}` values go, links out of the source. */
function previewText(planned: Planned): string {
  const { planDocumentText } = require('../aws/launch/planPreview') as typeof import('../aws/launch/planPreview');
  return planDocumentText(planned);
}

/** What the Launch question adds to the request beside it: secrets by name and where they go, the environment launch expands, links out. */
function launchNotes(planned: Planned): string {
  const { describeCredentialFlow } = require('../core/jobFile/credentialFlows') as typeof import('../core/jobFile/credentialFlows');
  const { expandedEnvironmentNote } = require('../aws/launch/planPreview') as typeof import('../aws/launch/planPreview');
  const notes: string[] = [];
  if (planned.credentialFlows.length > 0)
    notes.push(`Secrets, read from VS Code's environment at launch:\n${planned.credentialFlows.map((f) => `• ${describeCredentialFlow(f)}`).join('\n')}`);
  const expanded = expandedEnvironmentNote(planned);
  if (expanded) notes.push(`Sent to ${planned.tuning ? 'CreateHyperParameterTuningJob' : 'CreateTrainingJob'}: ${expanded}`);
  if (planned.tuning && planned.tuning.notSent.length > 0)
    notes.push(`Not sent for a tuning job (the SDK's tuner leaves them out):\n${planned.tuning.notSent.map((n) => `• ${n.path}: ${n.why}`).join('\n')}`);
  if (planned.externalLinks.length > 0)
    notes.push(`Links that leave the source folder (you will be asked before their targets are uploaded):\n${linkLines(planned.externalLinks)}`);
  return notes.length ? `\n\n${notes.join('\n\n')}` : '';
}

type Launched = import('../aws/launch/launchTrainingJob').LaunchedTrainingJob;

/** What the plan already asked STS and IAM, for the preflight (which then asks neither again). */
function knownToPreflight(planned: Planned): import('../aws/preflight/runPreflight').KnownIdentity {
  return { ...(planned.caller ? { identity: planned.caller } : {}), ...(planned.roleLookup ? { role: planned.roleLookup } : {}) };
}

function linkLines(links: readonly ExternalLink[]): string {
  const shown = links.slice(0, 10).map((l) => `• ${vscode.workspace.asRelativePath(l.path)} → ${l.target}`);
  if (links.length > 10) shown.push(`• and ${links.length - 10} more`);
  return shown.join('\n');
}

/** The modal that names the links leaving the source folder before their targets are uploaded. */
async function confirmExternalLinks(links: readonly ExternalLink[]): Promise<boolean> {
  const upload = 'Upload Their Targets';
  const choice = await vscode.window.showWarningMessage(
    `${links.length === 1 ? 'A symbolic link leaves' : `${links.length} symbolic links leave`} the source folder: ${links.length === 1 ? 'its target' : 'their targets'} would be uploaded to S3 with the code.`,
    {
      modal: true,
      detail: `${linkLines(links)}\n\nUpload ${links.length === 1 ? 'it' : 'them'} only if ${links.length === 1 ? 'it belongs' : 'they belong'} in the job. Otherwise remove the links, or list them in .sagemakerignore.`,
    },
    upload,
  );
  return choice === upload;
}

/** "Preview Training Request": the exact CreateTrainingJob request, read-only, without launching. */
export function previewTrainingRequest(deps: LaunchDeps) {
  return async (arg?: vscode.Uri): Promise<void> => {
    const doc = await jobFileDocument(arg);
    const planned = await plan(deps, doc);
    if (planned.kind === 'invalid') {
      await refuseOnErrors(deps, doc, planned.problems);
      return;
    }
    await deps.documents.show(`${plannedName(planned)}.request.json`, previewText(planned), { viewColumn: vscode.ViewColumn.Beside });
  };
}

/** The job a plan creates: the tuning job for a file with `tuning:`, else the training job. */
function plannedName(planned: Planned): string {
  return planned.tuning ? planned.tuning.createHyperParameterTuningJob.HyperParameterTuningJobName : planned.plan.createTrainingJob.TrainingJobName;
}

/** Where the plan's instances run: a tuning job's trials at once, each on instance_count instances. */
function plannedWhere(planned: Planned): string {
  const r = planned.plan.createTrainingJob.ResourceConfig;
  if (!planned.tuning) return `${describeRequestInstances(r)} in ${planned.region}`;
  const limits = planned.tuning.createHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits;
  const trials =
    limits.MaxNumberOfTrainingJobs === undefined ? 'one trial per grid point' : `up to ${limits.MaxNumberOfTrainingJobs} trial${limits.MaxNumberOfTrainingJobs === 1 ? '' : 's'}`;
  return `${trials}, ${limits.MaxParallelTrainingJobs} at a time, each ${describeRequestInstances(r)} in ${planned.region}`;
}

/**
 * "Launch Distributed Training": plan (validate, resolve the account and role), check the setup with
 * the plan's answers, show the exact request (unless the preview is turned off), then launch that
 * plan — package, upload and create the job under a cancellable progress notification. A buffer
 * whose text changed since the plan (an edit, or the file reloaded from disk) is refused, with the
 * offer to review the new request.
 */
export function launchTraining(deps: LaunchDeps) {
  const log = deps.services.log.for('launch');
  return async (arg?: vscode.Uri): Promise<void> => {
    requireTrust('Launching a job');
    const doc = await jobFileDocument(arg);
    const planned = await plan(deps, doc);
    if (planned.kind === 'invalid') {
      await refuseOnErrors(deps, doc, planned.problems);
      return;
    }
    const jobName = plannedName(planned);
    const where = plannedWhere(planned);
    const operation = planned.tuning ? 'CreateHyperParameterTuningJob' : 'CreateTrainingJob';
    // Preflight before anything is packed or uploaded: no quota, a role SageMaker cannot assume or a
    // bucket of another account would only fail after the upload, or minutes into Starting.
    const clients = deps.aws.clients();
    const [checklist, cost] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking the AWS setup and the price…' }, () =>
      Promise.all([
        deps.preflight.check(clients, planned.spec, planned.region, false, knownToPreflight(planned)),
        deps.preflight.estimate(clients, planned.spec, planned.region).catch((err: unknown) => ({ text: `No cost estimate: ${(err as Error).message}` })),
      ]),
    );
    const blocking = blockingFailures(checklist);
    if (blocking.length > 0) {
      const quotaRequest = blocking.find((b) => b.nextStep?.requestQuota)?.nextStep?.requestQuota;
      const choice = await vscode.window.showErrorMessage(
        `${blocking.length === 1 ? 'A setup problem' : `${blocking.length} setup problems`} would stop ${jobName} before it trains.`,
        { modal: true, detail: blocking.map((b) => `${b.title}: ${b.detail}${b.nextStep ? `\n→ ${b.nextStep.action}` : ''}`).join('\n\n') },
        ...(quotaRequest ? ['Request Increase'] : []),
        'Show Checklist',
        'Launch Anyway',
      );
      if (choice === 'Request Increase' && quotaRequest) {
        await requestQuotaIncrease(deps.services, quotaRequest);
        throw new Cancelled();
      }
      if (choice === 'Show Checklist') void showChecklist(checklist, vscode.workspace.asRelativePath(doc.uri), (r) => requestQuotaIncrease(deps.services, r));
      if (choice !== 'Launch Anyway') throw new Cancelled();
    }
    log.info(cost.text);
    // The budget: a ceiling over max_cost_usd is refused before anything is uploaded.
    const budget = budgetOf(planned.spec);
    const refusal = 'estimate' in cost && cost.estimate ? budgetRefusal(planned.spec, cost.estimate) : undefined;
    if (refusal) {
      void vscode.window.showErrorMessage(`Not launched: ${refusal.message}`, { modal: true });
      throw new Cancelled();
    }
    const budgetNote =
      budget === undefined
        ? ''
        : 'estimate' in cost && cost.estimate
          ? `\nBudget: max_cost_usd fits; a warning at 80 %, a stop offered at 100 %.`
          : '\nBudget: max_cost_usd cannot be checked without a price.';
    if (deps.services.settings.showLaunchPreview) {
      await deps.documents.show(`${jobName}.request.json`, previewText(planned), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      const choice = await vscode.window.showInformationMessage(
        `Launch ${planned.tuning ? 'hyperparameter tuning job ' : ''}${jobName} on ${where}?`,
        {
          modal: true,
          detail: `${cost.text}${budgetNote}\nThe request beside is what will be sent to ${operation}, for account ${planned.accountId}. ${planned.plan.uploads.length ? `The source is packed and uploaded to ${planned.plan.uploads.map((u) => u.to).join(', ')} first.` : ''}${launchNotes(planned)}`,
        },
        'Launch',
      );
      if (choice !== 'Launch') throw new Cancelled();
    }
    const { launchTrainingJob } = require('../aws/launch/launchTrainingJob') as typeof import('../aws/launch/launchTrainingJob');
    const launched: Launched = await vscode.window
      .withProgress({ location: vscode.ProgressLocation.Notification, title: `Launching ${jobName}`, cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return launchTrainingJob({
          clients,
          planned,
          // The buffer now (VS Code reloads a buffer without unsaved changes when the file changes on
          // disk): refused unless it is the text the preview was made from.
          currentText: () => doc.getText(),
          inFlight: deps.launchesInFlight.get(),
          options: {
            signal: abort.signal,
            confirmExternalLinks,
            confirmDuplicate: async () =>
              (await vscode.window.showWarningMessage(`${path.basename(doc.uri.fsPath)} is already being launched. Launch a second job?`, { modal: true }, 'Launch Another')) ===
              'Launch Another',
          },
          onProgress: (p) => {
            log.info(p.message);
            progress.report({ message: p.message });
          },
        });
      })
      .then(undefined, (err: unknown) => {
        if ((err as { code?: string }).code === 'cancelled') throw new Cancelled();
        if ((err as { code?: string }).code === 'plan.stale') {
          const review = 'Review the New Request';
          void vscode.window.showErrorMessage((err as Error).message, review).then((c) => {
            if (c === review) void vscode.commands.executeCommand(CommandId.launchTraining, doc.uri);
          });
          throw new Cancelled();
        }
        const quotaUrl = (err as { context?: { serviceQuotasUrl?: string } }).context?.serviceQuotasUrl;
        if (quotaUrl) {
          void vscode.window.showErrorMessage((err as Error).message, 'Request Quota Increase').then((c) => {
            if (c) void vscode.env.openExternal(vscode.Uri.parse(quotaUrl));
          });
          throw new Cancelled();
        }
        throw err;
      });
    markWalkthroughStep(WalkthroughDone.launched);
    if (launched.tuningRequest) {
      // A tuning job: its trials appear under it in the Training Jobs view as SageMaker starts them.
      const stopHint = launched.cancelledAfterCreate ? ' It had already been created when you cancelled: it is running and billing.' : '';
      void vscode.window.showInformationMessage(`Launched hyperparameter tuning job ${launched.jobName} on ${where}.${stopHint}`, 'Open in Console').then((choice) => {
        if (choice === 'Open in Console') void vscode.env.openExternal(vscode.Uri.parse(launched.consoleUrl));
      });
      // Followed to its end (also while the view is hidden), which a notification then announces.
      await deps.tree.trackTuning(launched.jobName);
      return;
    }
    deps.notifications.watch(launched.jobName);
    if (budget !== undefined) deps.budgets.watch(launched.jobName, budget);
    await deps.tree.track(launched.jobName);
    const renamed = launched.renamedFrom ? ` (${launched.renamedFrom} was taken)` : '';
    if (launched.cancelledAfterCreate) {
      void vscode.window
        .showWarningMessage(`The job ${launched.jobName} had already been created when you cancelled; it is running and billing.`, 'Stop Job', 'Show Logs')
        .then((c) => {
          if (c === 'Stop Job') void vscode.commands.executeCommand(CommandId.stopJob, launched.jobName);
          if (c === 'Show Logs') deps.logs.show(launched.jobName);
        });
      return;
    }
    // Not awaited: the command is done once the job exists; the notification waits for the user alone.
    void vscode.window.showInformationMessage(`Launched ${launched.jobName}${renamed} on ${where}.`, 'Open Dashboard', 'Show Logs', 'Reveal in Explorer').then((choice) => {
      if (choice === 'Open Dashboard') void vscode.commands.executeCommand(CommandId.openDashboard, launched.jobName, 'cloud');
      if (choice === 'Show Logs') deps.logs.show(launched.jobName);
      if (choice === 'Reveal in Explorer') void deps.tree.reveal(launched.jobName);
    });
  };
}
