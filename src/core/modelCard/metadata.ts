import { parseDocument } from 'yaml';
import { isHubRepoId } from '../hubRepoId';
import { isRecord } from '../isRecord';
import { isPipelineTag } from './pipelineTag';

/**
 * The model card metadata (README.md front matter) as the Hub specifies it: huggingface/hub-docs
 * `modelcard.md` (field list and model-index structure, which the Hub validates on push) and
 * `docs/hub/model-cards.md`, `docs/hub/models-widgets.md` (widget examples), at commit 242f4a1.
 */
export interface ModelIndexMetric {
  type: string;
  value: number | string;
  name?: string;
  config?: string;
  args?: Record<string, unknown>;
  verifyToken?: string;
}

export interface ModelIndexResult {
  task: { type: string; name?: string };
  dataset: { type: string; name: string; config?: string; split?: string; revision?: string; args?: Record<string, unknown> };
  metrics: ModelIndexMetric[];
  source?: { name?: string; url: string };
}

export interface WidgetExample {
  text?: string;
  src?: string;
  example_title?: string;
  output?: Record<string, unknown> | unknown[];
}

export interface ModelCardMetadata {
  language?: string | string[];
  license?: string;
  license_name?: string;
  license_link?: string;
  library_name?: string;
  tags?: string[];
  base_model?: string | string[];
  datasets?: string[];
  metrics?: string[];
  pipeline_tag?: string;
  widget?: WidgetExample[];
  'model-index'?: Array<{ name: string; results: ModelIndexResult[] }>;
  [key: string]: unknown;
}

/** License ids the Hub accepts (hub-docs `docs/hub/repositories-licenses.md`, commit 242f4a1). */
export const HUB_LICENSES: readonly string[] = [
  'apache-2.0',
  'mit',
  'openrail',
  'bigscience-openrail-m',
  'creativeml-openrail-m',
  'bigscience-bloom-rail-1.0',
  'bigcode-openrail-m',
  'afl-3.0',
  'artistic-2.0',
  'bsl-1.0',
  'bsd',
  'bsd-2-clause',
  'bsd-3-clause',
  'bsd-3-clause-clear',
  'c-uda',
  'cc',
  'cc0-1.0',
  'cc-by-2.0',
  'cc-by-2.5',
  'cc-by-3.0',
  'cc-by-4.0',
  'cc-by-sa-3.0',
  'cc-by-sa-4.0',
  'cc-by-nc-2.0',
  'cc-by-nc-3.0',
  'cc-by-nc-4.0',
  'cc-by-nd-4.0',
  'cc-by-nc-nd-3.0',
  'cc-by-nc-nd-4.0',
  'cc-by-nc-sa-2.0',
  'cc-by-nc-sa-3.0',
  'cc-by-nc-sa-4.0',
  'cdla-sharing-1.0',
  'cdla-permissive-1.0',
  'cdla-permissive-2.0',
  'wtfpl',
  'ecl-2.0',
  'epl-1.0',
  'epl-2.0',
  'etalab-2.0',
  'eupl-1.1',
  'eupl-1.2',
  'agpl-3.0',
  'gfdl',
  'gpl',
  'gpl-2.0',
  'gpl-3.0',
  'lgpl',
  'lgpl-2.1',
  'lgpl-3.0',
  'isc',
  'h-research',
  'intel-research',
  'lppl-1.3c',
  'ms-pl',
  'apple-ascl',
  'apple-amlr',
  'mpl-2.0',
  'odc-by',
  'odbl',
  'openmdw-1.0',
  'openmdw-1.1',
  'openrail++',
  'osl-3.0',
  'postgresql',
  'ofl-1.1',
  'ncsa',
  'unlicense',
  'zlib',
  'pddl',
  'lgpl-lr',
  'deepfloyd-if-license',
  'fair-noncommercial-research-license',
  'llama2',
  'llama3',
  'llama3.1',
  'llama3.2',
  'llama3.3',
  'llama4',
  'grok2-community',
  'gemma',
  'unknown',
  'other',
];

type Add = (path: string, message: string, severity?: 'error' | 'warning') => void;

export interface ModelCardProblem {
  /** error: the Hub rejects or misreads it; warning: accepted, but not what the field is for. */
  severity: 'error' | 'warning';
  /** Where, as `model-index[0].results[1].metrics[0].type`; '' for the whole front matter. */
  path: string;
  message: string;
}

/**
 * Checks front matter against the spec's structure: the required keys of model-index (task.type,
 * dataset.type, dataset.name, metrics[].type, metrics[].value), the types of the documented keys,
 * license ids, pipeline tags, Hub ids for base_model and datasets, widget examples. Unknown keys
 * are allowed (the Hub keeps them). Returns [] when the metadata would be accepted.
 */
