// What the Model Card panel shows for a model folder, computed without 'vscode' so it can be tested in
// plain node: generating README.md with the core's card builder from what artifacts/modelFolder.ts read,
// and turning README.md plus the run files into the protocol's CardContent.

import * as path from 'node:path';
import type { ModelFolderRun } from '../../artifacts/modelFolder';
import { toHubRepoName } from '../../core/hubRepoId';
import { isRecord } from '../../core/isRecord';
import { readModelCardMetadata } from '../../core/modelCard/metadata';
import { createModelCard } from '../../core/modelCard/modelCard';
import type { ModelCard, ModelCardJob } from '../../core/modelCard/modelCard';
import { SPLIT_LABEL, formatNumber, metricLabel } from '../../core/modelCard/results';
import { trainingCurves } from '../../core/modelCard/trainingCurves';
import { modelCardJobFromDescription } from '../../core/modelCard/modelCardJob';
import type { JobDescriptionForCard } from '../../core/modelCard/modelCardJob';
import { encodeHyperparameter } from '../../core/sagemaker/hyperparameters';
import { isSecretEntry } from '../../core/sagemaker/secrets';
import type { CardContent, CurveSeries, FrontMatterField, ReadmeSource, ResultsTable } from '../protocol';

/** The run and what is known about the job that produced it. */
export interface CardJob {
  job: ModelCardJob;
  hyperparameters: Record<string, unknown>;
}

export function cardJobFromDescription(description: JobDescriptionForCard | undefined): CardJob | undefined {
  return description ? modelCardJobFromDescription(description) : undefined;
}

/** README.md generated from the run files by the core's card builder (the same one `sagemaker-hf card` uses). */
export function generateCard(run: Pick<ModelFolderRun, 'files' | 'fileNames' | 'weights'>, cardJob: CardJob | undefined, repoId?: string): ModelCard {
  return createModelCard({
    files: run.files,
    fileNames: run.fileNames,
    ...(run.weights ? { weights: run.weights } : {}),
    hyperparameters: cardJob?.hyperparameters ?? {},
    ...(cardJob ? { job: cardJob.job } : {}),
    ...(repoId ? { repoId } : {}),
  });
}

/** README.md is older than a run file it was (or should have been) generated from. */
export function isReadmeStale(run: ModelFolderRun): boolean {
  return run.readme !== undefined && run.newestRunFileMs > run.readme.mtimeMs;
}

export interface CardContentInput {
  run: ModelFolderRun;
  cardJob: CardJob | undefined;
  /** The README text shown: from disk, from an editor, or generated. */
  readmeText: string;
  readmeSource: ReadmeSource;
  notice?: string;
}

/** Most points a curve sends to the view; longer runs are thinned evenly, keeping the last point. */
export const MAX_CURVE_POINTS = 2_000;

export function buildCardContent(input: CardContentInput): CardContent {
  const { run } = input;
  const generated = generateCard(run, input.cardJob);
  const read = readModelCardMetadata(input.readmeText);
  const metadata = isRecord(read.metadata) ? read.metadata : undefined;
  const widgetText = widgetTextOf(metadata) ?? widgetTextOf(generated.metadata);
  const modelIndexName = Array.isArray(metadata?.['model-index']) && isRecord(metadata['model-index'][0]) ? metadata['model-index'][0].name : undefined;
  const notices = [input.notice, ...run.unreadable.map((u) => `Left out ${u.file}: it ${u.reason}.`)].filter((n): n is string => !!n);
  return {
    folder: run.folder,
    title: typeof modelIndexName === 'string' && modelIndexName.trim() !== '' ? modelIndexName : generated.modelName,
    markdown: read.body,
    readmeSource: input.readmeSource,
    stale: input.readmeSource === 'file' && isReadmeStale(run),
    frontMatter: frontMatterFields(read.metadata),
    problems: read.problems.map((p) => `${p.severity === 'warning' ? 'Warning' : 'Error'}: ${p.path ? `${p.path}: ` : ''}${p.message}`),
    results: resultsTables(generated),
    curves: curveSeries(run.files['trainer_state.json']),
    ...(widgetText !== undefined ? { widgetText } : {}),
    ...(input.cardJob?.job.name ? { jobName: input.cardJob.job.name } : {}),
    ...(notices.length > 0 ? { notice: notices.join(' ') } : {}),
  };
}

