import * as path from 'path';
import { readFile } from 'fs/promises';
import { parseArgs } from './args';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { AwsClients } from '../aws/awsClients';
import { isNoRegion, noRegionMessage } from '../aws/awsErrors';
import { LaunchError } from '../aws/launch/launchError';
import { launchTrainingJob, stalePlanError } from '../aws/launch/launchTrainingJob';
import { jobFileDigest, planTrainingJob } from '../aws/launch/planTrainingJob';
import { waitForTrainingJob } from '../aws/launch/waitForTrainingJob';
import { describeExternalLinks } from '../aws/staging/sourceArchive';
import { SourceStagingError } from '../source/stagingError';
import { TrainingPlanError } from '../core/training/trainingPlanError';
import { showControlCharacters } from '../core/logs/logFormat';
import { readInputFile, UsageError } from './cliError';
import { launchLocally } from './localLaunch';
import { localLaunchFlags } from './localRunOptions';
import type { CliIo } from './cliError';
import { formatProblems } from './validateCommand';
import { BudgetGuard } from '../aws/cost/budgetGuard';
import { FilePriceCache, resolveJobPrices } from '../aws/preflight/pricing';
import type { PriceCache } from '../aws/preflight/pricing';
import { budgetOf, budgetRefusal } from '../core/cost/budget';
import { estimateTrainingCost } from '../core/cost/costEstimate';
import type { TrainingJobDescription } from '../core/jobs/trainingJobDescription';
import { priceCachePath } from './cliTime';

const USAGE =
  'sagemaker-hf launch FILE [--profile P] [--region R] [--account ID] [--job-name NAME] [--job-file-sha256 HEX] [--follow-external-links] [--wait [--poll SECONDS] [--stop-over-budget]] | launch FILE --local [--root DIR] [--python PATH] [--install-requirements]';
const EXIT_CANCELLED = 130;

/**
 * `sagemaker-hf launch FILE`: what the editor's "Launch Distributed Training" does, from a
 * terminal, on the same path: the file is planned once (`planTrainingJob`: one validation, one
 * parse, STS and IAM asked once; with --account no STS call, with a role ARN no IAM call) and that
 * plan is launched (`launchTrainingJob`), which reads the file again and refuses it if it changed
 * meanwhile. With --job-file-sha256 (the `jobFileSha256` that `plan` printed) a file that is no
 * longer the text planned then is refused the same way. Progress goes to stderr; stdout gets the
 * job name and ARN (one per line), so `name=$(sagemaker-hf launch f | head -1)` works. Ctrl-C
 * cancels until the job is created. Symbolic links that leave source_dir (or a dependency, or the
 * git checkout) refuse the launch, listing them, unless --follow-external-links says their targets
 * may be uploaded.
 * Exit 0 launched (with --wait: Completed), 1 refused, failed or the job did not complete,
 * 2 usage or I/O errors, 130 cancelled.
 */
