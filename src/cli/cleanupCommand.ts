import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { listCleanup, runCleanup } from '../aws/cost/cleanup';
import type { CleanupListing } from '../aws/cost/cleanup';
import { S3_STORAGE_PRICE_SOURCE } from '../core/cost/cleanup';
import { formatUsd } from '../core/cost/costEstimate';
import { formatBytes } from '../core/format';
import { TERMINAL_TRAINING_JOB_STATUSES as TERMINAL_STATUSES } from '../core/sagemaker/jobStatus';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { parseAge } from './cliTime';
import { AWS_OPTIONS, awsConnectionFromCli, table } from './jobsCommand';

const USAGE = 'sagemaker-hf cleanup [--older-than 30d] [--status Completed,Failed,Stopped] [--delete] [--delete-jobs] [--json]';

export interface CleanupCommandDeps {
  clients?: AwsClients;
  now?: Date;
}

/**
 * `sagemaker-hf cleanup`: ended jobs and what they left in S3 (model output, checkpoints, the code
 * archive, profiler and debugger output) with sizes and the monthly storage cost. A dry run unless
 * --delete; --delete-jobs also deletes the job records. Exit 0, 1 when something could not be
 * deleted, 2 on usage errors.
 */
export async function cleanupCommand(args: string[], io: CliIo, deps: CleanupCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'older-than': { type: 'string', default: '30d' },
      status: { type: 'string', default: 'Completed,Failed,Stopped' },
      delete: { type: 'boolean', default: false },
      'delete-jobs': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      ...AWS_OPTIONS,
    },
  });
  if (positionals.length > 0) throw new UsageError(`cleanup takes no arguments: ${USAGE}`);
  const olderThanSeconds = parseAge(values['older-than'], '--older-than');
  const statuses = values.status
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = statuses.filter((s) => !(TERMINAL_STATUSES as readonly string[]).includes(s));
  if (bad.length > 0 || statuses.length === 0) throw new UsageError(`--status takes ended statuses, comma-separated: ${TERMINAL_STATUSES.join(',')} (got "${values.status}").`);
  if (values['delete-jobs'] && !values.delete) throw new UsageError('--delete-jobs needs --delete (the job records go only once what they left in S3 is gone).');

  const owned = deps.clients ? undefined : new AwsClients(awsConnectionFromCli(values, io.env));
  const clients = deps.clients ?? owned!;
  try {
    const listing = await listCleanup(clients, { olderThanSeconds, statuses, ...(deps.now ? { now: deps.now } : {}) });
    if (!values.delete) {
      if (values.json) io.stdout(`${JSON.stringify({ ...listingJson(listing), deleted: false, priceSource: S3_STORAGE_PRICE_SOURCE }, null, 2)}\n`);
      else
        io.stdout(
          `${listingText(listing)}\nDry run: nothing deleted. To delete the unshared prefixes: ${USAGE.replace('[--delete]', '--delete').replace(/ \[--delete-jobs\] \[--json\]/, '')}\n`,
        );
      return 0;
    }
    const result = await runCleanup(clients, listing, { deleteJobs: values['delete-jobs'] });
    if (values.json) io.stdout(`${JSON.stringify({ ...listingJson(listing), deleted: true, result, priceSource: S3_STORAGE_PRICE_SOURCE }, null, 2)}\n`);
    else {
      io.stdout(listingText(listing));
      io.stdout(
        `\nDeleted ${result.deletedObjects} object${result.deletedObjects === 1 ? '' : 's'} (${formatBytes(result.deletedBytes)})${result.deletedJobs.length ? ` and ${result.deletedJobs.length} job record${result.deletedJobs.length === 1 ? '' : 's'}` : ''}.\n`,
      );
    }
    for (const p of result.problems) io.stderr(`${p}\n`);
    return result.problems.length > 0 ? 1 : 0;
  } finally {
    owned?.destroy();
  }
}

function listingJson(listing: CleanupListing) {
  return {
    jobs: listing.jobs.map((j) => ({
      job: j.job,
      status: j.status,
      endedAt: j.endedAt?.toISOString() ?? null,
      warmPoolAvailable: j.warmPoolAvailable,
      leftovers: j.leftovers.map((l) => ({
        kind: l.kind,
        uri: l.uri,
        objects: l.objects,
        bytes: l.bytes,
        usdPerMonth: l.usdPerMonth,
        ...(l.sharedWith ? { sharedWith: l.sharedWith } : {}),
        ...(l.problem ? { problem: l.problem } : {}),
      })),
    })),
    totalBytes: listing.totalBytes,
    totalUsdPerMonth: listing.totalUsdPerMonth,
  };
}

function listingText(listing: CleanupListing): string {
  if (listing.jobs.length === 0) return 'No ended training jobs match.\n';
  const rows: string[][] = [];
  for (const j of listing.jobs) {
    if (j.leftovers.length === 0) rows.push([j.job, j.status, '(nothing left in S3)', '', '', '']);
    for (const l of j.leftovers)
      rows.push([
        j.job,
        j.status,
        l.kind,
        l.uri,
        l.problem ? 'could not list' : `${formatBytes(l.bytes)} in ${l.objects}`,
        l.sharedWith ? `kept: shared with ${l.sharedWith}` : l.problem ? `kept: ${l.problem}` : `${formatUsd(l.usdPerMonth)}/month`,
      ]);
  }
  return `${table(['JOB', 'STATUS', 'WHAT', 'WHERE', 'SIZE', 'COST'], rows)}\nTotal to delete: ${formatBytes(listing.totalBytes)}, ${formatUsd(listing.totalUsdPerMonth)}/month (${S3_STORAGE_PRICE_SOURCE}).\n`;
}
