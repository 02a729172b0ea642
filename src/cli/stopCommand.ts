import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { describeTrainingJob, stopTrainingJob, TrainingJobError } from '../aws/trainingJobs';
import { stopTuningJob, tuningJobExists } from '../aws/tuningJobs';
import type { SageMakerClients } from '../aws/trainingJobs';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { AWS_OPTIONS, awsConnectionFromCli } from './jobsCommand';

export interface StopCommandDeps {
  clients?: SageMakerClients;
}

/**
 * `sagemaker-hf stop JOB`: StopTrainingJob for an InProgress training job, or StopHyperParameterTuningJob when
 * JOB names a tuning job and no training job (a tuning job stops its running trials). Exit 0, 1 when the job
 * cannot be stopped or does not exist.
 */
export async function stopCommand(args: string[], io: CliIo, deps: StopCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...AWS_OPTIONS } });
  if (positionals.length !== 1) throw new UsageError('stop needs exactly one training or tuning job name: sagemaker-hf stop JOB');
  const jobName = positionals[0]!;
  const owned = deps.clients ? undefined : new AwsClients(awsConnectionFromCli(values, io.env));
  const clients = deps.clients ?? owned!;
  try {
    if (await isTuningJobOnly(clients, jobName)) {
      const result = await stopTuningJob(clients, jobName);
      io.stdout(`Stopping the tuning job ${jobName}: it was ${result.previousStatus}, now ${result.status}. It launches no more trials, and its running trials are stopped.\n`);
      return 0;
    }
    const result = await stopTrainingJob(clients, jobName);
    io.stdout(`Stopping ${jobName}: it was ${result.previousStatus}, now ${result.status}. The script gets SIGTERM and 120 s to save its model before the job becomes Stopped.\n`);
    return 0;
  } catch (error) {
    if (error instanceof TrainingJobError) {
      io.stderr(`sagemaker-hf stop: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    owned?.destroy();
  }
}

/** A tuning job of that name exists and no training job does (the two kinds have separate names). */
async function isTuningJobOnly(clients: SageMakerClients, name: string): Promise<boolean> {
  if (!(await tuningJobExists(clients, name))) return false;
  try {
    await describeTrainingJob(clients, name);
    return false;
  } catch (error) {
    if (error instanceof TrainingJobError && error.code === 'JobNotFound') return true;
    throw error;
  }
}
