import * as path from 'path';
import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { downloadModel, DownloadError } from '../aws/artifacts/downloadModel';
import type { DownloadClients } from '../aws/artifacts/downloadModel';
import { ArchiveError, REFUSED_ARCHIVE_CODES } from '../artifacts/archiveError';
import { formatBytes } from '../core/format';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { AWS_OPTIONS, awsConnectionFromCli } from './jobsCommand';

export interface DownloadCommandDeps {
  clients?: DownloadClients;
}

/**
 * `sagemaker-hf download JOB [--to DIR] [--overwrite] [--output]`: the job's model.tar.gz streamed
 * from S3 and extracted safely into DIR (default ./models/JOB). Progress on stderr, the folder on
 * stdout. Exit 0 done, 1 refused (job not completed, hostile archive, S3 error), 2 usage, 130 cancelled.
 */
export async function downloadCommand(args: string[], io: CliIo, deps: DownloadCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...AWS_OPTIONS, to: { type: 'string' }, overwrite: { type: 'boolean', default: false }, output: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('download needs one job name: sagemaker-hf download JOB [--to DIR] [--overwrite] [--output]');
  const jobName = positionals[0]!;
  const targetDir = path.resolve(io.cwd, values.to ?? path.join('models', jobName));
  const clients = deps.clients ?? new AwsClients(awsConnectionFromCli(values, io.env));
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  let last = 0;
  try {
    const result = await downloadModel({
      clients,
      jobName,
      targetDir,
      overwrite: values.overwrite,
      includeOutput: values.output,
      signal: controller.signal,
      onProgress: (p) => {
        if (Date.now() - last < 500) return;
        last = Date.now();
        const of = p.total ? ` of ${formatBytes(p.total)}` : '';
        io.stderr(`  ${formatBytes(p.bytes)}${of} at ${formatBytes(p.rate)}/s${p.entry ? `: ${p.entry}` : ''}\n`);
      },
    });
    io.stderr(`Downloaded ${result.source}: ${result.files} files, ${formatBytes(result.bytes)}\n`);
    io.stdout(`${result.targetDir}\n`);
    return 0;
  } catch (err) {
    if (err instanceof DownloadError && err.code === 'cancelled') {
      io.stderr(`${err.message}\n`);
      return 130;
    }
    if (err instanceof DownloadError || (err instanceof ArchiveError && (REFUSED_ARCHIVE_CODES.has(err.code) || err.code === 'target-exists'))) {
      io.stderr(`sagemaker-hf download: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    if (!deps.clients) (clients as AwsClients).destroy();
  }
}
