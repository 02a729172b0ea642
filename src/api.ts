import type { TrainingJobView } from './core/jobs/trainingJobView';
import type { TuningJobView } from './core/jobs/tuningJobView';

/**
 * What the extension returns from `activate()`: read-only views of its state, for other
 * extensions and for the integration tests (which assert on what a user would see).
 */
export interface SageMakerHfApi {
  /** Training jobs loaded in the Training Jobs view, local ones first. */
  trainingJobs(): TrainingJobView[];
  /** Reloads the view from AWS and the local jobs folder. */
  refreshTrainingJobs(): Promise<void>;
  /** The last lines of a job's output channel. */
  jobLog(jobName: string): string;
  /** Hyperparameter tuning jobs loaded in the Training Jobs view, local ones first. */
  tuningJobs(): TuningJobView[];
  /** The end-of-job notifications this window has shown (training and tuning jobs it launched), oldest first. */
  notifications(): string[];
}
