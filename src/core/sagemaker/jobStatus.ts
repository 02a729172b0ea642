/**
 * A training job's status (DescribeTrainingJob's `TrainingJobStatus`): the five values SageMaker
 * uses, which of them end a job for good and which mean it still changes. Every view, the log tail,
 * `launch --wait`, the local backend and the status filter read them from here.
 */

export const TRAINING_JOB_STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'] as const;

export type TrainingJobStatus = (typeof TRAINING_JOB_STATUSES)[number];

/** After these a job never changes again (and its logs, times and artifacts are final). */
export const TERMINAL_TRAINING_JOB_STATUSES: readonly TrainingJobStatus[] = ['Completed', 'Failed', 'Stopped'];

/** A job in these still changes: views keep refreshing it. */
export const IN_FLIGHT_TRAINING_JOB_STATUSES: readonly TrainingJobStatus[] = ['InProgress', 'Stopping'];

export function isTrainingJobStatus(status: unknown): status is TrainingJobStatus {
  return typeof status === 'string' && (TRAINING_JOB_STATUSES as readonly string[]).includes(status);
}

export function isTerminalStatus(status: string | undefined): boolean {
  return status !== undefined && (TERMINAL_TRAINING_JOB_STATUSES as readonly string[]).includes(status);
}

export function isInFlightStatus(status: string | undefined): boolean {
  return status !== undefined && (IN_FLIGHT_TRAINING_JOB_STATUSES as readonly string[]).includes(status);
}
