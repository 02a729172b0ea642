import { stringify } from 'yaml';
import { describeInstanceType, findInstanceType } from '../catalog/instanceTypes';
import { fromJsValue, pyDict, pythonFloatRepr } from '../contract/pythonValue';
import type { PyValue } from '../contract/pythonValue';
import { describeDistribution, describeJobFileDistribution } from '../sagemaker/distribution';
import type { Distribution } from '../sagemaker/distribution';
import { isSdkHyperparameter } from '../sagemaker/hyperparameters';
import { codeBlock, escapeMarkdownText, escapeTableCell, hubLink, markdownTable, quotedName } from './markdown';
import { formatDuration } from '../format';
import { isHubRepoId } from '../hubRepoId';
import { isRecord } from '../isRecord';
import { SECRET_NAME, secretValueKind } from '../sagemaker/secrets';
import { validateModelCardMetadata } from './metadata';
import type { ModelCardMetadata, ModelCardProblem, ModelIndexResult, WidgetExample } from './metadata';
import { inferPipelineTag } from './pipelineTag';
import { modelDescent, transformersConfig, transformersLoadability } from './provenance';
import type { Descent, Loadability } from './provenance';
import type { PipelineTag, PipelineTagInference } from './pipelineTag';
import { DATASET_SPLIT, SPLIT_LABEL, formatNumber, metricHubType, metricLabel, modelIndexValue, readSplitResults, validationLabel } from './results';
import type { ResultSplit, SplitResults } from './results';

/**
 * A README.md for a trained model, in the Hub's model-card format: YAML front matter
 * on line 1 (emitted by the `yaml` package, never by string templates), then Markdown in which every
 * value from the run is escaped.
 *
 * Fixes against the card of the blog post this project starts from: the front matter starts on the
 * first line (the blog's template began with an empty line, so the Hub saw no metadata);
 * `library_name`, `base_model`, `pipeline_tag` and `model-index` are set; the task type is
 * `summarization` (a pipeline tag) rather than `abstractive-text-summarization`; metrics are
 * `type: rouge` named "Validation ROUGE-1" (not "ROGUE"/`rogue-1`); every results file is read,
 * not just two; the usage snippet calls the variable it assigned (the blog assigned `summarizer`
 * and called `nlp`); the hardware is described from the instance catalog (p3dn is V100, not A100).
 */

/** What the local runner recorded about the machine a local job ran on (src/local/machine.ts). */
export interface LocalRunFacts {
  /** How many hosts (algo-1, algo-2, …) ran, each a process on this one machine. */
  hosts: number;
  /** The Python interpreter's version and path. */
  pythonVersion?: string;
  interpreter?: string;
  /** `Linux 6.1.0-18-amd64 (x64)`. */
  os?: string;
  /** The CPU model and how many logical CPUs. */
  cpu?: string;
  cpus?: number;
  gpus?: number;
  /** Versions of torch, transformers, … installed in the interpreter; {} when none is; absent when not recorded. */
  packages?: Record<string, string>;
}

export interface ModelCardJob {
  /**
   * Where the facts come from: a SageMaker training job (DescribeTrainingJob), a local run (the local
   * backend's job.json), or only the job file (what was asked for, not what ran).
   */
  source: 'sagemaker' | 'local' | 'jobFile';
  /** The training job name; absent when the card is made from a job file alone. */
  name?: string;
  /** Local runs: the machine and the interpreter. */
  local?: LocalRunFacts;
  /** The job's input channels (train, validation, …): data that came through them is not a Hub dataset. */
  channels?: string[];
  /** SageMaker jobs: the image is a Hugging Face Deep Learning Container. */
  huggingFaceImage?: boolean;
  instanceType: string;
  instanceCount: number;
  /**
   * Job files with instance_preferences: each candidate with its own count (instanceType names them
   * all, instanceCount is the first one's), since the file cannot know which one SageMaker picks.
   */
  instanceChoices?: Array<{ instanceType: string; count: number }>;
  trainingTimeSeconds?: number;
  billableSeconds?: number;
  region?: string;
  transformersVersion?: string;
  pytorchVersion?: string;
  status?: string;
  /** ISO 8601 text or a Date; only the UTC date is shown. */
  createdAt?: string | Date;
  /** The training script, e.g. `run_summarization.py` (else `sagemaker_program` from the hyperparameters). */
  entryPoint?: string;
  distribution?: Distribution;
}

