/**
 * A job file run on this machine: the editor's "Run Locally" and `sagemaker-hf launch --local`.
 * The hyperparameters are exactly those a launch would send (the request builder makes them), then
 * the local runner points the code and job-name keys at this machine.
 */
import * as path from 'path';
import { expandEnvironment } from '../core/jobFile/credentialFlows';
import type { JobSpec } from '../core/jobFile/jobSpec';
import type { Problem } from '../core/jobFile/problem';
import type { JobFileContext } from '../core/jobFile/semanticChecks';
import { validateJobFile } from '../core/jobFile/validateJobFile';
import { buildTrainingJobPlan } from '../core/training/createTrainingJobRequest';
import type { CreateTrainingJobRequest } from '../core/training/createTrainingJobRequest';
import { encodeDocumentValues } from '../core/training/pythonJson';
import type { EncodedTuningValues } from '../core/training/pythonJson';
import { withGitCheckout } from '../source/gitSource';
import { runLocalJob } from './localJob';
import type { ChannelFetcher } from '../core/contract/channelFetcher';
import type { LocalJob, LocalJobListener } from './localJob';
import { localJobOptionsFromSpec } from './localJobOptions';

/** No account is involved in a local run; the request builder needs one to name the default bucket. */
const LOCAL_ACCOUNT = '000000000000';

export interface RunJobFileOptions {
  jobFilePath: string;
  text: string;
  /** Folder that holds local jobs (`<workspace>/.sagemaker-local`). */
  root: string;
  /** Validation context (file checks); the caller's stat port. */
  context?: JobFileContext;
  region?: string;
  interpreter?: string;
  installRequirements?: boolean;
  now?: Date;
  /** Where `${env:NAME}` references are read (git_config credentials, environment values); default process.env. */
  env?: NodeJS.ProcessEnv;
  listener?: LocalJobListener;
  /** For s3:// channels (an S3-backed implementation from src/aws); without it such channels are refused. */
  channelFetcher?: ChannelFetcher;
  /** Called once the git checkout (if any) is done and before the hosts start. */
  onPrepared?(request: CreateTrainingJobRequest): void;
}

export type RunJobFileOutcome = { kind: 'invalid'; problems: Problem[] } | { kind: 'started'; job: LocalJob; request: CreateTrainingJobRequest };

/** A job file checked and turned into the request a launch would send, ready to start on this machine. */
export interface PlannedLocalRun {
  spec: JobSpec;
  request: CreateTrainingJobRequest;
  jobFileDir: string;
  environment: Record<string, string> | undefined;
  /** The tuning block's values as the file wrote them (a `1.0` stays `1.0`), for the ranges' encoding. */
  tuningValues?: EncodedTuningValues;
}

export type PlanLocalRunOutcome = { kind: 'invalid'; problems: Problem[] } | { kind: 'planned'; planned: PlannedLocalRun };

/** Validates the job file and builds its request (throws TrainingPlanError for what the builder refuses). */
export function planLocalRun(o: RunJobFileOptions): PlanLocalRunOutcome {
  const validation = validateJobFile(o.text, o.context ?? {});
  if (!validation.spec || validation.problems.some((p) => p.severity === 'error')) return { kind: 'invalid', problems: validation.problems };
  const spec = validation.spec;
  // `${env:NAME}` values are set in the hosts' environment as a launch would send them; a variable
  // that is not set stops the run here (TrainingPlanError), naming it, before anything starts.
  const environment = expandEnvironment(spec.environment, o.env ?? process.env);
  const jobFileDir = path.dirname(path.resolve(o.jobFilePath));
  // The validator's document: the file is parsed once.
  const encoded = encodeDocumentValues(validation.document.doc, validation.document.text);
  // Channels of a local run may be local folders, which a SageMaker request refuses; they do not
  // change the hyperparameters, so the request is built without them (the runner reads spec.inputs).
  const { inputs: _localInputs, ...specWithoutInputs } = spec;
  const plan = buildTrainingJobPlan({
    spec: specWithoutInputs,
    hyperparameters: encoded.hyperparameters,
    ...(encoded.modelParallelParameters ? { modelParallelParameters: encoded.modelParallelParameters } : {}),
    ...(encoded.tagValues !== undefined ? { tagValues: encoded.tagValues } : {}),
    ...(encoded.ruleParameterValues !== undefined ? { ruleParameterValues: encoded.ruleParameterValues } : {}),
    context: { region: spec.region ?? o.region ?? 'us-east-1', accountId: LOCAL_ACCOUNT, now: o.now ?? new Date(), baseDir: jobFileDir, localRun: true },
  });
  return {
    kind: 'planned',
    planned: { spec, request: plan.createTrainingJob, jobFileDir, environment, ...(encoded.tuning !== undefined ? { tuningValues: encoded.tuning } : {}) },
  };
}

/** What a tuning trial changes in a planned run: its name, its hyperparameters, its tuning job. */
export interface RunOverrides {
  jobName: string;
  hyperparameters: Record<string, string>;
  tuningJobArn: string;
}

/** Starts a planned run (checking out git_config code first when the file has it). */
export async function startPlannedRun(planned: PlannedLocalRun, o: RunJobFileOptions, overrides?: RunOverrides): Promise<LocalJob> {
  const { spec, request, jobFileDir, environment } = planned;
  const start = async (checkoutDir?: string): Promise<LocalJob> => {
    o.onPrepared?.(request);
    return runLocalJob(
      {
        ...localJobOptionsFromSpec({
          spec,
          jobFileDir,
          jobName: overrides?.jobName ?? request.TrainingJobName,
          root: o.root,
          hyperparameters: overrides?.hyperparameters ?? request.HyperParameters,
          ...(o.interpreter ? { interpreter: o.interpreter } : {}),
          ...(o.installRequirements ? { installRequirements: true } : {}),
          ...(checkoutDir ? { checkoutDir } : {}),
          ...(o.channelFetcher ? { channelFetcher: o.channelFetcher } : {}),
        }),
        trainingImage: request.AlgorithmSpecification.TrainingImage,
        ...(environment !== undefined ? { environment } : {}),
        ...(overrides ? { tuningJobArn: overrides.tuningJobArn } : {}),
      },
      o.listener,
    );
  };
  const git = spec.git_config;
  return git
    ? await withGitCheckout(
        {
          gitConfig: git,
          entryPoint: spec.entry_point,
          ...(spec.source_dir ? { sourceDir: spec.source_dir } : {}),
          ...(spec.dependencies ? { dependencies: spec.dependencies } : {}),
        },
        (checkout) => start(checkout.root),
        o.env ? { env: o.env } : {},
      )
    : await start();
}

export async function runJobFileLocally(o: RunJobFileOptions): Promise<RunJobFileOutcome> {
  const outcome = planLocalRun(o);
  if (outcome.kind === 'invalid') return outcome;
  const job = await startPlannedRun(outcome.planned, o);
  return { kind: 'started', job, request: outcome.planned.request };
}
