import { existsSync } from 'fs';
import * as path from 'path';
import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { LogTailError, tailTrainingJobLogs } from '../aws/logTail';
import type { LogTailClients } from '../aws/logTail';
import { TrainingJobError } from '../aws/trainingJobs';
import { diagnoseJob, formatDiagnosis, hostLogsFromLines, jobFailed } from '../core/diagnosis/diagnoseJob';
import type { Diagnosis } from '../core/diagnosis/diagnoseJob';
import type { DiagnosisJob } from '../core/diagnosis/classify';
import type { SourceMapping } from '../core/diagnosis/frameMapping';
import type { HostLog } from '../core/diagnosis/traceback';
import { validateJobFile } from '../core/jobFile/validateJobFile';
import { RecentLines } from '../core/logs/jobEndSummary';
import { showControlCharacters } from '../core/logs/logFormat';
import { defaultLocalRoot } from '../local/localJob';
import { readLocalDiagnosisInput } from '../local/localDiagnosis';
import { readInputFile, UsageError } from './cliError';
import type { CliIo } from './cliError';
import { DIAGNOSIS_LINES_PER_HOST } from '../core/diagnosis/diagnoseJob';
import { AWS_OPTIONS, awsConnectionFromCli } from './jobsCommand';

export interface DiagnoseCommandDeps {
  clients?: LogTailClients;
}

const USAGE = 'sagemaker-hf diagnose JOB [--json] [--source-dir DIR | --job-file FILE] [--local [--root DIR]]';

/**
 * `sagemaker-hf diagnose JOB [--json]`: why a job failed (src/core/diagnosis): FailureReason and
 * where, each host's first traceback with its frames mapped to the workspace, the cause and its fix.
 * Frames map to `--source-dir`, to the source_dir of `--job-file`, or (neither given) to the current
 * folder, only where the file exists. `--local` diagnoses a job of the local backend from its job
 * folder. Exit 0 when the job did not fail, 1 when it failed (the diagnosis printed), 2 on errors.
 */
export async function diagnoseCommand(args: string[], terminal: CliIo, deps: DiagnoseCommandDeps = {}): Promise<number> {
  const io: CliIo = { ...terminal, stdout: (t) => terminal.stdout(showControlCharacters(t)), stderr: (t) => terminal.stderr(showControlCharacters(t)) };
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'source-dir': { type: 'string' },
      'job-file': { type: 'string' },
      local: { type: 'boolean', default: false },
      root: { type: 'string' },
      ...AWS_OPTIONS,
    },
  });
  if (positionals.length !== 1) throw new UsageError(`diagnose needs exactly one training job name: ${USAGE}`);
  if (values['source-dir'] !== undefined && values['job-file'] !== undefined) throw new UsageError('give --source-dir or --job-file, not both.');
  if (values.root !== undefined && !values.local) throw new UsageError('--root goes with --local (the folder of local jobs).');
  const jobName = positionals[0]!;

  let mapping: SourceMapping | undefined;
  if (values['job-file'] !== undefined) {
    mapping = await mappingFromJobFile(values['job-file'], io);
    if (!mapping) return 2;
  } else {
    mapping = { sourceDir: relativeToCwd(path.resolve(io.cwd, values['source-dir'] ?? '.'), io.cwd) };
  }

  let job: DiagnosisJob;
  let logs: HostLog[];
  if (values.local) {
    const root = values.root ? path.resolve(io.cwd, values.root) : defaultLocalRoot(io.cwd);
    const local = await readLocalDiagnosisInput(root, jobName);
    if (!local) {
      io.stderr(`sagemaker-hf diagnose: no local job ${jobName} in ${root} (a job folder with job.json); list them in the Training Jobs view or pass --root.\n`);
      return 2;
    }
    job = local.job;
    logs = local.logs;
    // A local run's frames are under each host's own code folder, copied from source_dir.
    mapping = {
      ...mapping,
      ...(values['source-dir'] === undefined && values['job-file'] === undefined ? { sourceDir: relativeToCwd(local.sourceDir, io.cwd) } : {}),
      codeRoots: local.codeRoots,
    };
  } else {
    const owned = deps.clients ? undefined : new AwsClients({ ...awsConnectionFromCli(values, io.env), maxAttempts: 8 });
    try {
      const recent = new RecentLines(DIAGNOSIS_LINES_PER_HOST);
      const end = await tailTrainingJobLogs({ clients: deps.clients ?? owned!, jobName, follow: false, onLines: (lines) => recent.add(lines) });
      if (!end.description) throw new Error(`DescribeTrainingJob gave no answer for ${jobName}`);
      job = end.description;
      logs = jobFailed(job) ? hostLogsFromLines(recent.lines()) : [];
    } catch (error) {
      if (error instanceof TrainingJobError || error instanceof LogTailError) {
        io.stderr(`sagemaker-hf diagnose: ${error.message}\n`);
        return 2;
      }
      throw error;
    } finally {
      owned?.destroy();
    }
  }

  const cwd = io.cwd;
  const diagnosis = diagnoseJob({ job, logs, source: { ...mapping, exists: (p) => existsSync(path.resolve(cwd, p)) } });
  print(diagnosis, values.json, io);
  return diagnosis.cause ? 1 : 0;
}

function print(diagnosis: Diagnosis, json: boolean, io: CliIo): void {
  if (json) io.stdout(`${JSON.stringify(diagnosis, null, 2)}\n`);
  else
    io.stdout(
      formatDiagnosis(diagnosis)
        .map((l) => `${l}\n`)
        .join(''),
    );
}

/** A path as the JSON shows it: relative to the current folder with `/`, or absolute when outside it. */
function relativeToCwd(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  if (relative === '') return '.';
  if (relative.startsWith('..') || path.isAbsolute(relative)) return absolute.split(path.sep).join('/');
  return relative.split(path.sep).join('/');
}

/** source_dir and dependencies of a job file, relative to the current folder; undefined after saying why not. */
async function mappingFromJobFile(file: string, io: CliIo): Promise<SourceMapping | undefined> {
  const absolute = path.resolve(io.cwd, file);
  const text = await readInputFile(file, absolute, io);
  if (text === undefined) return undefined;
  const { spec } = validateJobFile(text);
  if (!spec) {
    io.stderr(`${file}: the job file has errors (sagemaker-hf validate ${file} lists them); fix them, or pass --source-dir DIR instead.\n`);
    return undefined;
  }
  if (spec.git_config) {
    io.stderr(
      `${file}: the code comes from git_config, whose clone a launch removes afterwards: pass --source-dir with the source_dir of your own checkout of ${spec.git_config.repo} to map frames to files.\n`,
    );
    return undefined;
  }
  const base = path.dirname(absolute);
  const sourceDir = spec.source_dir && !spec.source_dir.startsWith('s3://') ? path.resolve(base, spec.source_dir) : base;
  return {
    sourceDir: relativeToCwd(sourceDir, io.cwd),
    dependencies: (spec.dependencies ?? []).map((d) => relativeToCwd(path.resolve(base, d), io.cwd)),
  };
}
