import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { stopTrainingJob, TrainingJobError } from '../aws/trainingJobs';
import type { SageMakerClients } from '../aws/trainingJobs';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { AWS_OPTIONS, awsConnectionFromCli } from './jobsCommand';

export interface StopCommandDeps {
  clients?: SageMakerClients;
}

/** `sagemaker-hf stop JOB`: StopTrainingJob for an InProgress job. Exit 0, 1 when the job cannot be stopped or does not exist. */
export async function stopCommand(args: string[], io: CliIo, deps: StopCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...AWS_OPTIONS } });
  if (positionals.length !== 1) throw new UsageError('stop needs exactly one training job name: sagemaker-hf stop JOB');
  const jobName = positionals[0]!;
  const owned = deps.clients ? undefined : new AwsClients(awsConnectionFromCli(values, io.env));
  try {
    const result = await stopTrainingJob(deps.clients ?? owned!, jobName);
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
