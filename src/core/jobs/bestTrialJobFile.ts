/**
 * "Clone Best Trial as Job File": a tuning job's best trial as a `.sagemaker.yaml` that plans back to that
 * trial's training request. The trial's DescribeTrainingJob goes through Clone as Job File
 * (jobFileFromDescription.ts) once the tuner's own additions are taken out (`withoutTunerAdditions`), so
 * the file holds the trial's static and tuned hyperparameters as the estimator's `hyperparameters`.
 */
import { jobFileFromDescription } from './jobFileFromDescription';
import type { JobFileClone, JobFileCloneOptions } from './jobFileFromDescription';
import type { TrainingJobDescription } from './trainingJobDescription';
import { formatObjective, withoutTunerAdditions } from './tuningJobView';
import type { TuningJobView } from './tuningJobView';

export function bestTrialJobFile(
  trial: TrainingJobDescription & { TuningJobArn?: string },
  tuning: Pick<TuningJobView, 'name' | 'objective' | 'best'>,
  options: JobFileCloneOptions = {},
): JobFileClone {
  const clone = jobFileFromDescription(withoutTunerAdditions(trial), options);
  const value = tuning.best?.name === trial.TrainingJobName ? formatObjective(tuning.objective?.name, tuning.best?.objective) : undefined;
  const header = `# The best trial of the tuning job ${tuning.name}${value ? ` (${tuning.objective?.type ?? ''} ${value})`.replace('( ', '(') : ''}: its hyperparameters, without the tuner's ${'`_tuning_objective_metric`'} and estimator keys.\n`;
  return { ...clone, text: header + clone.text };
}
