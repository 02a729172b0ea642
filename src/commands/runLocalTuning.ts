import * as vscode from 'vscode';
import { markWalkthroughStep } from '../host/walkthrough';
import { WalkthroughDone } from '../host/ids';
import { contextFor } from '../language/jobFileDiagnostics';
import type { JobChannel } from '../logs/jobLogChannels';
import type { LocalTuningRecord } from '../local/localTuningRecord';
import type { RunLocallyDeps } from './runLocally';
import { refuseOnErrors } from './launchTraining';

/**
 * "Run Locally" on a job file with `tuning:`: Random or Grid search on this machine, max_parallel_jobs
 * trials at a time, each an ordinary local job (so each appears in the Training Jobs view with its own
 * job.json and log). The tuning job's output channel gets every trial's lines and a line as each trial
 * starts and ends; a progress notification counts the trials and its Cancel stops every running trial.
 */
export async function runLocalTuningCommand(deps: RunLocallyDeps, doc: vscode.TextDocument, root: string, interpreter: string, installRequirements: boolean): Promise<void> {
  const { local, aws } = deps.services;
  const { runLocalTuning } = require('../local/localTuning') as typeof import('../local/localTuning');
  const view: { channel?: JobChannel; progress?: (r: LocalTuningRecord) => void; announced: Set<string> } = { announced: new Set() };
  const report = (record: LocalTuningRecord): void => {
    view.progress?.(record);
    if (!view.channel) return;
    for (const t of record.Trials) {
      const key = `${t.TrainingJobName}\u0000${t.TrainingJobStatus}`;
      if (view.announced.has(key)) continue;
      view.announced.add(key);
      const metric = t.FinalHyperParameterTuningJobObjectiveMetric;
      view.channel.appendLine(
        t.TrainingJobStatus === 'InProgress'
          ? `${t.TrainingJobName}: started (${tunedText(t.TunedHyperParameters)})`
          : `${t.TrainingJobName}: ${t.TrainingJobStatus}, ${metric ? `${metric.MetricName} = ${metric.Value}` : 'no objective'}${t.FailureReason ? ` (${t.FailureReason})` : ''}`,
      );
    }
  };
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting the local tuning job…' }, () =>
    runLocalTuning({
      jobFilePath: doc.uri.fsPath,
      text: doc.getText(),
      root,
      context: contextFor(doc.uri, deps.services.settings.region),
      ...(deps.services.settings.region ? { region: deps.services.settings.region } : {}),
      interpreter,
      installRequirements,
      channelFetcher: {
        fetchChannel: (r) =>
          new (require('../aws/artifacts/s3ChannelFetcher') as typeof import('../aws/artifacts/s3ChannelFetcher')).S3ChannelFetcher(() => aws.clients().s3()).fetchChannel(r),
      },
      tuningListener: {
        onLine: (trial, l) => view.channel?.appendLine(`[${trialNumber(trial)} ${l.host}] ${l.line}`),
        onTrialStatus: () => local.notifyChanged(),
        onRecord: (record) => {
          report(record);
          local.notifyChanged();
        },
      },
    }),
  );
  if (outcome.kind === 'invalid') {
    await refuseOnErrors(deps, doc, outcome.problems);
    return;
  }
  if (outcome.kind === 'refused') throw new Error(`This tuning job cannot run locally: ${outcome.reason}`);
  const tuning = outcome.tuning;
  local.trackTuning(tuning);
  markWalkthroughStep(WalkthroughDone.localRun);
  const first = tuning.record();
  const limits = first.HyperParameterTuningJobConfig.ResourceLimits;
  const channel = deps.logs.channel(tuning.name);
  view.channel = channel;
  channel.clear();
  channel.show(true);
  channel.appendLine(
    `Tuning ${tuning.name} locally: ${first.HyperParameterTuningJobConfig.Strategy} search, ${limits.MaxNumberOfTrainingJobs} trials, ${limits.MaxParallelTrainingJobs} at a time, ${interpreter}; folder ${tuning.folder}`,
  );
  for (const note of first.Local.notHonoured ?? []) channel.appendLine(`Not honoured locally: ${note}`);
  report(tuning.record());

  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Tuning ${tuning.name} locally`, cancellable: true }, async (progress, token) => {
    token.onCancellationRequested(() => void tuning.stop());
    let ended = 0;
    view.progress = (r) => {
      const now = r.Trials.filter((t) => t.TrainingJobStatus !== 'InProgress' && t.TrainingJobStatus !== 'Stopping').length;
      progress.report({
        increment: now > ended ? ((now - ended) * 100) / limits.MaxNumberOfTrainingJobs : 0,
        message: `${now} of ${limits.MaxNumberOfTrainingJobs} trials ended${r.BestTrainingJob ? `; best ${bestText(r)}` : ''}`,
      });
      ended = now;
    };
    view.progress(tuning.record());
    const record = await tuning.completion;
    view.progress = undefined;
    channel.appendLine('');
    channel.appendLine(
      `Tuning job ${record.HyperParameterTuningJobName}: ${record.HyperParameterTuningJobStatus}.${record.BestTrainingJob ? ` Best trial: ${bestText(record)}.` : ''}`,
    );
    if (record.FailureReason) channel.appendLine(`Failure reason: ${record.FailureReason}`);
    if (record.Local.endReason) channel.appendLine(`Ended early: ${record.Local.endReason}`);
    const message = `Local tuning job ${record.HyperParameterTuningJobName}: ${record.HyperParameterTuningJobStatus}${record.BestTrainingJob ? `; best ${bestText(record)}` : ''}.`;
    if (record.HyperParameterTuningJobStatus === 'Completed') void vscode.window.showInformationMessage(message);
    else void vscode.window.showWarningMessage(message);
  });
}

function trialNumber(trial: string): string {
  return /-(\d{3})-[0-9a-f]{8}$/.exec(trial)?.[1] ?? trial;
}

function tunedText(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function bestText(r: LocalTuningRecord): string {
  const best = r.BestTrainingJob;
  if (!best) return '';
  const metric = best.FinalHyperParameterTuningJobObjectiveMetric;
  return `${best.TrainingJobName}${metric ? ` (${metric.MetricName} = ${metric.Value})` : ''}`;
}
