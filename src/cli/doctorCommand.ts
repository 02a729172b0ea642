import * as os from 'os';
import * as path from 'path';
import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { FilePriceCache, resolveJobPrices } from '../aws/preflight/pricing';
import { QuotaRequestError, requestQuotaIncrease } from '../aws/preflight/serviceQuotas';
import type { JobPriceResolution } from '../aws/preflight/pricing';
import { runPreflight } from '../aws/preflight/runPreflight';
import { estimateTrainingCost, renderCostEstimateText } from '../core/cost/costEstimate';
import type { CostEstimate } from '../core/cost/costEstimate';
import type { JobSpec } from '../core/jobFile/jobSpec';
import { validateJobFile } from '../core/jobFile/validateJobFile';
import { jobInstances } from '../core/sagemaker/instanceGroups';
import { isReadyToLaunch, renderChecklistText } from '../core/preflight/checklist';
import { readInputFile, UsageError } from './cliError';
import type { CliIo } from './cliError';
import { jobFileContext } from '../source/jobFileOnDisk';
import { formatProblems } from './validateCommand';

const USAGE = 'sagemaker-hf doctor [FILE] [--json] [--region R] [--profile P] [--request-quota]';
const LOCAL_TYPES = new Set(['local', 'local_gpu']);

/** Where prices from the Price List API are kept between runs (a day), like other CLIs' caches. */
export function priceCachePath(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'sagemaker-hf', 'training-prices.json');
}

/**
 * `sagemaker-hf doctor [FILE]`: the setup check, and with a job file the checks of its role,
 * buckets, instance type, quota and image plus its cost estimate. Exit 0 when nothing blocks a
 * launch (every item passed, could not be checked, or failed without blocking), 1 when a blocking
 * item failed or the file has errors, 2 on usage or I/O errors.
 */
export async function doctorCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      region: { type: 'string' },
      profile: { type: 'string' },
      'request-quota': { type: 'boolean', default: false },
    },
  });
  if (values['request-quota'] && positionals.length !== 1) throw new UsageError(`--request-quota needs the job file whose quota to raise: ${USAGE}`);
  if (positionals.length > 1) throw new UsageError(`doctor takes at most one job file: ${USAGE}`);
  if (values.region !== undefined && values.region.trim() === '') throw new UsageError(`--region needs a region name: ${USAGE}`);

  let spec: JobSpec | undefined;
  const file = positionals[0];
  if (file !== undefined) {
    const absolute = path.resolve(io.cwd, file);
    const text = await readInputFile(file, absolute, io);
    if (text === undefined) return 2;
    const validation = validateJobFile(text, jobFileContext(absolute, values.region));
    const errors = validation.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0 || !validation.spec) {
      io.stderr(formatProblems(file, errors));
      io.stderr(`${file}: not checked: fix the errors above first (sagemaker-hf validate ${file}).\n`);
      return 1;
    }
    spec = validation.spec;
  }

  const clients = new AwsClients({
    ...(values.region ? { region: values.region } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    endpoints: AwsClients.endpointsFromEnv(io.env),
  });
  try {
    const checklist = await runPreflight({ clients, surface: 'cli', ...(spec ? { spec } : {}), ...(values.region ? { region: values.region } : {}) });
    let price: JobPriceResolution | undefined;
    let estimate: CostEstimate | undefined;
    // Every type the job may run is priced (instance_groups: each group's; instance_preferences: each candidate, the ceiling takes the dearest).
    const types = spec ? jobInstances(spec).filter((g) => !LOCAL_TYPES.has(g.instanceType.trim())) : [];
    if (spec && types.length > 0 && checklist.region) {
      price = await resolveJobPrices(clients, spec, checklist.region, { cache: new FilePriceCache(priceCachePath(io.env)) });
      if (price.quotes) estimate = estimateTrainingCost(spec, price.quotes);
    }
    const ready = isReadyToLaunch(checklist);

    if (values.json) {
      const out = { ready, checklist, cost: estimate ?? null, ...(price?.apiProblem ? { priceNote: price.apiProblem } : {}) };
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      io.stdout(renderChecklistText(checklist));
      if (estimate) {
        io.stdout(`\n${renderCostEstimateText(estimate)}`);
        if (price?.apiProblem) io.stdout(`  note: ${price.apiProblem}\n`);
      } else if (price) {
        io.stdout(`\nCost estimate: not available. ${price.apiProblem ?? ''}\n`);
      }
    }
    if (values['request-quota']) {
      // Every failed quota (with instance_preferences, each candidate's: SageMaker checks them all).
      const requests = checklist.items.filter((i) => i.status === 'failed' && i.nextStep?.requestQuota).map((i) => i.nextStep!.requestQuota!);
      if (requests.length === 0) {
        const quota = checklist.items.find((i) => i.kind === 'quota');
        io.stderr(
          `--request-quota: nothing to request${quota ? ` (${quota.title}: ${quota.status}${quota.status === 'failed' ? `, ${quota.detail}` : ''})` : ': the job file has no SageMaker instance quota to check'}.\n`,
        );
        return ready ? 0 : 1;
      }
      for (const request of requests) {
        try {
          const regional = clients.connection.region === request.region ? clients : new AwsClients({ ...clients.connection, region: request.region });
          const result = await requestQuotaIncrease(regional.serviceQuotas(), request.quotaCode, request.desiredValue, request.quotaName).finally(() => {
            if (regional !== clients) regional.destroy();
          });
          io.stderr(
            `Requested "${request.quotaName}" (${request.quotaCode}) = ${request.desiredValue} in ${request.region}: ${result.status}. \`sagemaker-hf doctor ${file}\` shows its status until it is approved or denied.\n`,
          );
        } catch (err) {
          if (!(err instanceof QuotaRequestError)) throw err;
          io.stderr(`--request-quota: ${err.message}\n`);
        }
      }
      return 1;
    }
    return ready ? 0 : 1;
  } finally {
    clients.destroy();
  }
}
