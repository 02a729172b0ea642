import * as path from 'path';
import { S3ChannelFetcher } from '../aws/artifacts/s3ChannelFetcher';
import { AwsClients } from '../aws/awsClients';
import { TrainingPlanError } from '../core/training/trainingPlanError';
import { defaultLocalRoot } from '../local/localJob';
import { LocalJobError } from '../local/localJobError';
import type { RunJobFileOptions } from '../local/runJobFile';
import { jobFileContext } from '../source/jobFileOnDisk';
import { SourceStagingError } from '../source/stagingError';
import type { CliIo } from './cliError';
import { awsConnectionFromCli } from './jobsCommand';

/** The flags `launch --local` and `tune --local` share. */
export interface LocalLaunchFlags {
  root?: string;
  python?: string;
  installRequirements?: boolean;
  region?: string;
}

/** The local flags of `launch` / `tune`, as parseArgs read them. */
export function localLaunchFlags(values: {
  root?: string | undefined;
  python?: string | undefined;
  'install-requirements'?: boolean | undefined;
  region?: string | undefined;
}): LocalLaunchFlags {
  return {
    ...(values.root ? { root: values.root } : {}),
    ...(values.python ? { python: values.python } : {}),
    installRequirements: values['install-requirements'] === true,
    ...(values.region ? { region: values.region } : {}),
  };
}

/** What a local training job and a local tuning job are both started with, from the CLI's flags. */
export function localRunOptions(file: string, text: string, flags: LocalLaunchFlags, io: CliIo): Omit<RunJobFileOptions, 'listener' | 'onPrepared'> {
  const absolute = path.resolve(io.cwd, file);
  return {
    jobFilePath: absolute,
    text,
    root: flags.root ? path.resolve(io.cwd, flags.root) : defaultLocalRoot(io.cwd),
    context: jobFileContext(absolute, flags.region),
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.python ? { interpreter: flags.python } : {}),
    ...(flags.installRequirements ? { installRequirements: true } : {}),
    env: io.env,
    channelFetcher: new S3ChannelFetcher(() => new AwsClients(awsConnectionFromCli({ ...(flags.region ? { region: flags.region } : {}) }, io.env)).s3()),
  };
}

/** Refusals whose message says what to do: a ${env:NAME} not set, a clone that failed, a channel a local run cannot read. */
export function isLocalRefusal(err: unknown): err is Error {
  return err instanceof TrainingPlanError || err instanceof SourceStagingError || err instanceof LocalJobError;
}