export async function launchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      region: { type: 'string' },
      account: { type: 'string' },
      'job-name': { type: 'string' },
      'job-file-sha256': { type: 'string' },
      wait: { type: 'boolean', default: false },
      poll: { type: 'string' },
      local: { type: 'boolean', default: false },
      root: { type: 'string' },
      python: { type: 'string' },
      'install-requirements': { type: 'boolean', default: false },
      'follow-external-links': { type: 'boolean', default: false },
      'stop-over-budget': { type: 'boolean', default: false },
    },
  });
  if (values['stop-over-budget'] && !values.wait)
    throw new UsageError('--stop-over-budget needs --wait (or follow the job with sagemaker-hf logs JOB --follow --stop-over-budget --max-cost-usd N).');
  if (positionals.length !== 1) throw new UsageError(`launch needs one job file: ${USAGE}`);
  const pollMs = values.poll === undefined ? undefined : Number(values.poll) * 1000;
  if (pollMs !== undefined && !(pollMs > 0)) throw new UsageError(`--poll must be a number of seconds (got "${values.poll}").`);
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) throw new UsageError(`--account must be a 12-digit AWS account id (got "${values.account}").`);
  const expectedDigest = values['job-file-sha256']?.toLowerCase();
  if (expectedDigest !== undefined && !/^[0-9a-f]{64}$/.test(expectedDigest))
    throw new UsageError(`--job-file-sha256 must be the 64 hex digits \`plan\` printed as jobFileSha256 (got "${values['job-file-sha256']}").`);
  const file = positionals[0]!;
  const absolute = path.resolve(io.cwd, file);
  const text = await readInputFile(file, absolute, io);
  if (text === undefined) return 2;

  if (values.local) {
    return launchLocally(file, text, localLaunchFlags(values), io);
  }

  const clients = new AwsClients({
    ...(values.region ? { region: values.region } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    endpoints: AwsClients.endpointsFromEnv(io.env),
  });
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    // The text `plan` printed the digest of, or a refusal before anything is asked of AWS.
    if (expectedDigest !== undefined && expectedDigest !== jobFileDigest(text)) throw stalePlanError(absolute);
    if (!values.account) io.stderr('Checking the AWS account and role…\n');
    const planned = await planTrainingJob({
      jobFilePath: absolute,
      text,
      clients,
      env: io.env,
      signal: controller.signal,
      ...(values.region ? { region: values.region } : {}),
      ...(values.account ? { accountId: values.account } : {}),
      ...(values['job-name'] ? { jobName: values['job-name'] } : {}),
    });
    if (planned.kind === 'invalid') {
      io.stderr(formatProblems(file, planned.problems));
      io.stderr(`${file}: not launched: fix the errors above.\n`);
      return 1;
    }
    io.stderr(
      formatProblems(
        file,
        planned.warnings.filter((p) => p.severity === 'warning'),
      ),
    );
    if (planned.tuning && values.wait) {
      io.stderr(
        `${file}: not launched: --wait follows one training job, and this file's tuning: block makes a hyperparameter tuning job of up to ${planned.tuning.createHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs ?? 'many'} trials. Launch it without --wait and follow its trials with \`sagemaker-hf jobs\` (or the Training Jobs view).
`,
      );
      return 2;
    }
    // The budget: refused before anything is uploaded when the ceiling exceeds max_cost_usd.
    const budget = budgetOf(planned.spec);
    if (budget !== undefined) {
      const price = await resolveJobPrices(clients, planned.spec, planned.region, {
        offline: Boolean(values.account),
        cache: new FilePriceCache(priceCachePath(io.env)),
        timeoutMs: 8000,
      });
      const estimate = price.quotes ? estimateTrainingCost(planned.spec, price.quotes) : undefined;
      const refusal = estimate ? budgetRefusal(planned.spec, estimate) : undefined;
      if (refusal) {
        io.stderr(`${file}: not launched: ${refusal.message}\n`);
        return 1;
      }
      if (!estimate) io.stderr(`${file}: max_cost_usd cannot be checked: ${price.apiProblem ?? 'no price is known'}\n`);
    }
    const outcome = await launchTrainingJob({
      clients,
      planned,
      // The file as it is on disk when the launch starts: refused if it is not the text planned.
      currentText: () => readFile(absolute, 'utf8'),
      options: {
        signal: controller.signal,
        env: io.env,
        confirmExternalLinks: (links) => {
          if (values['follow-external-links'])
            io.stderr(
              `Following ${links.length} link${links.length === 1 ? '' : 's'} out of the source folder (--follow-external-links):\n${describeExternalLinks(links).replace(/^/gm, '  ')}\n`,
            );
          return values['follow-external-links'];
        },
      },
      onProgress: (p) => io.stderr(`${p.message}\n`),
    });
    io.stdout(`${outcome.jobName}\n${outcome.jobArn}\n`);
    const stopHint = outcome.tuningRequest
      ? `aws sagemaker stop-hyper-parameter-tuning-job --region ${outcome.region} --hyper-parameter-tuning-job-name ${outcome.jobName}`
      : `aws sagemaker stop-training-job --region ${outcome.region} --training-job-name ${outcome.jobName}`;
    if (outcome.cancelledAfterCreate) {
      io.stderr(
        `Cancelled too late: ${outcome.tuningRequest ? 'hyperparameter tuning' : 'training'} job ${outcome.jobName} had already been created and is running. To stop it: ${stopHint}\n`,
      );
      return EXIT_CANCELLED;
    }
    io.stderr(`${outcome.consoleUrl}\n`);
    if (!values.wait) return 0;
    const guard =
      budget !== undefined
        ? { budgetUsd: budget, stop: values['stop-over-budget'], offline: Boolean(values.account), cache: new FilePriceCache(priceCachePath(io.env)) }
        : undefined;
    if (values['stop-over-budget'] && budget === undefined) io.stderr(`--stop-over-budget: ${file} has no max_cost_usd, so there is no budget to stop at.\n`);
    return await waitAndReport(clients, outcome.jobName, outcome.region, io, controller.signal, pollMs, stopHint, guard);
  } catch (err) {
    if ((err instanceof LaunchError || err instanceof SourceStagingError) && err.code === 'cancelled') {
      io.stderr(`${err.message}\n`);
      return EXIT_CANCELLED;
    }
    if (err instanceof LaunchError || err instanceof SourceStagingError || err instanceof TrainingPlanError) {
      io.stderr(`sagemaker-hf launch: ${isNoRegion(err) ? noRegionMessage('cli', { jobFile: true }) : err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    clients.destroy();
  }
}

/** --wait: status lines until the job ends. Log streaming will replace this. */
async function waitAndReport(
  clients: AwsClients,
  jobName: string,
  region: string,
  io: CliIo,
  signal: AbortSignal,
  pollMs: number | undefined,
  stopHint: string,
  budget?: { budgetUsd: number; stop: boolean; offline: boolean; cache: PriceCache },
): Promise<number> {
  // The job may be in another region than the clients' default: the file's `region` wins.
  const regional = clients.connection.region === region ? clients : new AwsClients({ ...clients.connection, region });
  const guard = budget
    ? new BudgetGuard(regional, jobName, budget.budgetUsd, {
        stop: budget.stop,
        offline: budget.offline,
        cache: budget.cache,
        onEvent: (event, action) => io.stderr(`${event.level === 'over' ? 'Budget reached' : 'Budget warning'}: ${event.message} ${action}\n`),
      })
    : undefined;
  try {
    const job = await waitForTrainingJob(regional.sagemaker(), jobName, {
      signal,
      ...(pollMs !== undefined ? { pollMs } : {}),
      onStatus: (j) => io.stderr(`${showControlCharacters(statusLine(j))}\n`),
      ...(guard ? { onPoll: (j: DescribeTrainingJobCommandOutput) => guard.check(j as TrainingJobDescription) } : {}),
    });
    if (job.TrainingJobStatus === 'Completed') return 0;
    if (guard?.stopped && job.TrainingJobStatus === 'Stopped') io.stderr(`${jobName} was stopped at its budget.\n`);
    if (job.FailureReason) io.stderr(`${showControlCharacters(job.FailureReason)}\n`);
    return 1;
  } catch (err) {
    if (signal.aborted) {
      io.stderr(`Stopped waiting; training job ${jobName} keeps running. To stop it: ${stopHint}\n`);
      return EXIT_CANCELLED;
    }
    io.stderr(`sagemaker-hf launch: could not follow ${jobName}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    if (regional !== clients) regional.destroy();
  }
}

function statusLine(job: DescribeTrainingJobCommandOutput): string {
  const transitions = job.SecondaryStatusTransitions ?? [];
  const detail = transitions[transitions.length - 1]?.StatusMessage;
  return `${job.TrainingJobStatus ?? '?'} / ${job.SecondaryStatus ?? '?'}${detail ? `: ${detail}` : ''}`;
}