export interface ModelCardInput {
  /** Parsed files of the model folder by name: `eval_results.json`, `trainer_state.json`, `config.json`, … */
  files: Record<string, unknown>;
  /**
   * Every file name in the model folder. Without it nothing is known about the weights and the
   * tokenizer, so the card claims no library (no library_name, pipeline_tag or usage snippet).
   */
  fileNames?: readonly string[];
  /** Parameters counted from the weights file (model.safetensors header), when read. */
  weights?: { file: string; parameters: number };
  /** The job's hyperparameters, decoded (not the JSON-encoded strings SageMaker stores). */
  hyperparameters: Record<string, unknown>;
  job?: ModelCardJob;
  /** `namespace/name` on the Hub, for the usage snippet and model-index name; ignored unless it is one. */
  repoId?: string;
  /** Widget example input; summarization defaults to the blog's dialogue. */
  widgetText?: string;
  /**
   * What the model answered to the widget example (e.g. from a local test run). The Hub shows it
   * when no inference provider serves the model, which is the usual case for a fresh fine-tune.
   */
  widgetOutput?: string;
  /** A Hub license id; default apache-2.0 (the license of the blog's base model). Check the base model's own license. */
  license?: string;
  /** Default `en`, the language of the example datasets; set it for other languages. */
  language?: string | string[];
  /** Overrides the inferred pipeline tag (see inferPipelineTag for the rules). */
  pipelineTag?: string;
}

export interface ModelCard {
  /** The README.md text. */
  readme: string;
  metadata: ModelCardMetadata;
  modelName: string;
  pipelineTag: PipelineTagInference;
  results: SplitResults[];
  /** validateModelCardMetadata of `metadata`: empty unless an input (license, language) is off-spec. */
  problems: ModelCardProblem[];
  /** Whether the model derives from the hyperparameters' model_name_or_path (undefined when none is named). */
  descent: Descent | undefined;
  /** Whether transformers can load the folder (library_name, pipeline_tag and the snippet depend on it). */
  loadability: Loadability;
}

export const DEFAULT_LICENSE = 'apache-2.0';
export const DEFAULT_LANGUAGE = 'en';

/** The blog's widget example, a SAMSum-style dialogue (trailing spaces removed). */
export const DEFAULT_DIALOGUE = [
  'Jeff: Can I train a 🤗 Transformers model on Amazon SageMaker?',
  'Philipp: Sure you can use the new Hugging Face Deep Learning Container.',
  'Jeff: ok.',
  'Jeff: and how can I get started?',
  'Jeff: where can I find documentation?',
  'Philipp: ok, ok you can find everything here. https://huggingface.co/blog/the-partnership-amazon-sagemaker-and-hugging-face',
].join('\n');

const TASK_NAMES: Partial<Record<PipelineTag, string>> = {
  summarization: 'Summarization',
  translation: 'Translation',
  'text-classification': 'Text Classification',
  'token-classification': 'Token Classification',
  'question-answering': 'Question Answering',
  'text-generation': 'Text Generation',
  'fill-mask': 'Fill-Mask',
  'multiple-choice': 'Multiple Choice',
};

/** Tasks whose widget takes one text, so a `widgetText` can be offered as an example. */
const TEXT_WIDGET_TASKS: ReadonlySet<string> = new Set(['summarization', 'translation', 'text-classification', 'token-classification', 'text-generation', 'fill-mask']);