export function validateModelCardMetadata(frontMatter: unknown): ModelCardProblem[] {
  const problems: ModelCardProblem[] = [];
  const add = (path: string, message: string, severity: 'error' | 'warning' = 'error') => problems.push({ severity, path, message });
  if (!isRecord(frontMatter)) {
    add('', 'The front matter must be a YAML mapping (key: value lines between two --- lines at the top of README.md).');
    return problems;
  }
  const m = frontMatter;

  if (m.language !== undefined) {
    const languages = typeof m.language === 'string' ? [m.language] : Array.isArray(m.language) ? m.language : undefined;
    if (!languages) add('language', 'language must be a language code or a list of them, e.g. en.');
    else
      languages.forEach((l, i) => {
        if (typeof l !== 'string' || !/^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/.test(l))
          add(Array.isArray(m.language) ? `language[${i}]` : 'language', `${show(l)} is not a language code (ISO 639-1 like en, or ISO 639-3 like eng).`);
      });
  }
  if (m.license !== undefined) {
    if (typeof m.license !== 'string' || !HUB_LICENSES.includes(m.license)) {
      add(
        'license',
        `${show(m.license)} is not a license id the Hub knows; use one from https://hf.co/docs/hub/repositories-licenses, or other with license_name and license_link.`,
      );
    } else if (m.license === 'other') {
      if (typeof m.license_name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(m.license_name))
        add('license_name', 'license: other needs license_name, an id like my-license-1.0.');
      if (typeof m.license_link !== 'string' || m.license_link === '') add('license_link', 'license: other needs license_link, a URL or a file in the repository such as LICENSE.');
    }
  }
  for (const key of ['library_name', 'pipeline_tag', 'license_name', 'license_link'] as const) {
    if (m[key] !== undefined && typeof m[key] !== 'string') add(key, `${key} must be a string.`);
  }
  if (typeof m.pipeline_tag === 'string' && !isPipelineTag(m.pipeline_tag))
    add('pipeline_tag', `${show(m.pipeline_tag)} is not a Hub pipeline tag (for summaries it is summarization).`);
  stringList(m, 'tags', add);
  stringList(m, 'metrics', add);
  if (stringList(m, 'datasets', add))
    (m.datasets as string[]).forEach((d, i) => isHubRepoId(d, { namespace: 'optional' }) || add(`datasets[${i}]`, `${show(d)} is not a Hub dataset id.`));
  if (m.base_model !== undefined) {
    const bases = typeof m.base_model === 'string' ? [m.base_model] : Array.isArray(m.base_model) ? m.base_model : undefined;
    if (!bases) add('base_model', 'base_model must be a model id or a list of them.');
    else
      bases.forEach(
        (b, i) =>
          (typeof b === 'string' && isHubRepoId(b, { namespace: 'optional' })) ||
          add(Array.isArray(m.base_model) ? `base_model[${i}]` : 'base_model', `${show(b)} is not a Hub model id (namespace/name).`),
      );
  }
  if (m.widget !== undefined) validateWidget(m.widget, add);
  if (m['model-index'] !== undefined) validateModelIndex(m['model-index'], add);
  return problems;
}

function validateWidget(widget: unknown, add: Add): void {
  if (!Array.isArray(widget)) return add('widget', 'widget must be a list of examples (- text: …).');
  widget.forEach((w, i) => {
    const at = `widget[${i}]`;
    if (!isRecord(w)) return add(at, 'A widget example must be a mapping with text (or src).');
    if (typeof w.text !== 'string' && typeof w.src !== 'string') add(at, 'A widget example needs text (or src for audio and images).');
    if (w.example_title !== undefined && typeof w.example_title !== 'string') add(`${at}.example_title`, 'example_title must be a string.');
    if (w.output !== undefined && !isRecord(w.output) && !Array.isArray(w.output)) add(`${at}.output`, 'output must be a mapping (e.g. text: …) or a list of labels.');
  });
}