function resultsTables(card: ModelCard): ResultsTable[] {
  return card.results
    .map((r) => ({
      split: r.split,
      title: SPLIT_LABEL[r.split],
      file: r.file,
      rows: r.metrics.map((m) => ({ metric: metricLabel(m.key), value: valueText(m.value) })),
    }))
    .filter((t) => t.rows.length > 0);
}

function curveSeries(trainerState: unknown): CurveSeries[] {
  return trainingCurves(trainerState).map((c) => ({
    key: c.key,
    label: c.label,
    axis: c.axis,
    points: thin(c.points).map((p) => ({ step: p.step, value: p.value, ...(p.epoch !== undefined ? { epoch: p.epoch } : {}) })),
  }));
}

function thin<T>(points: readonly T[]): T[] {
  if (points.length <= MAX_CURVE_POINTS) return [...points];
  const stride = points.length / (MAX_CURVE_POINTS - 1);
  const out: T[] = [];
  for (let i = 0; i < MAX_CURVE_POINTS - 1; i++) out.push(points[Math.floor(i * stride)]!);
  out.push(points[points.length - 1]!);
  return out;
}

const MAX_FIELD_TEXT = 500;

/** Front matter as key/value text, in the file's order; model-index and widget summarized. */
export function frontMatterFields(metadata: unknown): FrontMatterField[] {
  if (!isRecord(metadata)) return [];
  return Object.entries(metadata).map(([key, value]) => {
    let text: string;
    if (key === 'model-index' && Array.isArray(value)) text = modelIndexSummary(value);
    else if (key === 'widget' && Array.isArray(value)) text = `${value.length} example${value.length === 1 ? '' : 's'}`;
    else if (Array.isArray(value) && value.every((v) => !isRecord(v) && !Array.isArray(v))) text = value.map(valueText).join(', ');
    else text = valueText(value);
    return { key, value: text.length > MAX_FIELD_TEXT ? `${text.slice(0, MAX_FIELD_TEXT)}…` : text };
  });
}

function modelIndexSummary(entries: unknown[]): string {
  const results = entries.flatMap((e) => (isRecord(e) && Array.isArray(e.results) ? e.results : []));
  return results
    .map((r) => {
      if (!isRecord(r)) return valueText(r);
      const task = isRecord(r.task) ? valueText(r.task.type) : '?';
      const dataset = isRecord(r.dataset) ? `${valueText(r.dataset.name ?? r.dataset.type)}${r.dataset.split !== undefined ? ` (${valueText(r.dataset.split)})` : ''}` : '?';
      const metrics = Array.isArray(r.metrics) ? r.metrics.map((m) => (isRecord(m) ? `${valueText(m.name ?? m.type)} ${valueText(m.value)}` : valueText(m))).join(', ') : '';
      return `${task} on ${dataset}${metrics ? `: ${metrics}` : ''}`;
    })
    .join('; ');
}

function widgetTextOf(metadata: unknown): string | undefined {
  if (!isRecord(metadata) || !Array.isArray(metadata.widget)) return undefined;
  const first = metadata.widget.find((w) => isRecord(w) && typeof w.text === 'string');
  return isRecord(first) && typeof first.text === 'string' ? first.text : undefined;
}

