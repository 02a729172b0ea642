import { runLocalTuning } from '../local/localTuning';
import type { LocalTuningRecord, TrialSummary } from '../local/localTuningRecord';
import type { CliIo } from './cliError';
import { isLocalRefusal, localRunOptions } from './localRunOptions';
import type { LocalLaunchFlags } from './localRunOptions';
import { formatProblems } from './validateCommand';

/**
 * `sagemaker-hf tune FILE --local` (and `launch FILE --local` on a file with `tuning:`): the tuning
 * job's trials on this machine, each trial's lines labelled with its number and host, a line as each
 * trial ends (with its objective), then every trial ordered by objective with the best marked. Stdout:
 * the tuning job's name, the best trial's name and the tuning folder. Ctrl-C stops every trial.
 * Exit 0 Completed, 1 refused, Failed or Stopped.
 */
export async function tuneLocally(file: string, text: string, flags: LocalLaunchFlags, io: CliIo): Promise<number> {
  const options = localRunOptions(file, text, flags, io);
  const { root } = options;
  const seen = new Set<string>();
  const outcome = await runLocalTuning({
    ...options,
    tuningListener: {
      onLine: (trial, l) => io.stderr(`[${trialNumber(trial)} ${l.host}] ${l.line}\n`),
      onRecord: (record) => {
        for (const t of record.Trials) {
          const key = `${t.TrainingJobName}\u0000${t.TrainingJobStatus}`;
          if (seen.has(key)) continue;
          seen.add(key);
          io.stderr(`${t.TrainingJobName}: ${describeTrial(t, record)}\n`);
        }
      },
    },
  }).catch((err: unknown) => {
    if (isLocalRefusal(err)) return { kind: 'refused' as const, reason: err.message };
    throw err;
  });
  if (outcome.kind === 'invalid') {
    io.stderr(formatProblems(file, outcome.problems));
    return 1;
  }
  if (outcome.kind === 'refused') {
    io.stderr(`sagemaker-hf tune --local: ${outcome.reason}\n`);
    return 1;
  }
  const { tuning } = outcome;
  const first = tuning.record();
  const limits = first.HyperParameterTuningJobConfig.ResourceLimits;
  io.stderr(
    `Tuning ${tuning.name} locally: ${first.HyperParameterTuningJobConfig.Strategy} search, ${limits.MaxNumberOfTrainingJobs} trials, ${limits.MaxParallelTrainingJobs} at a time; jobs folder ${root}\n`,
  );
  for (const note of first.Local.notHonoured ?? []) io.stderr(`Not honoured locally: ${note}\n`);
  const onInterrupt = (): void => {
    io.stderr('Stopping every trial…\n');
    void tuning.stop();
  };
  process.once('SIGINT', onInterrupt);
  try {
    const record = await tuning.completion;
    io.stderr(`\n${summary(record)}`);
    io.stdout(`${record.HyperParameterTuningJobName}\n${record.BestTrainingJob?.TrainingJobName ?? ''}\n${tuning.folder}\n`);
    return record.HyperParameterTuningJobStatus === 'Completed' ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

function trialNumber(trial: string): string {
  return /-(\d{3})-[0-9a-f]{8}$/.exec(trial)?.[1] ?? trial;
}

function describeTrial(t: TrialSummary, record: LocalTuningRecord): string {
  const values = Object.entries(t.TunedHyperParameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (t.TrainingJobStatus === 'InProgress') return `started (${values})`;
  const metric = t.FinalHyperParameterTuningJobObjectiveMetric;
  const objective = metric ? `${metric.MetricName} = ${metric.Value}` : `no ${record.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName}`;
  return `${t.TrainingJobStatus}, ${objective}${t.FailureReason ? ` (${t.FailureReason})` : ''}`;
}

/** Every trial, best objective first (as the jobs view orders them), the best one marked. */
export function summary(record: LocalTuningRecord): string {
  const objective = record.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective;
  const sign = objective.Type === 'Maximize' ? -1 : 1;
  const ordered = [...record.Trials].sort((a, b) => {
    const va = a.FinalHyperParameterTuningJobObjectiveMetric?.Value;
    const vb = b.FinalHyperParameterTuningJobObjectiveMetric?.Value;
    if (va === undefined || vb === undefined) return va === undefined ? (vb === undefined ? 0 : 1) : -1;
    return sign * (va - vb);
  });
  const c = record.TrainingJobStatusCounters;
  const lines = [
    `${record.HyperParameterTuningJobName}: ${record.HyperParameterTuningJobStatus} — ${c.Completed} completed, ${c.NonRetryableError} failed, ${c.Stopped} stopped (${objective.Type} ${objective.MetricName})`,
  ];
  if (record.FailureReason) lines.push(`Failure reason: ${record.FailureReason}`);
  if (record.Local.endReason) lines.push(`Ended early: ${record.Local.endReason}`);
  for (const t of ordered) {
    const best = t.TrainingJobName === record.BestTrainingJob?.TrainingJobName ? '*' : ' ';
    const value = t.FinalHyperParameterTuningJobObjectiveMetric?.Value;
    const values = Object.entries(t.TunedHyperParameters)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(`${best} ${t.TrainingJobName}  ${t.TrainingJobStatus.padEnd(9)} ${value === undefined ? '—' : String(value)}  ${values}`);
  }
  return `${lines.join('\n')}\n`;
}
