import { promises as fs } from 'fs';
import * as path from 'path';
import { parseArgs } from './args';
import { ModelFolderError, readJobRecord, readModelFolder } from '../artifacts/modelFolder';
import { AwsClients } from '../aws/awsClients';
import { describeTrainingJob, TrainingJobError } from '../aws/trainingJobs';
import { validateJobFile } from '../core/jobFile/validateJobFile';
import { createModelCard } from '../core/modelCard/modelCard';
import type { ModelCardInput, ModelCardJob } from '../core/modelCard/modelCard';
import { hubRepoIdProblem } from '../core/hubRepoId';
import { isPipelineTag } from '../core/modelCard/pipelineTag';
import { modelCardJobFromDescription, modelCardJobFromSpec } from '../core/modelCard/modelCardJob';
import type { JobDescriptionForCard } from '../core/modelCard/modelCardJob';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { awsConnectionFromCli, AWS_OPTIONS } from './jobsCommand';
import { jobFileContext } from '../source/jobFileOnDisk';
import { DEFAULT_LOCAL_ROOT_NAME } from '../local/localJob';

const USAGE =
  'sagemaker-hf card DIR [--job-file FILE | --job NAME] [--out FILE|-] [--force] [--repo-id NAMESPACE/NAME] [--license ID] [--language CODE] [--pipeline-tag TAG] [--widget-text TEXT] [--widget-output TEXT]';

export interface CardCommandDeps {
  /** DescribeTrainingJob for --job (tests pass their own; otherwise the AWS SDK with the CLI's region and profile). */
  describe?: (jobName: string) => Promise<JobDescriptionForCard>;
}

/**
 * `sagemaker-hf card DIR`: writes a model card (README.md) for an extracted model folder from its
 * `*_results.json`, `trainer_state.json` and `config.json`, plus what is known about the job:
 * `--job-file` (the .sagemaker.yaml it was launched from), `--job NAME` (DescribeTrainingJob), or
 * a `job.json` (the local backend's record) in DIR or its parent folder, or, for a folder named after
 * a local job, in `.sagemaker-local/<that name>/` of the working folder or of the job file's folder.
 *
 * Exit 0 when written; 1 when the card's metadata would fail the Hub's checks (a bad --license or
 * --language), nothing written; 2 on usage or I/O errors, including an existing README.md without
 * --force.
 */