export function createModelCard(input: ModelCardInput): ModelCard {
  const hp = input.hyperparameters;
  const config = asRecord(input.files['config.json']);
  const trainerState = asRecord(input.files['trainer_state.json']);
  const results = dedupeHeldOut(readSplitResults(input.files));
  const namedBase = stringValue(hp.model_name_or_path);
  const descent = namedBase ? modelDescent(namedBase, config) : undefined;
  // Only a model the saved config shows descending from it is "a fine-tuned version of" the base.
  const baseModel = descent?.descends ? namedBase : undefined;
  const loadability = transformersLoadability(config, input.fileNames);
  const dataset = stringValue(hp.dataset_name);
  const datasetConfig = stringValue(hp.dataset_config_name);
  const entryPoint = input.job?.entryPoint ?? stringValue(hp.sagemaker_program);
  const channels = input.job?.channels ?? [];
  // A namespaced id is a Hub dataset; a bare name is one only when the data did not come through input channels.
  const datasetId = dataset && isHubRepoId(dataset, { namespace: 'optional' }) && (dataset.includes('/') || channels.length === 0) ? dataset : undefined;

  const pipelineTag = inferPipelineTag({
    metricKeys: results.flatMap((r) => r.metrics.map((m) => m.rawKey)),
    ...(config ? { config } : {}),
    ...(entryPoint ? { entryPoint } : {}),
    ...(baseModel ? { baseModel } : {}),
    ...(input.pipelineTag !== undefined ? { override: input.pipelineTag } : {}),
  });
  const tag = pipelineTag.tag;
  const repoId = input.repoId !== undefined && isHubRepoId(input.repoId, { namespace: 'required' }) ? input.repoId : undefined;
  const modelName = chooseModelName(repoId, baseModel ?? stringValue(config?.model_type), dataset);

  const modelIndex = tag && datasetId ? modelIndexResults(results, tag, datasetId, datasetConfig) : [];
  const hubMetrics = unique(modelIndex.flatMap((r) => r.metrics.map((m) => m.type)));
  const widgetText = input.widgetText ?? (tag === 'summarization' ? DEFAULT_DIALOGUE : undefined);
  // The pipeline tag and the widget ask the Hub to run the model with transformers: only for a folder it can load.
  const servedTag = loadability.loadable ? tag : undefined;
  const widget: WidgetExample[] | undefined =
    widgetText !== undefined && servedTag !== undefined && TEXT_WIDGET_TASKS.has(servedTag)
      ? [
          {
            text: widgetText,
            ...(input.widgetText === undefined ? { example_title: 'Dialogue' } : {}),
            ...(input.widgetOutput !== undefined ? { output: { text: input.widgetOutput } } : {}),
          },
        ]
      : undefined;

  const metadata: ModelCardMetadata = {
    language: input.language ?? DEFAULT_LANGUAGE,
    license: input.license ?? DEFAULT_LICENSE,
    ...(loadability.loadable ? { library_name: 'transformers' } : {}),
    tags: unique(
      [input.job?.source === 'sagemaker' ? 'sagemaker' : undefined, modelFamily(config, baseModel), tag].filter(
        (t): t is string => t !== undefined && /^[a-z0-9][a-z0-9._-]*$/.test(t),
      ),
    ),
    ...(baseModel && isHubRepoId(baseModel, { namespace: 'optional' }) ? { base_model: baseModel } : {}),
    ...(datasetId ? { datasets: [datasetId] } : {}),
    ...(hubMetrics.length > 0 ? { metrics: hubMetrics } : {}),
    ...(servedTag ? { pipeline_tag: servedTag } : {}),
    ...(widget ? { widget } : {}),
    ...(modelIndex.length > 0 ? { 'model-index': [{ name: modelName, results: modelIndex }] } : {}),
  };

  const body = [
    `# ${escapeMarkdownText(modelName)}`,
    description({ baseModel, namedBase, descent, dataset, datasetId, datasetConfig, channels, job: input.job }),
    headline(modelIndex),
    modelSection(config, input.weights, loadability),
    trainingProcedure(input, entryPoint, trainerState),
    resultsSection(results),
    usageSection(servedTag, repoId ?? modelName, widgetText, repoId !== undefined, loadability, entryPoint),
  ].filter((s) => s !== '');

  const readme = `---\n${frontMatter(metadata)}---\n\n${body.join('\n\n')}\n`;
  return { readme, metadata, modelName, pipelineTag, results, problems: validateModelCardMetadata(metadata), descent, loadability };
}

/**
 * YAML for the front matter. YAML 1.1 rules, as PyYAML (the Hub's Python tooling) reads them, so
 * strings like `no`, `on` or `1_000` come out quoted; no line folding; no anchors. The guard
 * below cannot fire with the `yaml` package's output (multi-line strings are indented block
 * scalars); it is there so that no future option change can end the front matter early.
 */