function validateModelIndex(index: unknown, add: Add): void {
  if (!Array.isArray(index)) return add('model-index', 'model-index must be a list with one entry per model (- name: …).');
  index.forEach((model, i) => {
    const at = `model-index[${i}]`;
    if (!isRecord(model)) return add(at, 'Each model-index entry must be a mapping with name and results.');
    if (typeof model.name !== 'string' || model.name === '') add(`${at}.name`, 'model-index needs name, the model id.');
    if (!Array.isArray(model.results)) return add(`${at}.results`, 'model-index needs results, a list.');
    model.results.forEach((result, j) => {
      const r = `${at}.results[${j}]`;
      if (!isRecord(result)) return add(r, 'Each result must be a mapping with task, dataset and metrics.');
      if (!isRecord(result.task)) add(`${r}.task`, 'A result needs task with type.');
      else {
        requiredString(result.task, 'type', `${r}.task`, add);
        optionalString(result.task, 'name', `${r}.task`, add);
        if (typeof result.task.type === 'string' && result.task.type !== '' && !isPipelineTag(result.task.type)) {
          add(`${r}.task.type`, `${show(result.task.type)} is not a Hub task id; results are grouped by task ids such as summarization.`, 'warning');
        }
      }
      if (!isRecord(result.dataset)) add(`${r}.dataset`, 'A result needs dataset with type and name.');
      else {
        requiredString(result.dataset, 'type', `${r}.dataset`, add);
        requiredString(result.dataset, 'name', `${r}.dataset`, add);
        for (const k of ['config', 'split', 'revision']) optionalString(result.dataset, k, `${r}.dataset`, add);
        if (result.dataset.args !== undefined && !isRecord(result.dataset.args)) add(`${r}.dataset.args`, 'args must be a mapping.');
      }
      if (!Array.isArray(result.metrics) || result.metrics.length === 0) add(`${r}.metrics`, 'A result needs metrics, a non-empty list.');
      else
        result.metrics.forEach((metric, k) => {
          const mt = `${r}.metrics[${k}]`;
          if (!isRecord(metric)) return add(mt, 'Each metric must be a mapping with type and value.');
          requiredString(metric, 'type', mt, add);
          if (metric.value === undefined || metric.value === null) add(`${mt}.value`, 'A metric needs value.');
          else if (typeof metric.value === 'number' ? !Number.isFinite(metric.value) : typeof metric.value !== 'string')
            add(`${mt}.value`, 'value must be a finite number (or a string).');
          for (const key of ['name', 'config', 'verifyToken']) optionalString(metric, key, mt, add);
          if (metric.args !== undefined && !isRecord(metric.args) && typeof metric.args !== 'string') add(`${mt}.args`, 'args must be a mapping.');
        });
      if (result.source !== undefined) {
        if (!isRecord(result.source)) add(`${r}.source`, 'source must be a mapping with url.');
        else {
          requiredString(result.source, 'url', `${r}.source`, add);
          optionalString(result.source, 'name', `${r}.source`, add);
        }
      }
    });
  });
}

function requiredString(obj: Record<string, unknown>, key: string, at: string, add: Add): void {
  if (typeof obj[key] !== 'string' || obj[key] === '')
    add(
      `${at}.${key}`,
      `${at
        .replace(/\[\d+\]/g, '')
        .split('.')
        .pop()}.${key} is required and must be a non-empty string.`,
    );
}

function optionalString(obj: Record<string, unknown>, key: string, at: string, add: Add): void {
  if (obj[key] !== undefined && typeof obj[key] !== 'string') add(`${at}.${key}`, `${key} must be a string.`);
}

function stringList(m: Record<string, unknown>, key: string, add: Add): boolean {
  const v = m[key];
  if (v === undefined) return false;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    add(key, `${key} must be a list of strings.`);
    return false;
  }
  return true;
}

function show(v: unknown): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

export interface ReadModelCard {
  /** The parsed front matter, or undefined when there is none or it is not YAML. */
  metadata: unknown;
  /** The Markdown after the front matter. */
  body: string;
  problems: ModelCardProblem[];
}

/**
 * Splits a README.md into front matter and body the way the Hub reads it: the very first line is
 * `---`, the front matter ends at the next line that is exactly `---`. Then validates the
 * metadata. A README whose first line is not `---` (like the blog's, which starts with an empty
 * line) has no metadata at all, which is reported.
 */
export function readModelCardMetadata(readme: string): ReadModelCard {
  const text = readme.replace(/^\ufeff/, '');
  const lines = text.split(/\r?\n/);
  if (lines[0] !== '---') {
    return {
      metadata: undefined,
      body: text,
      problems: [{ severity: 'error', path: '', message: 'README.md has no front matter: its first line must be --- (nothing before it, not even an empty line).' }],
    };
  }
  const end = lines.indexOf('---', 1);
  if (end < 0)
    return { metadata: undefined, body: text, problems: [{ severity: 'error', path: '', message: 'The front matter is not closed: add a line with --- after the metadata.' }] };
  const yamlText = lines.slice(1, end).join('\n');
  const body = lines.slice(end + 1).join('\n');
  // YAML 1.1, as the Hub's Python tooling (PyYAML) reads it: `no` is false there, `on` is true.
  // logLevel 'error': a collection used as a key is the Hub's problem to refuse, not a warning for our stderr.
  const doc = parseDocument(yamlText, { version: '1.1', uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    return { metadata: undefined, body, problems: doc.errors.map((e) => ({ severity: 'error' as const, path: '', message: `The front matter is not valid YAML: ${e.message}` })) };
  }
  const metadata: unknown = doc.toJS({ maxAliasCount: 100 });
  return { metadata, body, problems: validateModelCardMetadata(metadata ?? {}) };
}
