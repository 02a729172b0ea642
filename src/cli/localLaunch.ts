import { isLocalRefusal, localRunOptions } from './localRunOptions';
import type { LocalLaunchFlags } from './localRunOptions';
import { formatDuration } from '../core/format';
import { formatSdkTime } from '../core/logs/logFormat';
import { runJobFileLocally } from '../local/runJobFile';
import type { CliIo } from './cliError';
import { formatProblems } from './validateCommand';
import { localRunInstanceWords } from '../core/sagemaker/instanceGroups';
import { tuneLocally } from './localTune';
import { declaresTuning } from '../core/jobFile/jobDocument';

/**
 * `sagemaker-hf launch FILE --local`: the job on this machine, logs as they come (host-labelled,
 * with SageMaker's status lines), the end summary, and the job name on stdout. Ctrl-C stops every
 * host. Exit 0 Completed, 1 refused or Failed/Stopped.
 */
export async function launchLocally(file: string, text: string, flags: LocalLaunchFlags, io: CliIo): Promise<number> {
  // A file with `tuning:` is a tuning job: its trials run here (Random or Grid search).
  if (declaresTuning(text)) return tuneLocally(file, text, flags, io);
  const options = localRunOptions(file, text, flags, io);
  const { root } = options;
  const outcome = await runJobFileLocally({
    ...options,
    onPrepared: (r) =>
      io.stderr(`Running ${r.TrainingJobName} locally ${localRunInstanceWords(r.ResourceConfig)}; jobs folder ${root}
`),
    listener: {
      onLine: (l) => io.stderr(`[${l.host}] ${l.line}\n`),
      onStatus: (s) => {
        io.stderr(`${formatSdkTime(s.time)} ${s.secondaryStatus} - ${s.message}\n`);
      },
    },
  }).catch((err: unknown) => {
    // Refusals with a message that says what to do: a ${env:NAME} not set, a clone that failed, a channel it cannot run.
    if (isLocalRefusal(err)) return { kind: 'refused' as const, message: err.message };
    throw err;
  });
  if (outcome.kind === 'refused') {
    io.stderr(`sagemaker-hf launch --local: ${outcome.message}\n`);
    return 1;
  }
  if (outcome.kind === 'invalid') {
    io.stderr(formatProblems(file, outcome.problems));
    return 1;
  }
  const { job } = outcome;
  const onInterrupt = (): void => {
    io.stderr('Stopping every host…\n');
    void job.stop();
  };
  process.once('SIGINT', onInterrupt);
  try {
    const record = await job.completion;
    const seconds = record.TrainingTimeInSeconds !== undefined ? `, ${formatDuration(record.TrainingTimeInSeconds)} of training` : '';
    io.stderr(`\n${record.TrainingJobName}: ${record.TrainingJobStatus}${seconds}\n`);
    if (record.FailureReason) io.stderr(`Failure reason: ${record.FailureReason}\n`);
    if (record.Local.modelArtifact) io.stderr(`Model: ${record.Local.modelArtifact}\n`);
    io.stdout(`${record.TrainingJobName}\n${job.folder}\n`);
    return record.TrainingJobStatus === 'Completed' ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