function frontMatter(metadata: ModelCardMetadata): string {
  const text = stringify(metadata, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
  if (/^(---|\.\.\.)\s*$/m.test(text)) throw new Error('The model card metadata would end the front matter early.');
  return text;
}

function dedupeHeldOut(results: SplitResults[]): SplitResults[] {
  // `test` (transformers ≤ 4.5 scripts) and `predict` (later ones) are the same held-out split.
  const hasTest = results.some((r) => r.split === 'test');
  return results.filter((r) => !(r.split === 'predict' && hasTest));
}

function modelIndexResults(results: SplitResults[], tag: PipelineTag, datasetId: string, datasetConfig: string | undefined): ModelIndexResult[] {
  const out: ModelIndexResult[] = [];
  for (const r of results) {
    if (r.split === 'train') continue;
    const metrics = r.metrics.flatMap((m) => {
      const type = metricHubType(m.key);
      if (!type || typeof m.value !== 'number' || !Number.isFinite(m.value)) return [];
      return [{ type, value: modelIndexValue(m.value), name: `${SPLIT_LABEL[r.split]} ${metricLabel(m.key)}` }];
    });
    if (metrics.length === 0) continue;
    out.push({
      task: { type: tag, ...(TASK_NAMES[tag] ? { name: TASK_NAMES[tag] } : {}) },
      dataset: { type: datasetId, name: datasetId, ...(datasetConfig ? { config: datasetConfig } : {}), split: DATASET_SPLIT[r.split] },
      metrics,
    });
  }
  return out;
}

function chooseModelName(repoId: string | undefined, baseModel: string | undefined, dataset: string | undefined): string {
  if (repoId && isHubRepoId(repoId, { namespace: 'optional' })) return repoId.split('/').pop() ?? repoId;
  const base = baseModel ? baseModel.split(/[\\/]/).filter(Boolean).pop() : undefined;
  const data = dataset ? dataset.split('/').pop() : undefined;
  const name = [base, data]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return name === '' ? 'fine-tuned-model' : name.slice(0, 96);
}

/** config.json's `model_type` (bart, t5, pegasus) or else the base model name's first word. */
function modelFamily(config: Record<string, unknown> | undefined, baseModel: string | undefined): string | undefined {
  const type = stringValue(config?.model_type);
  if (type) return type.toLowerCase();
  const base = baseModel?.split(/[\\/]/).filter(Boolean).pop();
  return base?.split(/[-_]/)[0]?.toLowerCase();
}

interface DescriptionFacts {
  baseModel: string | undefined;
  namedBase: string | undefined;
  descent: Descent | undefined;
  dataset: string | undefined;
  datasetId: string | undefined;
  datasetConfig: string | undefined;
  channels: string[];
  job: ModelCardJob | undefined;
}

function description(f: DescriptionFacts): string {
  const what = f.baseModel ? `This model is a fine-tuned version of ${hubLink(f.baseModel, 'model')}` : 'This model was';
  let on = '';
  if (f.datasetId) on = `${f.baseModel ? '' : ' trained'} on the ${hubLink(f.datasetId, 'dataset')}${f.datasetConfig ? ` (${escapeMarkdownText(f.datasetConfig)})` : ''} dataset`;
  else if (f.channels.length > 0)
    on = `${f.baseModel ? '' : ' trained'} on the data of its input channels (${f.channels.map(escapeMarkdownText).join(', ')})${f.dataset ? `, which the hyperparameters call ${quotedName(f.dataset)}` : ''}`;
  else if (f.dataset) on = `${f.baseModel ? '' : ' trained'} on data the hyperparameters call ${quotedName(f.dataset)}`;
  const sentences = [on === '' && !f.baseModel ? 'This card describes the model from the files of its run.' : `${what}${on}.`];
  if (f.namedBase && !f.descent?.descends) {
    sentences.push(
      `The hyperparameters name ${quotedName(f.namedBase)} (model_name_or_path), but the saved model does not derive from it: ${escapeMarkdownText(f.descent?.reason ?? 'nothing shows it')}.`,
    );
  }
  const job = f.job;
  if (job?.source === 'sagemaker') sentences.push(`It was trained on Amazon SageMaker${job.huggingFaceImage ? ' with the Hugging Face Deep Learning Container' : ''}.`);
  else if (job?.source === 'local') {
    const hosts = job.local?.hosts ?? job.instanceCount;
    sentences.push(
      `It was trained locally, not on Amazon SageMaker: the local backend of SageMaker HF Trainer ran the job${isCount(hosts) && hosts > 1 ? `'s ${hosts} hosts as processes` : ''} on one machine under SageMaker's container contract.`,
    );
  }
  return sentences.join(' ');
}

/** What the saved files say the model is, when transformers cannot load it (its card cannot lean on a known architecture). */
function modelSection(config: Record<string, unknown> | undefined, weights: ModelCardInput['weights'], loadability: Loadability): string {
  if (loadability.loadable) return '';
  const facts: string[] = [];
  const architecture = Array.isArray(config?.architectures) ? stringValue(config.architectures[0]) : undefined;
  const modelType = stringValue(config?.model_type);
  const saved = transformersConfig(config);
  if (architecture || modelType) {
    facts.push(
      `- Architecture: ${[architecture ? escapeMarkdownText(architecture) : undefined, modelType ? `model_type ${escapeMarkdownText(modelType)}` : undefined].filter(Boolean).join(', ')}${saved ? '' : ' (config.json, not saved by transformers)'}`,
    );
  }
  const said = stringValue(config?.description);
  if (said) facts.push(`- config.json describes it as: ${escapeMarkdownText(said)}`);
  if (weights && isCount(weights.parameters)) facts.push(`- Parameters: ${weights.parameters.toLocaleString('en-US')} (counted in ${escapeMarkdownText(weights.file)})`);
  facts.push(`- transformers cannot load it: ${escapeMarkdownText(loadability.reason)}.`);
  return `## Model\n\n${facts.join('\n')}`;
}

function headline(modelIndex: ModelIndexResult[]): string {
  const first = modelIndex[0];
  if (!first) return '';
  const lines = first.metrics.map((m) => `- ${escapeMarkdownText(m.name ?? m.type)}: ${formatNumber(Number(m.value))}`);
  return `It achieves the following results on the ${escapeMarkdownText(first.dataset.split ?? 'evaluation')} split:\n\n${lines.join('\n')}`;
}

function trainingProcedure(input: ModelCardInput, entryPoint: string | undefined, trainerState: Record<string, unknown> | undefined): string {
  const job = input.job;
  const facts: string[] = [];
  if (job) {
    const kind = job.source === 'local' ? 'Local job' : 'Training job';
    if (job.name) facts.push(`- ${kind}: ${escapeMarkdownText(job.name)}${job.status ? ` (${escapeMarkdownText(job.status)})` : ''}`);
    else if (job.status) facts.push(`- Job status: ${escapeMarkdownText(job.status)}`);
    if (job.source === 'sagemaker') facts.push(`- Hardware: ${hardware(job)}`);
    else if (job.source === 'local') facts.push(`- Ran on: ${localMachine(job)}`);
    else facts.push(`- Requested in the job file (no job record shows what ran): ${hardware(job)}`);
    const distribution = distributionFact(job, input.hyperparameters);
    if (distribution) facts.push(`- Distribution: ${distribution}`);
    if (job.region && job.source === 'sagemaker') facts.push(`- Region: ${escapeMarkdownText(job.region)}`);
    const created = isoDate(job.createdAt);
    if (created) facts.push(`- Started: ${created}`);
    if (isCount(job.trainingTimeSeconds)) {
      const billable = isCount(job.billableSeconds) ? `; billable time ${formatDuration(job.billableSeconds)}` : '';
      facts.push(`- Training time: ${formatDuration(job.trainingTimeSeconds)}${billable}`);
    }
  }
  facts.push(...frameworkFacts(job, asRecord(input.files['config.json'])));
  if (entryPoint) facts.push(`- Entry point: ${escapeMarkdownText(entryPoint)}`);
  const steps = trainerState?.global_step;
  const epochs = trainerState?.epoch;
  if (isCount(steps)) facts.push(`- Steps: ${steps}${typeof epochs === 'number' && Number.isFinite(epochs) ? ` over ${formatNumber(epochs)} epochs` : ''}`);
  const best = trainerState?.best_metric;
  if (typeof best === 'number' && Number.isFinite(best)) {
    const checkpoint = stringValue(trainerState?.best_model_checkpoint);
    facts.push(`- Best metric: ${formatNumber(best)}${checkpoint ? ` at ${escapeMarkdownText(checkpoint)}` : ''}`);
  }

  const parts = ['## Training procedure'];
  if (facts.length > 0) parts.push(facts.join('\n'));
  const hp = hyperparameterRows(input.hyperparameters);
  if (hp.length > 0) parts.push(`### Hyperparameters\n\n${markdownTable(['Hyperparameter', 'Value'], hp)}`);
  const log = trainingLog(trainerState);
  if (log) parts.push(log);
  return parts.length > 1 ? parts.join('\n\n') : '';
}

const PACKAGE_NAMES: Readonly<Record<string, string>> = {
  transformers: 'Transformers',
  torch: 'PyTorch',
  tensorflow: 'TensorFlow',
  datasets: 'Datasets',
  accelerate: 'Accelerate',
  tokenizers: 'Tokenizers',
  safetensors: 'safetensors',
  evaluate: 'Evaluate',
};

/**
 * The versions the run used: a SageMaker job's from its image, a local job's from what the local
 * runner found installed in its interpreter, config.json's transformers_version (the library that
 * saved the model). A job file's versions are only what it asks for, and are said to be so.
 */
function frameworkFacts(job: ModelCardJob | undefined, config: Record<string, unknown> | undefined): string[] {
  const facts: string[] = [];
  const list = (pairs: Array<[string, string | undefined]>) =>
    pairs
      .filter((p): p is [string, string] => typeof p[1] === 'string' && p[1] !== '')
      .map(([n, v]) => `${n} ${escapeMarkdownText(v)}`)
      .join(', ');
  if (job?.source === 'local') {
    const local = job.local;
    if (local?.pythonVersion) facts.push(`- Python: ${escapeMarkdownText(local.pythonVersion)}${local.interpreter ? ` (${escapeMarkdownText(local.interpreter)})` : ''}`);
    if (local?.packages) {
      const found = list(Object.entries(local.packages).map(([k, v]) => [PACKAGE_NAMES[k] ?? k, v]));
      facts.push(found ? `- Frameworks installed in that interpreter: ${found}` : '- Frameworks: none (no PyTorch, TensorFlow or Transformers in that interpreter)');
    }
  } else if (job?.source === 'jobFile') {
    const asked = list([
      ['Transformers', job.transformersVersion],
      ['PyTorch', job.pytorchVersion],
    ]);
    if (asked) facts.push(`- Frameworks requested in the job file (no job record shows what ran): ${asked}`);
  } else if (job) {
    const image = list([
      ['Transformers', job.transformersVersion],
      ['PyTorch', job.pytorchVersion],
    ]);
    if (image) facts.push(`- Frameworks (the training image's): ${image}`);
  }
  const saved = transformersConfig(config);
  if (saved && !(job?.source === 'sagemaker' && job.transformersVersion === saved.version))
    facts.push(`- Saved with Transformers ${escapeMarkdownText(saved.version)} (config.json)`);
  return facts;
}

function localMachine(job: ModelCardJob): string {
  const l = job.local;
  const hosts = l?.hosts ?? job.instanceCount;
  const parts: string[] = [];
  if (isCount(hosts) && hosts > 0) parts.push(`${hosts} host${hosts === 1 ? '' : 's'} as processes on one machine`);
  if (l?.os) parts.push(escapeMarkdownText(l.os));
  if (l?.cpu || isCount(l?.cpus)) parts.push(`${isCount(l?.cpus) ? `${l.cpus} × ` : ''}${escapeMarkdownText(l?.cpu ?? 'CPU')}`);
  if (l && isCount(l.gpus)) parts.push(l.gpus === 0 ? 'no GPU' : `${l.gpus} GPU${l.gpus === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(', ') : 'this machine';
}

function hardware(job: ModelCardJob): string {
  // Candidates that ask for different counts: each with its own, so no candidate is said to run a count it does not.
  const choices = job.instanceChoices ?? [];
  if (new Set(choices.map((c) => c.count)).size > 1) return choices.map((c) => `${c.count} × ${escapeMarkdownText(c.instanceType)}`).join(' or ');
  const count = isCount(job.instanceCount) && job.instanceCount > 0 ? job.instanceCount : 1;
  const type = escapeMarkdownText(job.instanceType);
  const spec = describeInstanceType(job.instanceType);
  const gpus = findInstanceType(job.instanceType)?.acceleratorCount ?? 0;
  const total = gpus > 0 && count > 1 ? `, ${gpus * count} GPUs in all` : '';
  return `${count} × ${type}${spec ? ` (${escapeMarkdownText(spec)}${count > 1 ? ' each' : ''}${total})` : ''}`;
}

/** The distribution strategy, from the job file's `distribution` or the `sagemaker_*` hyperparameters the SDK adds. */
function distributionFact(job: ModelCardJob, hp: Record<string, unknown>): string | undefined {
  if (job.distribution !== undefined) return describeJobFileDistribution(job.distribution, job.instanceType);
  const sdkSet: Array<[string, PyValue]> = [];
  for (const [key, value] of Object.entries(hp)) {
    if (!isSdkHyperparameter(key)) continue;
    try {
      sdkSet.push([key, fromJsValue(value)]);
    } catch {
      // Not a JSON value: no strategy reads it.
    }
  }
  return describeDistribution(pyDict(sdkSet));
}

/** Sorted by name; the SDK's own `sagemaker_*` keys left out; secrets shown as (redacted). */
function hyperparameterRows(hp: Record<string, unknown>): string[][] {
  return Object.keys(hp)
    .filter((k) => !k.startsWith('sagemaker_'))
    .sort()
    .map((k) => [escapeTableCell(k), escapeTableCell(SECRET_NAME.test(k) ? '(redacted)' : hyperparameterText(hp[k]))]);
}

function hyperparameterText(value: unknown): string {
  let text: string;
  if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') text = value ? 'True' : 'False';
  else if (value === null || value === undefined) text = 'None';
  else text = JSON.stringify(value) ?? String(value);
  return secretValueKind(text) !== undefined ? '(redacted)' : text;
}

/** Evaluation rows of the log history, like the Trainer's own cards: the latest training loss beside each evaluation. */
function trainingLog(trainerState: Record<string, unknown> | undefined): string {
  const history = Array.isArray(trainerState?.log_history) ? trainerState.log_history : [];
  const columns: string[] = [];
  const rows: Array<{ loss: number | undefined; epoch: unknown; step: unknown; values: Record<string, unknown> }> = [];
  let lastLoss: number | undefined;
  for (const record of history) {
    const r = asRecord(record);
    if (!r || 'train_runtime' in r) continue;
    if (typeof r.loss === 'number') lastLoss = r.loss;
    const evalKeys = Object.keys(r).filter((k) => k.startsWith('eval_') && (k === 'eval_loss' || metricHubType(k.slice(5)) !== undefined));
    if (evalKeys.length === 0) continue;
    for (const k of evalKeys) if (!columns.includes(k)) columns.push(k);
    rows.push({ loss: lastLoss, epoch: r.epoch, step: r.step, values: r });
  }
  if (rows.length === 0) return '';
  columns.sort((a, b) => (a === 'eval_loss' ? -1 : b === 'eval_loss' ? 1 : 0));
  const MAX_ROWS = 50;
  const shown = rows.slice(-MAX_ROWS);
  const cell = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : v === undefined ? ' ' : escapeTableCell(String(v)));
  const table = markdownTable(
    ['Training loss', 'Epoch', 'Step', ...columns.map((c) => escapeTableCell(validationLabel(c.slice(5))))],
    shown.map((r) => [r.loss === undefined ? 'No log' : formatNumber(r.loss), cell(r.epoch), cell(r.step), ...columns.map((c) => cell(r.values[c]))]),
    ['right', 'right', 'right', ...columns.map(() => 'right' as const)],
  );
  const note = rows.length > MAX_ROWS ? `\n\nThe last ${MAX_ROWS} of ${rows.length} evaluations are shown.` : '';
  return `### Training log\n\nFrom trainer_state.json:\n\n${table}${note}`;
}

function resultsSection(results: SplitResults[]): string {
  if (results.length === 0) return '';
  const parts = ['## Results'];
  for (const r of results) {
    // The Trainer's memory tracker (`init_mem_cpu_alloc_delta`, …) measures the run, not the model.
    const rows = r.metrics.filter((m) => !/(^|_)mem_(cpu|gpu)_/.test(m.key)).map((m) => [escapeTableCell(metricLabel(m.key)), metricText(m.value)]);
    if (rows.length === 0) continue;
    parts.push(
      `### ${sectionTitle(r.split)}\n\nFrom ${escapeMarkdownText(r.file)} (${DATASET_SPLIT[r.split]} split):\n\n${markdownTable(['Metric', 'Value'], rows, ['left', 'right'])}`,
    );
  }
  return parts.length > 1 ? parts.join('\n\n') : '';
}

function sectionTitle(split: ResultSplit): string {
  return split === 'train' ? 'Training' : split === 'eval' ? 'Validation' : 'Test';
}

function metricText(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return escapeTableCell(value);
  if (typeof value === 'boolean') return String(value);
  return escapeTableCell(JSON.stringify(value) ?? String(value));
}

interface TaskSnippet {
  variable: string;
  inputVariable: string;
  defaultInput: string;
  call: (fn: string, input: string) => string;
}

const SNIPPETS: Partial<Record<PipelineTag, TaskSnippet>> = {
  summarization: { variable: 'summarizer', inputVariable: 'text', defaultInput: DEFAULT_DIALOGUE, call: (f, i) => `print(${f}(${i})[0]["summary_text"])` },
  translation: { variable: 'translator', inputVariable: 'text', defaultInput: 'The weather is nice today.', call: (f, i) => `print(${f}(${i})[0]["translation_text"])` },
  'text-generation': { variable: 'generator', inputVariable: 'prompt', defaultInput: 'Amazon SageMaker is', call: (f, i) => `print(${f}(${i})[0]["generated_text"])` },
  'text-classification': { variable: 'classifier', inputVariable: 'text', defaultInput: 'I really enjoyed this film.', call: (f, i) => `print(${f}(${i}))` },
  'token-classification': { variable: 'tagger', inputVariable: 'text', defaultInput: 'My name is Clara and I live in Berkeley.', call: (f, i) => `print(${f}(${i}))` },
};

/**
 * A snippet that runs as written: it calls the variable it assigned. Without a Hub id it loads the
 * model from the folder of that name (run it next to the folder, or put your repository id there).
 */
function usageSection(tag: PipelineTag | undefined, model: string, text: string | undefined, onHub: boolean, loadability: Loadability, entryPoint: string | undefined): string {
  if (!loadability.loadable) {
    const script = entryPoint ? ` (the entry point, ${escapeMarkdownText(entryPoint)}, shows how it reads and writes them)` : '';
    return `## Usage\n\nThese files are not a model transformers can load (${escapeMarkdownText(loadability.reason)}); load them with the code that wrote them${script}.`;
  }
  const where = onHub ? '' : `\n\nRun it next to the ${escapeMarkdownText(model)} folder, or replace the name with the model's Hub id once it is pushed.`;
  const snippet = tag ? SNIPPETS[tag] : undefined;
  let code: string;
  if (snippet) {
    const inputVar = tag === 'summarization' && text === DEFAULT_DIALOGUE ? 'conversation' : snippet.inputVariable;
    code = [
      'from transformers import pipeline',
      '',
      `${snippet.variable} = pipeline(${pythonString(tag ?? '')}, model=${pythonString(model)})`,
      '',
      `${inputVar} = ${pythonString(text ?? snippet.defaultInput, true)}`,
      snippet.call(snippet.variable, inputVar),
    ].join('\n');
  } else if (tag) {
    code = ['from transformers import pipeline', '', `pipe = pipeline(${pythonString(tag)}, model=${pythonString(model)})`].join('\n');
  } else {
    code = [
      'from transformers import AutoModel, AutoTokenizer',
      '',
      `tokenizer = AutoTokenizer.from_pretrained(${pythonString(model)})`,
      `model = AutoModel.from_pretrained(${pythonString(model)})`,
    ].join('\n');
  }
  return `## Usage${where}\n\n${codeBlock('python', code)}`;
}

// eslint-disable-next-line no-control-regex -- a control character rules out a """ block
const NOT_IN_A_BLOCK = /[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029]/;

/**
 * A Python string literal. Multi-line text reads best triple-quoted; anything a triple-quoted
 * literal would misread (backslashes, quotes at the end, `"""`, control characters) falls back to
 * a JSON string literal, which Python parses identically.
 */
function pythonString(text: string, preferBlock = false): string {
  const blockSafe = preferBlock && text.includes('\n') && !text.includes('"""') && !text.includes('\\') && !text.endsWith('"') && !NOT_IN_A_BLOCK.test(text);
  return blockSafe ? `"""${text}"""` : JSON.stringify(text).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function isoDate(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function stringValue(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
