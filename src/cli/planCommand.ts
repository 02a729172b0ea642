import * as path from 'path';
import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { isNoRegion, noRegionMessage } from '../aws/awsErrors';
import { LaunchError } from '../aws/launch/launchError';
import { planTrainingJob } from '../aws/launch/planTrainingJob';
import type { PlannedTrainingJob } from '../aws/launch/planTrainingJob';
import type { TuningJobPlan } from '../core/training/createTuningJobRequest';
import { expandedEnvironmentNote, planDocument } from '../aws/launch/planPreview';
import { describeCredentialFlow } from '../core/jobFile/credentialFlows';
import { SourceStagingError } from '../source/stagingError';
import { TrainingPlanError } from '../core/training/trainingPlanError';
import { resolveJobPrices } from '../aws/preflight/pricing';
import { estimateTrainingCost, renderCostEstimateText } from '../core/cost/costEstimate';
import { budgetOf, budgetRefusal } from '../core/cost/budget';
import { readInputFile, UsageError } from './cliError';
import type { CliIo } from './cliError';
import { formatProblems } from './validateCommand';
import { describeRequestInstances } from '../core/sagemaker/instancePreferences';

const USAGE = 'sagemaker-hf plan FILE [--json] [--region R] [--account ID] [--job-name NAME] [--time ISO-8601] [--profile P]';

/**
 * `sagemaker-hf plan FILE`: the CreateTrainingJob request and uploads a launch would make (for a
 * job file with `tuning:`, the CreateHyperParameterTuningJob request `HyperparameterTuner.fit()` sends).
 * With --account nothing touches the network (the role is expanded offline); without it the
 * account comes from STS and a bare role name from IAM, as the SDK does. Also lists where each
 * `${env:NAME}` goes (names, never values; a variable that is not set fails the plan) and the links
 * in the source that leave their folder, and the SHA-256 of the text planned (`launch
 * --job-file-sha256` refuses the file once it no longer has it). Exit 0 planned, 1 when the file has errors, the SDK would
 * refuse it or a variable is missing, 2 on usage or I/O errors.
 */