export async function cardCommand(args: string[], io: CliIo, deps: CardCommandDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'job-file': { type: 'string' },
      job: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      'repo-id': { type: 'string' },
      license: { type: 'string' },
      language: { type: 'string', multiple: true },
      'pipeline-tag': { type: 'string' },
      'widget-text': { type: 'string' },
      'widget-output': { type: 'string' },
      ...AWS_OPTIONS,
    },
  });
  if (positionals.length !== 1) throw new UsageError(`card needs exactly one model folder: ${USAGE}`);
  if (values['job-file'] && values.job) throw new UsageError('card takes --job-file or --job, not both.');
  const repoIdProblem = values['repo-id'] !== undefined ? hubRepoIdProblem(values['repo-id'], { namespace: 'required' }) : undefined;
  if (repoIdProblem) throw new UsageError(`--repo-id takes a Hub repository id, namespace/name: ${repoIdProblem}`);
  if (values['pipeline-tag'] !== undefined && !isPipelineTag(values['pipeline-tag'])) {
    throw new UsageError(`--pipeline-tag ${values['pipeline-tag']} is not a Hub pipeline tag (e.g. summarization, text-classification, translation).`);
  }
  const dir = path.resolve(io.cwd, positionals[0] ?? '');

  let files: Record<string, unknown>;
  let folderFacts: Pick<ModelCardInput, 'fileNames' | 'weights'>;
  try {
    const run = await readModelFolder(dir, { readme: false });
    files = run.files;
    folderFacts = { fileNames: run.fileNames, ...(run.weights ? { weights: run.weights } : {}) };
    for (const u of run.unreadable) io.stderr(`warning: left out ${u.file}: it ${u.reason}\n`);
  } catch (err) {
    if (!(err instanceof ModelFolderError)) throw err;
    io.stderr(
      `sagemaker-hf card: ${err.message}${err.code === 'modelCard.notAModelFolder' ? ' From the CLI: sagemaker-hf download JOB, or sagemaker-hf extract model.tar.gz --to DIR.' : ''}\n`,
    );
    return 2;
  }

  let job: ModelCardJob | undefined;
  let hyperparameters: Record<string, unknown> = {};
  const record = (await readJobRecord(dir)) ?? (await localJobRecordByName(dir, io.cwd, values['job-file']));
  if (record) {
    ({ job, hyperparameters } = modelCardJobFromDescription(record.description));
    io.stderr(`Using the job record ${record.file}\n`);
  }
  if (values.job) {
    let description: JobDescriptionForCard;
    try {
      description = await (deps.describe ?? describeWithSdk(values, io.env))(values.job);
    } catch (err) {
      io.stderr(`sagemaker-hf card: cannot describe training job ${values.job}: ${err instanceof TrainingJobError || err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
    ({ job, hyperparameters } = modelCardJobFromDescription(description));
  }
  if (values['job-file']) {
    const file = path.resolve(io.cwd, values['job-file']);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      io.stderr(`sagemaker-hf card: cannot read ${values['job-file']}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return 2;
    }
    const validation = validateJobFile(text, jobFileContext(file));
    const errors = validation.problems.filter((p) => p.severity === 'error');
    if (!validation.spec || errors.length > 0) {
      io.stderr(`sagemaker-hf card: ${values['job-file']} has errors; run sagemaker-hf validate ${values['job-file']}\n`);
      return 2;
    }
    const fromSpec = modelCardJobFromSpec(validation.spec);
    // The job file says what was asked for; a job record, when there is one, says what ran, and the
    // file adds only its distribution (and its channels, when the record lists none).
    job = job
      ? {
          ...job,
          ...(fromSpec.job.distribution ? { distribution: fromSpec.job.distribution } : {}),
          ...(job.channels === undefined && fromSpec.job.channels ? { channels: fromSpec.job.channels } : {}),
        }
      : fromSpec.job;
    hyperparameters = fromSpec.hyperparameters;
  }
  if (!job) io.stderr('No job file, job name or job.json: the card will not describe the hardware or the hyperparameters (pass --job-file or --job).\n');

  const input: ModelCardInput = {
    files,
    ...folderFacts,
    hyperparameters,
    ...(job ? { job } : {}),
    ...(values['repo-id'] ? { repoId: values['repo-id'] } : {}),
    ...(values.license ? { license: values.license } : {}),
    ...(values.language ? { language: values.language.length === 1 ? values.language[0]! : values.language } : {}),
    ...(values['pipeline-tag'] ? { pipelineTag: values['pipeline-tag'] } : {}),
    ...(values['widget-text'] !== undefined ? { widgetText: values['widget-text'] } : {}),
    ...(values['widget-output'] !== undefined ? { widgetOutput: values['widget-output'] } : {}),
  };
  const card = createModelCard(input);
  for (const p of card.problems) io.stderr(`${p.severity}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
  if (card.problems.some((p) => p.severity === 'error')) return 1;
  io.stderr(`Pipeline tag: ${card.pipelineTag.tag ?? '(none)'} (${card.pipelineTag.rule})\n`);

  const out = values.out ?? path.join(dir, 'README.md');
  if (out === '-') {
    io.stdout(card.readme);
    return 0;
  }
  const outPath = path.resolve(io.cwd, out);
  try {
    await fs.writeFile(outPath, card.readme, { flag: values.force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    io.stderr(
      code === 'EEXIST'
        ? `sagemaker-hf card: ${outPath} exists; pass --force to replace it, or --out FILE.\n`
        : `sagemaker-hf card: cannot write ${outPath}: ${code ?? String(err)}\n`,
    );
    return 2;
  }
  io.stderr(`Wrote ${outPath}\n`);
  return 0;
}

/**
 * A local job's record for a model folder named after the job (what `extract` into models/JOB leaves):
 * `.sagemaker-local/JOB/job.json` under the working folder or the job file's folder.
 */
async function localJobRecordByName(dir: string, cwd: string, jobFile: string | undefined): Promise<Awaited<ReturnType<typeof readJobRecord>>> {
  const name = path.basename(dir);
  const roots = [cwd, ...(jobFile ? [path.dirname(path.resolve(cwd, jobFile))] : [])].map((d) => path.join(d, DEFAULT_LOCAL_ROOT_NAME));
  for (const root of [...new Set(roots)]) {
    const record = await readJobRecord(path.join(root, name));
    if (record?.description.TrainingJobName === name && record.file === path.join(root, name, 'job.json')) return record;
  }
  return undefined;
}

function describeWithSdk(flags: { region?: string; profile?: string }, env: NodeJS.ProcessEnv): (jobName: string) => Promise<JobDescriptionForCard> {
  return async (jobName) => {
    const clients = new AwsClients(awsConnectionFromCli(flags, env));
    try {
      return await describeTrainingJob(clients, jobName);
    } finally {
      clients.destroy();
    }
  };
}