function valueText(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (value instanceof Date) return value.toISOString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The default repository name, `{base-model-name}-{dataset}`: from the job's hyperparameters, else the
 * README's `base_model` and `datasets`, else config.json's `_name_or_path` (where save_pretrained records
 * the model it started from); the folder's name when none of them says.
 */
export function defaultRepoName(input: { folder: string; cardJob: CardJob | undefined; readmeText?: string; files: Record<string, unknown> }): string {
  const hp = input.cardJob?.hyperparameters ?? {};
  const metadata = input.readmeText !== undefined ? readModelCardMetadata(input.readmeText).metadata : undefined;
  const meta = isRecord(metadata) ? metadata : {};
  const config = isRecord(input.files['config.json']) ? input.files['config.json'] : {};
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const base = [hp.model_name_or_path, first(meta.base_model), config._name_or_path].find(isText);
  const dataset = [hp.dataset_name, first(meta.datasets)].find(isText);
  const lastPart = (id: string) => id.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const joined = toHubRepoName([base, dataset].filter(isText).map(lastPart).join('-'));
  return joined || toHubRepoName(path.basename(input.folder)) || 'fine-tuned-model';
}

/**
 * The job description as the panel keeps it in workspace storage, to rebuild the card after a reload:
 * only the fields the card reads, and hyperparameters that look like credentials (a `hub_token` passed
 * to the training script is common) replaced, so no secret is written to VS Code's storage.
 */
export function storableJobDescription(d: JobDescriptionForCard): JobDescriptionForCard {
  const hyperparameters = Object.fromEntries(Object.entries(d.HyperParameters ?? {}).map(([k, v]) => [k, isSecretEntry(k, v) ? encodeHyperparameter('(redacted)') : v]));
  return {
    ...(d.TrainingJobName !== undefined ? { TrainingJobName: d.TrainingJobName } : {}),
    ...(d.TrainingJobArn !== undefined ? { TrainingJobArn: d.TrainingJobArn } : {}),
    ...(d.TrainingJobStatus !== undefined ? { TrainingJobStatus: d.TrainingJobStatus } : {}),
    ...(d.CreationTime !== undefined ? { CreationTime: d.CreationTime instanceof Date ? d.CreationTime.toISOString() : d.CreationTime } : {}),
    ...(d.TrainingTimeInSeconds !== undefined ? { TrainingTimeInSeconds: d.TrainingTimeInSeconds } : {}),
    ...(d.BillableTimeInSeconds !== undefined ? { BillableTimeInSeconds: d.BillableTimeInSeconds } : {}),
    ...(d.HyperParameters !== undefined ? { HyperParameters: hyperparameters } : {}),
    ...(d.AlgorithmSpecification?.TrainingImage !== undefined ? { AlgorithmSpecification: { TrainingImage: d.AlgorithmSpecification.TrainingImage } } : {}),
    ...(d.ResourceConfig !== undefined
      ? {
          ResourceConfig: {
            ...(d.ResourceConfig.InstanceType !== undefined ? { InstanceType: d.ResourceConfig.InstanceType } : {}),
            ...(d.ResourceConfig.InstanceCount !== undefined ? { InstanceCount: d.ResourceConfig.InstanceCount } : {}),
          },
        }
      : {}),
    // What a local job ran on: without it the card would take the job for a SageMaker job.
    ...(d.Local !== undefined
      ? {
          Local: {
            ...(d.Local.entryPoint !== undefined ? { entryPoint: d.Local.entryPoint } : {}),
            ...(d.Local.hosts !== undefined ? { hosts: d.Local.hosts } : {}),
            ...(d.Local.interpreter !== undefined ? { interpreter: d.Local.interpreter } : {}),
            ...(d.Local.pythonVersion !== undefined ? { pythonVersion: d.Local.pythonVersion } : {}),
            ...(d.Local.machine !== undefined ? { machine: d.Local.machine } : {}),
            ...(d.Local.packages !== undefined ? { packages: d.Local.packages } : {}),
          },
        }
      : {}),
    ...(d.InputDataConfig !== undefined ? { InputDataConfig: d.InputDataConfig.map((c) => (c.ChannelName !== undefined ? { ChannelName: c.ChannelName } : {})) } : {}),
  };
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}
