/**
 * Waiting for a training job to end, by polling DescribeTrainingJob. Deliberately plain: log
 * streaming (CloudWatch) is its own feature and replaces the status lines here when it lands.
 */
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeTrainingJobCommandOutput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isTerminalStatus } from '../../core/sagemaker/jobStatus';
import { sleep } from '../../core/sleep';

export interface WaitForTrainingJobOptions {
  /** Between two DescribeTrainingJob calls; default 15 s (the SDK polls status every 30 s). */
  pollMs?: number;
  /** Stops waiting (the job keeps running). */
  signal?: AbortSignal;
  /** Called on the first answer and whenever the primary or secondary status changes. */
  onStatus?: (job: DescribeTrainingJobCommandOutput) => void;
  /** Called with every answer (the budget watch prices each). */
  onPoll?: (job: DescribeTrainingJobCommandOutput) => void | Promise<void>;
}

/** Resolves with the last DescribeTrainingJob once the job is Completed, Failed or Stopped. */
export async function waitForTrainingJob(sagemaker: SageMakerClient, jobName: string, options: WaitForTrainingJobOptions = {}): Promise<DescribeTrainingJobCommandOutput> {
  const pollMs = options.pollMs ?? 15_000;
  let last = '';
  for (;;) {
    const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }), options.signal ? { abortSignal: options.signal } : {});
    const seen = `${job.TrainingJobStatus}/${job.SecondaryStatus}`;
    if (seen !== last) {
      last = seen;
      options.onStatus?.(job);
    }
    await options.onPoll?.(job);
    if (isTerminalStatus(job.TrainingJobStatus)) return job;
    await sleep(pollMs, options.signal);
    options.signal?.throwIfAborted();
  }
}
