import * as vscode from 'vscode';
import { formatUsd } from '../core/cost/costEstimate';
import { formatBytes } from '../core/format';
import { TERMINAL_TRAINING_JOB_STATUSES } from '../core/sagemaker/jobStatus';
import { Cancelled } from '../host/commandRunner';
import type { Services } from '../host/services';
import type { TrainingJobsTree } from '../views/trainingJobsTree';

type CleanupModule = typeof import('../aws/cost/cleanup');
type Listing = import('../aws/cost/cleanup').CleanupListing;
type CleanupJob = import('../aws/cost/cleanup').CleanupJob;

const DAY_SECONDS = 86_400;

function deletable(job: CleanupJob) {
  return job.leftovers.filter((l) => !l.sharedWith && !l.problem);
}

function jobBytes(job: CleanupJob): number {
  return deletable(job).reduce((n, l) => n + l.bytes, 0);
}

/**
 * "Clean Up…": ended jobs with what they left in S3 (model output, checkpoints, the code archive,
 * profiler and debugger output), sizes and the monthly storage cost, in a pick list (jobs ended over
 * 30 days ago picked); a confirmation naming the total, then only the chosen, unshared prefixes are
 * deleted — and, when asked, the job records (refused while a warm pool is Available).
 * Returns the listing shown (tests).
 */
export function cleanUp(services: Services, tree: TrainingJobsTree) {
  return async (): Promise<Listing> => {
    const { listCleanup, runCleanup } = require('../aws/cost/cleanup') as CleanupModule;
    const { S3_STORAGE_PRICE_SOURCE, monthlyStorageUsd } = require('../core/cost/cleanup') as typeof import('../core/cost/cleanup');
    const clients = services.aws.clients();
    const listing = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Listing what ended training jobs left in S3…' }, () =>
      listCleanup(clients, { olderThanSeconds: 0, statuses: [...TERMINAL_TRAINING_JOB_STATUSES] }),
    );
    const withLeftovers = listing.jobs.filter((j) => j.leftovers.length > 0);
    if (withLeftovers.length === 0) {
      void vscode.window.showInformationMessage('No ended training job left anything in S3 that could be cleaned up.');
      return listing;
    }
    const now = Date.now();
    const items = withLeftovers.map((j) => {
      const bytes = jobBytes(j);
      const shared = j.leftovers.filter((l) => l.sharedWith);
      const old = j.endedAt !== undefined && now - j.endedAt.getTime() >= 30 * DAY_SECONDS * 1000;
      return {
        label: j.job,
        description: `${j.status} · ${formatBytes(bytes)} · ${formatUsd(monthlyStorageUsd(bytes))}/month`,
        detail: [
          ...j.leftovers.map((l) => `${l.kind}: ${l.uri} (${l.problem ? 'could not list' : formatBytes(l.bytes)}${l.sharedWith ? `, kept: shared with ${l.sharedWith}` : ''})`),
          ...(j.warmPoolAvailable ? ['warm pool Available: release it before deleting the job record'] : []),
        ].join(' · '),
        picked: old && bytes > 0,
        job: j,
        shared,
      };
    });
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Clean Up: ${withLeftovers.length} ended job${withLeftovers.length === 1 ? '' : 's'}, ${formatBytes(listing.totalBytes)} deletable, ${formatUsd(listing.totalUsdPerMonth)}/month`,
      placeHolder: 'Pick the jobs whose S3 leftovers to delete (those ended over 30 days ago are picked); shared prefixes are always kept',
      matchOnDetail: true,
    });
    if (!picked || picked.length === 0) throw new Cancelled();
    const chosen: Listing = { jobs: picked.map((p) => p.job), totalBytes: 0, totalUsdPerMonth: 0 };
    chosen.totalBytes = chosen.jobs.reduce((n, j) => n + jobBytes(j), 0);
    const objects = chosen.jobs.reduce((n, j) => n + deletable(j).reduce((m, l) => m + l.objects, 0), 0);
    const deleteOnly = 'Delete from S3';
    const deleteAll = 'Delete from S3 and the Job Records';
    const choice = await vscode.window.showWarningMessage(
      `Delete ${objects} object${objects === 1 ? '' : 's'} (${formatBytes(chosen.totalBytes)}, ${formatUsd(monthlyStorageUsd(chosen.totalBytes))}/month) left by ${chosen.jobs.length} job${chosen.jobs.length === 1 ? '' : 's'}?`,
      {
        modal: true,
        detail: `Only these prefixes are deleted; prefixes another job's paths share are kept.\n${chosen.jobs
          .flatMap((j) => deletable(j).map((l) => `• ${l.uri}`))
          .slice(0, 20)
          .join('\n')}\n\nStorage price: ${S3_STORAGE_PRICE_SOURCE}.`,
      },
      deleteOnly,
      deleteAll,
    );
    if (choice !== deleteOnly && choice !== deleteAll) throw new Cancelled();
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Deleting…' }, () =>
      runCleanup(clients, chosen, { deleteJobs: choice === deleteAll }),
    );
    const done = `Deleted ${result.deletedObjects} object${result.deletedObjects === 1 ? '' : 's'} (${formatBytes(result.deletedBytes)})${result.deletedJobs.length ? ` and ${result.deletedJobs.length} job record${result.deletedJobs.length === 1 ? '' : 's'}` : ''}.`;
    if (result.problems.length > 0) void vscode.window.showWarningMessage(`${done} Not done: ${result.problems.join(' ')}`);
    else void vscode.window.showInformationMessage(done);
    for (const p of result.problems) services.log.for('cleanup').warn(p);
    if (result.deletedJobs.length > 0) await tree.reload();
    return listing;
  };
}
