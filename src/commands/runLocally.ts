import * as path from 'path';
import * as vscode from 'vscode';
import { formatDuration } from '../core/format';
import { formatSdkTime } from '../core/logs/logFormat';
import { validateJobFile } from '../language/jobFileTools';
import { Cancelled } from '../host/commandRunner';
import { CommandId, Setting, WalkthroughDone } from '../host/ids';
import { markWalkthroughStep } from '../host/walkthrough';
import type { Services } from '../host/services';
import type { JobFileDiagnostics } from '../language/jobFileDiagnostics';
import { contextFor } from '../language/jobFileDiagnostics';
import type { JobChannel, JobLogChannels } from '../logs/jobLogChannels';
import type { JobEndNotifications } from '../views/jobStatusBar';
import type { TrainingJobsTree } from '../views/trainingJobsTree';
import { jobFileDocument } from './jobFileTarget';
import { refuseOnErrors } from './launchTraining';
import { localRunInstanceWords } from '../core/sagemaker/instanceGroups';
import { runLocalTuningCommand } from './runLocalTuning';

export interface RunLocallyDeps {
  services: Services;
  diagnostics: JobFileDiagnostics;
  logs: JobLogChannels;
  tree: TrainingJobsTree;
  notifications: JobEndNotifications;
}

/**
 * "Run Locally": the job file's entry point on this machine, under SageMaker's container
 * contract (the /opt/ml layout, SM_* variables, hyperparameters as the toolkit passes them), one
 * process per host. No AWS account, no Docker.
 */
export function runLocally(deps: RunLocallyDeps) {
  return async (arg?: vscode.Uri): Promise<void> => {
    if (!vscode.workspace.isTrusted) throw new Error("Run Locally executes the job's script, so it needs a trusted workspace (Workspaces: Manage Workspace Trust).");
    const doc = await jobFileDocument(arg);
    if (await refuseOnErrors(deps, doc)) return;
    const { local, aws } = deps.services;
    const root = local.root();
    if (!root) throw new Error('Open a folder first: local jobs are kept in its .sagemaker-local folder.');
    const interpreter = deps.services.settings.localInterpreter;
    const spec = validateJobFile(doc.getText(), contextFor(doc.uri, deps.services.settings.region)).spec;
    if (!spec) return;
    const install = await allowRequirements(deps.services.settings.localInstallRequirements, spec, doc);
    // A file with `tuning:` runs as a local tuning job (Random or Grid search, trials as local jobs).
    if (spec.tuning) return runLocalTuningCommand(deps, doc, root, interpreter, install);
    const { runJobFileLocally } = require('../local/runJobFile') as typeof import('../local/runJobFile');
    let channel: JobChannel | undefined;
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting the local job…' }, () =>
      runJobFileLocally({
        jobFilePath: doc.uri.fsPath,
        text: doc.getText(),
        root,
        context: contextFor(doc.uri, deps.services.settings.region),
        ...(deps.services.settings.region ? { region: deps.services.settings.region } : {}),
        interpreter,
        installRequirements: install,
        channelFetcher: {
          fetchChannel: (r) =>
            new (require('../aws/artifacts/s3ChannelFetcher') as typeof import('../aws/artifacts/s3ChannelFetcher')).S3ChannelFetcher(() => aws.clients().s3()).fetchChannel(r),
        },
        onPrepared: (request) => {
          channel = deps.logs.channel(request.TrainingJobName);
          channel.clear();
          channel.show(true);
          channel.appendLine(
            `Running ${request.TrainingJobName} locally ${localRunInstanceWords(request.ResourceConfig)}, ${interpreter}, job folder ${path.join(root, request.TrainingJobName)}`,
          );
        },
        listener: {
          onLine: (l) => channel?.appendLine(`[${l.host}] ${l.line}`),
          onStatus: (s) => {
            channel?.appendLine(`${formatSdkTime(s.time)} ${s.secondaryStatus} - ${s.message}`);
            local.notifyChanged();
          },
        },
      }),
    );
    if (outcome.kind === 'invalid') {
      await refuseOnErrors(deps, doc, outcome.problems);
      return;
    }
    const job = outcome.job;
    local.track(job);
    markWalkthroughStep(WalkthroughDone.localRun);
    deps.notifications.watch(job.jobName);
    await deps.tree.reveal(job.jobName).catch(() => undefined);
    // The log channel shows already; the dashboard (curves, CPU and memory per host) is offered, not forced on the editor.
    void vscode.window.showInformationMessage(`Running ${job.jobName} locally.`, 'Open Dashboard').then((c) => {
      if (c === 'Open Dashboard') void vscode.commands.executeCommand(CommandId.openDashboard, job.jobName, 'local');
    });
    void job.completion.then((record) => {
      // A job of a few seconds can end before the view's refresh ever sees it running.
      deps.notifications.announce(record.TrainingJobName, record.TrainingJobStatus, record.FailureReason, 'local');
      if (!channel) return;
      channel.appendLine('');
      channel.appendLine(
        `Job ${record.TrainingJobName}: ${record.TrainingJobStatus}${record.TrainingTimeInSeconds !== undefined ? ` after ${formatDuration(record.TrainingTimeInSeconds)}` : ''}.`,
      );
      if (record.Local.modelArtifact) channel.appendLine(`Model: ${record.Local.modelArtifact}`);
      if (record.FailureReason) channel.appendLine(`Failure reason: ${record.FailureReason}`);
    });
  };
}

/** pip-installing a requirements.txt changes the user's environment: only with their consent. */
async function allowRequirements(setting: 'ask' | 'always' | 'never', spec: { source_dir?: string }, doc: vscode.TextDocument): Promise<boolean> {
  if (setting === 'never') return false;
  const req = path.join(path.dirname(doc.uri.fsPath), spec.source_dir ?? '.', 'requirements.txt');
  const exists = await vscode.workspace.fs.stat(vscode.Uri.file(req)).then(
    () => true,
    () => false,
  );
  if (!exists) return false;
  if (setting === 'always') return true;
  const choice = await vscode.window.showWarningMessage(
    `${path.relative(path.dirname(doc.uri.fsPath), req)} lists packages. Install them into the local Python interpreter before running (as SageMaker does in the container)?`,
    { modal: true, detail: `This changes the packages of the interpreter set in ${Setting.localInterpreter}. Use a virtual environment if that matters.` },
    'Install and Run',
    'Run Without Installing',
  );
  if (!choice) throw new Cancelled();
  return choice === 'Install and Run';
}