export async function planCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      region: { type: 'string' },
      account: { type: 'string' },
      'job-name': { type: 'string' },
      time: { type: 'string' },
      profile: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`plan needs one job file: ${USAGE}`);
  const file = positionals[0]!;
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) throw new UsageError(`--account must be a 12-digit AWS account id (got "${values.account}").`);
  const now = values.time === undefined ? new Date() : parseTime(values.time);
  const absolute = path.resolve(io.cwd, file);
  const text = await readInputFile(file, absolute, io);
  if (text === undefined) return 2;

  const clients = new AwsClients({
    ...(values.region ? { region: values.region } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    endpoints: AwsClients.endpointsFromEnv(io.env),
  });
  try {
    const outcome = await planTrainingJob({
      jobFilePath: absolute,
      text,
      clients,
      now,
      ...(values.region ? { region: values.region } : {}),
      ...(values.account ? { accountId: values.account } : {}),
      ...(values['job-name'] ? { jobName: values['job-name'] } : {}),
      env: io.env,
    });
    if (outcome.kind === 'invalid') {
      io.stderr(formatProblems(file, outcome.problems));
      io.stderr(`${file}: not planned: fix the errors above (sagemaker-hf validate ${file}).\n`);
      return 1;
    }
    io.stderr(
      formatProblems(
        file,
        outcome.warnings.filter((p) => p.severity === 'warning'),
      ),
    );
    // The estimate: with --account nothing may touch the network, so the bundled price table is used.
    // Asked for --json only when the file has a budget to hold the ceiling to.
    const budget = budgetOf(outcome.spec);
    const price =
      !values.json || budget !== undefined ? await resolveJobPrices(clients, outcome.spec, outcome.region, { offline: Boolean(values.account), timeoutMs: 8000 }) : undefined;
    const estimate = price?.quotes ? estimateTrainingCost(outcome.spec, price.quotes) : undefined;
    const refusal = estimate ? budgetRefusal(outcome.spec, estimate) : undefined;
    if (budget !== undefined && !estimate) io.stderr(`${file}: max_cost_usd cannot be checked: ${price?.apiProblem ?? 'no price is known'}\n`);
    if (values.json) {
      if (refusal) {
        io.stderr(`${file}: refused: ${refusal.message}\n`);
        return 1;
      }
      // The request in the SDK's field names, each upload, and (when there are any) where ${env:NAME}
      // values go and the links that leave their folder: the editor's preview shows the same document.
      io.stdout(`${JSON.stringify(planDocument(outcome), null, 2)}\n`);
      return 0;
    }
    io.stdout(planSummary(outcome, file, io.cwd));
    io.stdout(estimate ? `\n${renderCostEstimateText(estimate)}` : `\nNo cost estimate: ${price?.apiProblem ?? 'no price known'}\n`);
    if (refusal) {
      io.stderr(`${file}: refused: ${refusal.message}\n`);
      return 1;
    }
    return 0;
  } catch (err) {
    if (err instanceof TrainingPlanError || err instanceof LaunchError || err instanceof SourceStagingError) {
      io.stderr(`sagemaker-hf plan: ${isNoRegion(err) ? noRegionMessage('cli', { jobFile: true }) : err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    clients.destroy();
  }
}

function planSummary(planned: PlannedTrainingJob, file: string, cwd: string): string {
  const r = planned.plan.createTrainingJob;
  const hp = planned.tuning ? planned.tuning.createHyperParameterTuningJob.TrainingJobDefinition.StaticHyperParameters : (r.HyperParameters ?? {});
  const lines = [
    ...(planned.tuning ? tuningLines(planned.tuning) : [`Training job     ${r.TrainingJobName}`]),
    `Region           ${planned.region} (account ${planned.accountId})`,
    `Image            ${r.AlgorithmSpecification.TrainingImage}`,
    `Instances        ${planned.tuning ? 'each trial ' : ''}${describeRequestInstances(r.ResourceConfig)}, ${r.ResourceConfig.VolumeSizeInGB} GB volume, at most ${r.StoppingCondition.MaxRuntimeInSeconds} s${r.EnableManagedSpotTraining ? ' (spot)' : ''}`,
    `Role             ${r.RoleArn}`,
    `Output           ${r.OutputDataConfig.S3OutputPath}`,
    `${planned.tuning ? 'Static hyperp.   ' : 'Hyperparameters  '}${Object.keys(hp).length}`,
    ...Object.entries(hp).map(([k, v]) => `  ${k} = ${v}`),
  ];
  for (const u of planned.plan.uploads) {
    const from = u.git ? `${u.git.repo}${u.git.commit ? `@${u.git.commit}` : u.git.branch ? ` (${u.git.branch})` : ''}: ${u.from}` : u.from;
    lines.push(`Upload           ${from}`, `              →  ${u.to}`);
  }
  if (planned.plan.defaultBucket) lines.push(`Default bucket   ${planned.plan.defaultBucket} (created at launch if missing)`);
  const environment = Object.entries(r.Environment ?? {});
  if (environment.length > 0) lines.push(`Environment      ${environment.length}`, ...environment.map(([k, v]) => `  ${k} = ${v}`));
  if (planned.credentialFlows.length > 0) {
    lines.push(`Secrets          ${planned.credentialFlows.length}, by name (values are read from this machine's environment at launch, never shown)`);
    lines.push(...planned.credentialFlows.map((f) => `  ${describeCredentialFlow(f)}  (${f.via})`));
    const note = expandedEnvironmentNote(planned);
    if (note) lines.push(`  Launch sends: ${note}`);
  }
  if (planned.externalLinks.length > 0) {
    lines.push(
      `Links out        ${planned.externalLinks.length} link${planned.externalLinks.length === 1 ? '' : 's'} leave${planned.externalLinks.length === 1 ? 's' : ''} ${planned.externalLinks.length === 1 ? 'its' : 'their'} folder: launch uploads the target${planned.externalLinks.length === 1 ? '' : 's'} only with --follow-external-links`,
    );
    lines.push(...planned.externalLinks.map((l) => `  ${path.relative(cwd, l.path)} → ${l.target}`));
  }
  lines.push(`Job file         ${file} (sha256 ${planned.jobFileDigest})`);
  lines.push(
    '',
    `The exact request: sagemaker-hf plan ${file} --json`,
    `Launch this file only while unchanged: sagemaker-hf launch ${file} --job-file-sha256 ${planned.jobFileDigest}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The tuning job's own lines: name, strategy and limits, objective, each range as sent. */
function tuningLines(tuning: TuningJobPlan): string[] {
  const t = tuning.createHyperParameterTuningJob;
  const c = t.HyperParameterTuningJobConfig;
  const limits = c.ResourceLimits;
  const ranges = c.ParameterRanges;
  const lines = [
    `Tuning job       ${t.HyperParameterTuningJobName} (CreateHyperParameterTuningJob)`,
    `Strategy         ${c.Strategy}, ${limits.MaxNumberOfTrainingJobs ?? 'every grid point (SageMaker counts them)'} trial${limits.MaxNumberOfTrainingJobs === 1 ? '' : 's'}, ${limits.MaxParallelTrainingJobs} at a time${limits.MaxRuntimeInSeconds !== undefined ? `, at most ${limits.MaxRuntimeInSeconds} s in all` : ''}, early stopping ${c.TrainingJobEarlyStoppingType}`,
    `Objective        ${c.HyperParameterTuningJobObjective.Type} ${c.HyperParameterTuningJobObjective.MetricName}`,
    `Ranges           ${ranges.ContinuousParameterRanges.length + ranges.IntegerParameterRanges.length + ranges.CategoricalParameterRanges.length}`,
    ...ranges.ContinuousParameterRanges.map((p) => `  ${p.Name} continuous ${p.MinValue} … ${p.MaxValue} (${p.ScalingType})`),
    ...ranges.IntegerParameterRanges.map((p) => `  ${p.Name} integer ${p.MinValue} … ${p.MaxValue} (${p.ScalingType})`),
    ...ranges.CategoricalParameterRanges.map((p) => `  ${p.Name} one of ${p.Values.join(', ')}`),
  ];
  if (ranges.AutoParameters?.length) lines.push(`Autotune         ${ranges.AutoParameters.map((a) => a.Name).join(', ')}`);
  if (t.WarmStartConfig)
    lines.push(`Warm start       ${t.WarmStartConfig.WarmStartType} from ${t.WarmStartConfig.ParentHyperParameterTuningJobs.map((p) => p.HyperParameterTuningJobName).join(', ')}`);
  for (const n of tuning.notSent) lines.push(`Not sent         ${n.path}: ${n.why}`);
  return lines;
}

function parseTime(value: string): Date {
  // ISO-8601 with a date and a time; a bare date or a locale string would be read in local time.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    throw new UsageError(`--time must be an ISO-8601 time with a zone, like 2024-05-01T12:00:00.000Z (got "${value}").`);
  }
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new UsageError(`--time "${value}" is not a valid time.`);
  return t;
}
