import { parseImageUri } from '../catalog/huggingfaceImages';
import { billedInstanceCount, billedInstanceType } from '../cost/jobCost';
import type { JobSpec } from '../jobFile/jobSpec';
import { decodeHyperparameterValues } from '../sagemaker/hyperparameters';
import { imageInstanceType, jobInstances } from '../sagemaker/instanceGroups';
import { isRecord } from '../isRecord';
import type { LocalRunFacts, ModelCardJob } from './modelCard';

/**
 * The fields of a DescribeTrainingJob response the model card uses (a subset of
 * core/jobs/trainingJobDescription.ts's, with times also as the ISO strings JSON keeps). The local
 * backend's `job.json` has the same shape (src/local/localJobRecord.ts), so one reader serves both.
 * Declared here structurally because the core does not import the AWS SDK.
 */
export interface JobDescriptionForCard {
  TrainingJobName?: string;
  TrainingJobArn?: string;
  TrainingJobStatus?: string;
  CreationTime?: string | Date;
  TrainingTimeInSeconds?: number;
  BillableTimeInSeconds?: number;
  /** As SageMaker stores them: every value JSON-encoded by the SDK (`"\"samsum\""`, `"5e-05"`). */
  HyperParameters?: Record<string, string>;
  AlgorithmSpecification?: { TrainingImage?: string };
  ResourceConfig?: { InstanceType?: string; InstanceCount?: number };
  InputDataConfig?: Array<{ ChannelName?: string }>;
  /** Local jobs only (src/local/localJobRecord.ts): its presence marks a job that ran on this machine. */
  Local?: {
    entryPoint?: string;
    hosts?: string[];
    interpreter?: string;
    pythonVersion?: string;
    /** What the local runner recorded about the machine and the interpreter's packages. */
    machine?: { os?: string; cpu?: string; cpus?: number; gpus?: number };
    packages?: Record<string, string>;
  };
}

/** What a finished (or running) job tells the card: hardware, times, versions, and its hyperparameters. */
export function modelCardJobFromDescription(description: JobDescriptionForCard): { job: ModelCardJob; hyperparameters: Record<string, unknown> } {
  // Back as the user wrote them (Python's rules: NaN allowed, big ints kept as text); a value that
  // is not JSON (set by hand in the console) stays the string it is.
  const hyperparameters = decodeHyperparameterValues(description.HyperParameters ?? {});
  const image = description.AlgorithmSpecification?.TrainingImage ? parseImageUri(description.AlgorithmSpecification.TrainingImage) : undefined;
  const region = /^arn:[^:]+:sagemaker:([^:]+):/.exec(description.TrainingJobArn ?? '')?.[1] ?? image?.region ?? stringOf(hyperparameters.sagemaker_region);
  const entryPoint = description.Local?.entryPoint ?? stringOf(hyperparameters.sagemaker_program);
  const local = description.Local ? localFacts(description.Local, description.ResourceConfig?.InstanceCount) : undefined;
  const channels = (description.InputDataConfig ?? []).map((c) => c.ChannelName).filter((n): n is string => typeof n === 'string' && n !== '');
  const job: ModelCardJob = {
    source: local ? 'local' : 'sagemaker',
    ...(local ? { local } : {}),
    ...(channels.length > 0 ? { channels } : {}),
    ...(!local && image ? { huggingFaceImage: true } : {}),
    ...(description.TrainingJobName ? { name: description.TrainingJobName } : {}),
    // SageMaker's choice from instance_preferences (SelectedInstanceType) when it made one.
    instanceType: billedInstanceType(description) ?? stringOf(hyperparameters.sagemaker_instance_type) ?? 'unknown',
    instanceCount: billedInstanceCount(description),
    ...(typeof description.TrainingTimeInSeconds === 'number' ? { trainingTimeSeconds: description.TrainingTimeInSeconds } : {}),
    ...(typeof description.BillableTimeInSeconds === 'number' ? { billableSeconds: description.BillableTimeInSeconds } : {}),
    ...(region ? { region } : {}),
    // A local job records the image it would run on SageMaker; what it ran with is its interpreter's packages.
    ...(image && !local ? { transformersVersion: image.transformersVersion, ...(image.baseFramework === 'pytorch' ? { pytorchVersion: image.baseVersion } : {}) } : {}),
    ...(description.TrainingJobStatus ? { status: description.TrainingJobStatus } : {}),
    ...(description.CreationTime !== undefined ? { createdAt: description.CreationTime } : {}),
    ...(entryPoint ? { entryPoint } : {}),
  };
  return { job, hyperparameters };
}

/** What a job file says about the job it launches (no run facts: those come from the job itself). */
export function modelCardJobFromSpec(spec: JobSpec): { job: ModelCardJob; hyperparameters: Record<string, unknown> } {
  const channels = spec.inputs === undefined ? [] : typeof spec.inputs === 'string' ? ['training'] : Object.keys(spec.inputs);
  const job: ModelCardJob = {
    source: 'jobFile',
    ...(channels.length > 0 ? { channels } : {}),
    // With instance_groups, the group the image was picked for (the first GPU group: the one that trains);
    // with instance_preferences the job file cannot know which type SageMaker will pick: the card names the candidates.
    instanceType: Array.isArray(spec.instance_preferences)
      ? jobInstances(spec)
          .map((c) => c.instanceType)
          .join(' or ') || 'unknown'
      : (spec.instance_type ?? imageInstanceType(spec) ?? 'unknown'),
    instanceCount: Array.isArray(spec.instance_preferences)
      ? (jobInstances(spec)[0]?.count ?? 1)
      : spec.instance_type !== undefined
        ? (spec.instance_count ?? 1)
        : (jobInstances(spec).find((g) => g.instanceType === imageInstanceType(spec))?.count ?? 1),
    ...(Array.isArray(spec.instance_preferences) ? { instanceChoices: jobInstances(spec).map((c) => ({ instanceType: c.instanceType, count: c.count })) } : {}),
    ...(spec.region ? { region: spec.region } : {}),
    ...(spec.transformers_version ? { transformersVersion: String(spec.transformers_version) } : {}),
    ...(spec.pytorch_version ? { pytorchVersion: String(spec.pytorch_version) } : {}),
    ...(spec.entry_point ? { entryPoint: spec.entry_point } : {}),
    ...(spec.distribution ? { distribution: spec.distribution } : {}),
  };
  return { job, hyperparameters: { ...(spec.hyperparameters ?? {}) } };
}

function localFacts(local: NonNullable<JobDescriptionForCard['Local']>, instanceCount: number | undefined): LocalRunFacts {
  const machine = isRecord(local.machine) ? local.machine : {};
  const packages = isRecord(local.packages) ? Object.fromEntries(Object.entries(local.packages).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined;
  return {
    hosts: Array.isArray(local.hosts) ? local.hosts.length : (instanceCount ?? 1),
    ...(stringOf(local.pythonVersion) ? { pythonVersion: local.pythonVersion } : {}),
    ...(stringOf(local.interpreter) ? { interpreter: local.interpreter } : {}),
    ...(stringOf(machine.os) ? { os: machine.os as string } : {}),
    ...(stringOf(machine.cpu) ? { cpu: machine.cpu as string } : {}),
    ...(typeof machine.cpus === 'number' ? { cpus: machine.cpus } : {}),
    ...(typeof machine.gpus === 'number' ? { gpus: machine.gpus } : {}),
    ...(packages ? { packages } : {}),
  };
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
