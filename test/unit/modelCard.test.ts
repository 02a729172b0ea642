import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cardCommand } from '../../src/cli/cardCommand';
import type { CliIo } from '../../src/cli/cliError';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { codeBlock, escapeMarkdownText, escapeTableCell, hubLink } from '../../src/core/modelCard/markdown';
import { readModelCardMetadata, validateModelCardMetadata } from '../../src/core/modelCard/metadata';
import type { ModelCardMetadata } from '../../src/core/modelCard/metadata';
import { createModelCard, DEFAULT_DIALOGUE } from '../../src/core/modelCard/modelCard';
import type { ModelCardInput } from '../../src/core/modelCard/modelCard';
import { inferPipelineTag } from '../../src/core/modelCard/pipelineTag';
import { formatNumber, readSplitResults } from '../../src/core/modelCard/results';
import { isRunFile, parseRunFile } from '../../src/core/modelCard/runFiles';
import { modelCardJobFromDescription, modelCardJobFromSpec } from '../../src/core/modelCard/modelCardJob';
import type { JobDescriptionForCard } from '../../src/core/modelCard/modelCardJob';
import { trainingCurves } from '../../src/core/modelCard/trainingCurves';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/modelCard');
const BLOG_RUN = path.join(FIXTURES, 'blog-run');
const HOSTILE_RUN = path.join(FIXTURES, 'hostile-run');

function runFiles(dir: string): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const name of readdirSync(dir).filter(isRunFile)) files[name] = parseRunFile(readFileSync(path.join(dir, name), 'utf8'));
  return files;
}

const describeFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'blog-describe-training-job.json'), 'utf8')) as JobDescriptionForCard;

function blogInput(): ModelCardInput {
  const { job, hyperparameters } = modelCardJobFromDescription(describeFixture);
  // The fixture folder holds a tokenizer file and a (placeholder) weights file: transformers could load it.
  return { files: runFiles(BLOG_RUN), fileNames: readdirSync(BLOG_RUN), hyperparameters, job, repoId: 'philschmid/bart-large-cnn-samsum' };
}

/** The YAML between the first two `---` lines, parsed by a plain YAML parser (not our reader). */
function frontMatterOf(readme: string): unknown {
  assert.ok(readme.startsWith('---\n'), 'the front matter must start on line 1');
  const end = readme.indexOf('\n---\n', 3);
  assert.ok(end > 0, 'the front matter must be closed');
  return parseYaml(readme.slice(4, end + 1));
}

function outsideCode(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
}

function codeBlocks(markdown: string, language: string): string[] {
  return Array.from(markdown.matchAll(new RegExp(`^(\`{3,})${language}\\n([\\s\\S]*?)\\n\\1$`, 'gm')), (m) => m[2]!);
}

function unescapedPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') n++;
  }
  return n;
}

/** Every GFM table keeps the header's column count on every row. */
function assertTablesIntact(markdown: string): number {
  const lines = outsideCode(markdown).split('\n');
  let tables = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || (i > 0 && lines[i - 1]!.startsWith('|'))) continue;
    tables++;
    const columns = unescapedPipes(lines[i]!);
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) {
      assert.equal(unescapedPipes(lines[j]!), columns, `table row breaks its table: ${lines[j]}`);
      assert.ok(lines[j]!.endsWith('|'), `row must end with a pipe: ${lines[j]}`);
    }
  }
  return tables;
}

/** Names a Python snippet reads without defining or importing them (None when python3 is absent). */
function undefinedPythonNames(code: string): string[] | undefined {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : undefined;
  if (!python) return undefined;
  const check = [
    'import ast, builtins, json, sys',
    'tree = ast.parse(sys.stdin.read())',
    'defined = set(dir(builtins))',
    'for node in ast.walk(tree):',
    '    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store): defined.add(node.id)',
    '    if isinstance(node, (ast.Import, ast.ImportFrom)): defined.update(a.asname or a.name.split(".")[0] for a in node.names)',
    'used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}',
    'print(json.dumps(sorted(used - defined)))',
  ].join('\n');
  const result = spawnSync(python, ['-c', check], { input: code, encoding: 'utf8' });
  assert.equal(result.status, 0, `the snippet is not valid Python: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

describe('createModelCard: the blog run (bart-large-cnn on samsum, 2 × ml.p3dn.24xlarge)', () => {
  const card = createModelCard(blogInput());
  const meta = frontMatterOf(card.readme) as ModelCardMetadata;

  it('puts the front matter on line 1, and it parses back to the metadata and passes the spec checks', () => {
    assert.deepEqual(meta, card.metadata);
    assert.deepEqual(validateModelCardMetadata(meta), []);
    const read = readModelCardMetadata(card.readme);
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.metadata, card.metadata);
    assert.match(read.body, /^\n# bart-large-cnn-samsum\n/);
  });

  it('declares library, base model, dataset, license, language, tags and the pipeline tag', () => {
    assert.equal(meta.library_name, 'transformers');
    assert.equal(meta.base_model, 'facebook/bart-large-cnn');
    assert.deepEqual(meta.datasets, ['samsum']);
    assert.equal(meta.license, 'apache-2.0');
    assert.equal(meta.language, 'en');
    assert.deepEqual(meta.tags, ['sagemaker', 'bart', 'summarization']);
    assert.equal(meta.pipeline_tag, 'summarization');
    assert.equal(card.pipelineTag.rule, 'the metrics include ROUGE (eval_rouge1)');
    assert.deepEqual(meta.metrics, ['rouge']);
  });

  it('types model-index per the spec: summarization task, samsum dataset per split, rouge metrics as numbers', () => {
    const index = meta['model-index']!;
    assert.equal(index.length, 1);
    assert.equal(index[0]!.name, 'bart-large-cnn-samsum');
    const [validation, test] = index[0]!.results;
    assert.deepEqual(validation!.task, { type: 'summarization', name: 'Summarization' });
    assert.deepEqual(validation!.dataset, { type: 'samsum', name: 'samsum', split: 'validation' });
    assert.deepEqual(validation!.metrics, [
      { type: 'rouge', value: 42.621, name: 'Validation ROUGE-1' },
      { type: 'rouge', value: 21.9825, name: 'Validation ROUGE-2' },
      { type: 'rouge', value: 33.034, name: 'Validation ROUGE-L' },
      { type: 'rouge', value: 39.6783, name: 'Validation ROUGE-Lsum' },
    ]);
    assert.equal(test!.dataset.split, 'test');
    assert.deepEqual(
      test!.metrics.map((m) => [m.name, m.value]),
      [
        ['Test ROUGE-1', 41.3174],
        ['Test ROUGE-2', 20.8716],
        ['Test ROUGE-L', 32.1337],
        ['Test ROUGE-Lsum', 38.4149],
      ],
    );
    assert.equal(index[0]!.results.length, 2, 'train results are not evaluation results');
  });

  it('has the blog dialogue as widget example, with an example output when one is known', () => {
    assert.deepEqual(meta.widget, [{ text: DEFAULT_DIALOGUE, example_title: 'Dialogue' }]);
    const withOutput = createModelCard({ ...blogInput(), widgetOutput: 'Jeff wants to train a model on SageMaker.' });
    assert.deepEqual(withOutput.metadata.widget, [{ text: DEFAULT_DIALOGUE, example_title: 'Dialogue', output: { text: 'Jeff wants to train a model on SageMaker.' } }]);
    assert.deepEqual(withOutput.problems, []);
  });

  it('fixes each mistake of the blog card', () => {
    assert.doesNotMatch(card.readme, /ROGUE|rogue-|abstractive-text-summarization|nlp\(/);
    assert.doesNotMatch(card.readme, /A100/, 'p3dn.24xlarge has V100 GPUs');
    assert.match(card.readme, /2 × ml\.p3dn\.24xlarge \(8 × NVIDIA V100 32 GB, 96 vCPU, 768 GiB each, 16 GPUs in all\)/);
    assert.match(card.readme, /Distribution: SageMaker distributed data parallel \(smdistributed\.dataparallel\)/);
    assert.match(card.readme, /Frameworks \(the training image's\): Transformers 4\.4\.2, PyTorch 1\.6\.0/);
    assert.match(card.readme, /Training time: 24 min 40 s/);
  });

  it('has a usage snippet that is valid Python and calls the pipeline it assigned', () => {
    const [snippet] = codeBlocks(card.readme, 'python');
    assert.ok(snippet);
    assert.match(snippet, /^summarizer = pipeline\("summarization", model="philschmid\/bart-large-cnn-samsum"\)$/m);
    assert.match(snippet, /^print\(summarizer\(conversation\)\[0\]\["summary_text"\]\)$/m);
    const undefinedNames = undefinedPythonNames(snippet);
    if (undefinedNames) assert.deepEqual(undefinedNames, []);
  });

  it('the snippet check catches the blog snippet, which calls nlp after assigning summarizer', () => {
    const blog = 'from transformers import pipeline\nsummarizer = pipeline("summarization", model="philschmid/x")\nconversation = """Jeff: hi"""\nnlp(conversation)\n';
    const undefinedNames = undefinedPythonNames(blog);
    if (undefinedNames) assert.deepEqual(undefinedNames, ['nlp']);
  });

  it('tables: hyperparameters without the SDK keys, results per split with readable names and rounding', () => {
    assert.equal(assertTablesIntact(card.readme), 5);
    assert.match(card.readme, /\| learning_rate \| 5e-05 \|/);
    assert.match(card.readme, /\| fp16 \| True \|/);
    assert.doesNotMatch(card.readme, /sagemaker_program|sagemaker_submit_directory/);
    assert.match(card.readme, /### Validation\n\nFrom eval_results\.json \(validation split\):/);
    assert.match(card.readme, /### Test\n\nFrom test_results\.json \(test split\):/);
    assert.match(card.readme, /\| ROUGE-1 \| 42\.621 \|/);
    assert.match(card.readme, /\| Runtime \(s\) \| 1082\.15 \|/);
    assert.doesNotMatch(card.readme, /mem_cpu/);
    assert.match(card.readme, /\| 0\.8713 \| 3 \| 693 \| 1\.4164 \| 42\.621 \|/, 'the training log pairs each evaluation with the latest training loss');
  });

  it('is deterministic', () => {
    assert.equal(createModelCard(blogInput()).readme, card.readme);
  });
});

describe('createModelCard: hostile strings stay data', () => {
  const { job, hyperparameters } = modelCardJobFromDescription(JSON.parse(readFileSync(path.join(HOSTILE_RUN, 'job.json'), 'utf8')) as JobDescriptionForCard);
  const widgetText = 'line one\n---\n<script>alert(6)</script>\n```\n... |x|';
  // A loadable folder (config.json saved by transformers, weights, tokenizer), so that the widget and the snippet are written too.
  const config = { model_type: 'bart', architectures: ['BartForConditionalGeneration'], transformers_version: '4.4.2' };
  const card = createModelCard({
    files: { ...runFiles(HOSTILE_RUN), 'config.json': config },
    fileNames: ['config.json', 'pytorch_model.bin', 'tokenizer.json'],
    hyperparameters: { ...hyperparameters, dataset_config_name: 'cfg\n---\nx: y' },
    job,
    widgetText,
  });

  it('cannot end or extend the front matter', () => {
    const meta = frontMatterOf(card.readme) as ModelCardMetadata;
    assert.deepEqual(meta, card.metadata);
    assert.deepEqual(readModelCardMetadata(card.readme).metadata, card.metadata);
    assert.equal((meta.widget ?? [])[0]?.text, widgetText);
    assert.equal(Object.hasOwn(meta, 'evil'), false);
    assert.deepEqual(
      validateModelCardMetadata(meta).filter((p) => p.severity === 'error'),
      [],
    );
    // Outside code blocks, only our two delimiters are lines of their own.
    assert.equal(
      outsideCode(card.readme)
        .split('\n')
        .filter((l) => l === '---').length,
      2,
    );
  });

  it('keeps a dataset name that is not a Hub id out of the metadata', () => {
    assert.equal(card.metadata.datasets, undefined);
    assert.equal(card.metadata['model-index'], undefined);
  });

  it('cannot break a table, open HTML, a code span or maths outside code blocks', () => {
    assert.ok(assertTablesIntact(card.readme) >= 3);
    const text = outsideCode(card.readme.slice(card.readme.indexOf('\n---\n', 3) + 5));
    assert.doesNotMatch(text, /(^|[^\\])</, 'raw < outside code blocks');
    assert.doesNotMatch(text, /(^|[^\\])`/, 'raw backtick outside code blocks');
    assert.doesNotMatch(text, /(^|[^\\])\$/, 'raw $ outside code blocks');
    assert.doesNotMatch(text, /(^|[^\\])\[click/, 'a link from a metric name');
    const headings = text.split('\n').filter((l) => /^#/.test(l));
    assert.deepEqual(headings, ['# bart-large-cnn-samsum-evil-true', '## Training procedure', '### Hyperparameters', '## Results', '### Training', '### Validation', '## Usage']);
  });

  it('shows hostile metric names and values escaped, and NaN as NaN', () => {
    assert.match(card.readme, /\| \\<script\\>alert\(1\)\\<\/script\\> \| 1 \|/);
    assert.match(card.readme, /\| a\\\|b \| 2 \|/);
    assert.match(card.readme, /\| multi line \| 4 \|/);
    assert.match(card.readme, /\| Loss \| NaN \|/);
    assert.match(card.readme, /\| Runtime \(s\) \| Infinity \|/);
  });

  it('never prints a secret', () => {
    assert.doesNotMatch(card.readme, /hf_abcdefghij/);
    assert.match(card.readme, /\| hub_token \| \(redacted\) \|/);
  });

  it('keeps the widget text inside a code block the text cannot close, as valid Python', () => {
    const [snippet] = codeBlocks(card.readme, 'python');
    assert.ok(snippet?.includes('<script>alert(6)</script>'));
    const undefinedNames = undefinedPythonNames(snippet!);
    if (undefinedNames) assert.deepEqual(undefinedNames, []);
  });
});

describe('inferPipelineTag', () => {
  const cases: Array<[string, Parameters<typeof inferPipelineTag>[0], string | undefined]> = [
    ['ROUGE metrics', { metricKeys: ['eval_rouge1'] }, 'summarization'],
    ['ROUGE beats a classifier config', { metricKeys: ['predict_rougeL'], config: { architectures: ['BertForSequenceClassification'] } }, 'summarization'],
    ['BLEU metrics', { metricKeys: ['eval_bleu'] }, 'translation'],
    ['SacreBLEU metrics', { metricKeys: ['test_sacrebleu'] }, 'translation'],
    ['seqeval metrics', { metricKeys: ['eval_overall_f1'] }, 'token-classification'],
    ['SQuAD metrics', { metricKeys: ['eval_exact_match', 'eval_f1'] }, 'question-answering'],
    ['example script', { metricKeys: ['eval_accuracy'], entryPoint: 'examples/run_glue.py' }, 'text-classification'],
    ['accuracy/F1 of a classifier config', { metricKeys: ['eval_accuracy', 'eval_f1'], config: { architectures: ['DistilBertForSequenceClassification'] } }, 'text-classification'],
    ['accuracy without a config decides nothing', { metricKeys: ['eval_accuracy'] }, undefined],
    ['causal LM config', { metricKeys: [], config: { architectures: ['GPT2LMHeadModel'] } }, 'text-generation'],
    [
      'seq2seq from a published summarizer, no metrics',
      { metricKeys: [], config: { architectures: ['BartForConditionalGeneration'] }, baseModel: 'facebook/bart-large-cnn' },
      'summarization',
    ],
    [
      'seq2seq with only summarization params',
      { metricKeys: [], config: { architectures: ['PegasusForConditionalGeneration'], task_specific_params: { summarization: {} } } },
      'summarization',
    ],
    [
      'plain t5 decides nothing (text2text-generation is retired)',
      { metricKeys: [], config: { architectures: ['T5ForConditionalGeneration'], task_specific_params: { summarization: {}, translation_en_to_de: {} } }, baseModel: 't5-small' },
      undefined,
    ],
    ['a summarizer base without config', { metricKeys: [], baseModel: 'google/pegasus-xsum' }, 'summarization'],
    ['override', { metricKeys: ['eval_rouge1'], override: 'text-generation' }, 'text-generation'],
    ['an unknown override is ignored', { metricKeys: ['eval_rouge1'], override: 'abstractive-text-summarization' }, 'summarization'],
    ['a script named like an Object property', { metricKeys: [], entryPoint: 'constructor.py' }, undefined],
  ];
  for (const [name, evidence, tag] of cases) {
    it(name, () => assert.equal(inferPipelineTag(evidence).tag, tag));
  }
});

describe('validateModelCardMetadata', () => {
  const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(createModelCard(blogInput()).metadata)) as Record<string, unknown>;
  const paths = (m: unknown) => validateModelCardMetadata(m).map((p) => `${p.severity} ${p.path}`);

  it('names each structural problem of model-index', () => {
    const m = valid();
    const result = (m['model-index'] as Array<{ results: Array<Record<string, Record<string, unknown> | Array<Record<string, unknown>>>> }>)[0]!.results[0]!;
    delete (result.task as Record<string, unknown>).type;
    delete (result.dataset as Record<string, unknown>).name;
    (result.metrics as Array<Record<string, unknown>>)[0]!.value = undefined;
    (result.metrics as Array<Record<string, unknown>>)[1]!.value = Number.NaN;
    delete (result.metrics as Array<Record<string, unknown>>)[2]!.type;
    assert.deepEqual(paths(m), [
      'error model-index[0].results[0].task.type',
      'error model-index[0].results[0].dataset.name',
      'error model-index[0].results[0].metrics[0].value',
      'error model-index[0].results[0].metrics[1].value',
      'error model-index[0].results[0].metrics[2].type',
    ]);
  });

  it('flags the blog card values: a task type that is no Hub task, an unknown license, bad tags and languages', () => {
    const m = valid();
    (m['model-index'] as Array<{ results: Array<{ task: { type: string } }> }>)[0]!.results[0]!.task.type = 'abstractive-text-summarization';
    m.pipeline_tag = 'abstractive-text-summarization';
    m.license = 'apache2';
    m.language = ['english'];
    m.tags = 'sagemaker';
    m.base_model = 'facebook/bart large';
    assert.deepEqual(paths(m), ['error language[0]', 'error license', 'error pipeline_tag', 'error tags', 'error base_model', 'warning model-index[0].results[0].task.type']);
  });

  it('requires license_name and license_link with license: other', () => {
    assert.deepEqual(paths({ license: 'other' }), ['error license_name', 'error license_link']);
    assert.deepEqual(paths({ license: 'other', license_name: 'my-license-1.0', license_link: 'LICENSE' }), []);
  });

  it('reports a README whose front matter is not on line 1 (the blog template starts with an empty line)', () => {
    const read = readModelCardMetadata('\n---\nlanguage: en\n---\n\n# x\n');
    assert.equal(read.metadata, undefined);
    assert.match(read.problems[0]!.message, /first line must be ---/);
  });

  it('reads YAML as the Hub tooling does (YAML 1.1: no is false)', () => {
    const read = readModelCardMetadata('---\nlanguage: no\n---\n');
    assert.deepEqual(read.metadata, { language: false });
    assert.deepEqual(
      read.problems.map((p) => p.path),
      ['language[0]'].map(() => 'language'),
    );
  });

  it('takes a YAML 1.1 date for a value, not a mapping (before, it was taken for a mapping without text)', () => {
    const read = readModelCardMetadata('---\nwidget:\n  - 2024-01-01\n---\n');
    assert.ok((read.metadata as { widget: unknown[] }).widget[0] instanceof Date);
    assert.deepEqual(
      read.problems.map((p) => `${p.path}: ${p.message}`),
      ['widget[0]: A widget example must be a mapping with text (or src).'],
    );
  });

  it('quotes such strings when writing, so Norwegian stays Norwegian', () => {
    const card = createModelCard({ ...blogInput(), language: ['no', 'en'] });
    assert.match(card.readme, /language:\n {2}- "no"\n {2}- en\n/);
    assert.deepEqual(readModelCardMetadata(card.readme).metadata, card.metadata);
  });

  it('createModelCard reports an off-spec license it was given', () => {
    const card = createModelCard({ ...blogInput(), license: 'Apache 2' });
    assert.deepEqual(
      card.problems.map((p) => p.path),
      ['license'],
    );
  });
});

describe('trainingCurves', () => {
  const state = parseRunFile(readFileSync(path.join(BLOG_RUN, 'trainer_state.json'), 'utf8'));

  it('gives loss, eval_loss, learning rate, then the evaluation metrics, in step order', () => {
    const curves = trainingCurves(state);
    assert.deepEqual(
      curves.map((c) => c.key),
      ['loss', 'eval_loss', 'learning_rate', 'eval_gen_len', 'eval_rouge1', 'eval_rouge2', 'eval_rougeL', 'eval_rougeLsum'],
    );
    const loss = curves[0]!;
    assert.equal(loss.axis, 'loss');
    assert.deepEqual(
      loss.points.map((p) => p.step),
      [100, 200, 300, 400, 500, 600],
    );
    assert.deepEqual(loss.points[0], { step: 100, epoch: 0.43, value: 1.7021 });
    const rouge = curves.find((c) => c.key === 'eval_rouge1')!;
    assert.equal(rouge.label, 'Validation ROUGE-1');
    assert.equal(rouge.axis, 'metric');
    assert.deepEqual(rouge.points, [
      { step: 231, epoch: 1, value: 41.5536 },
      { step: 462, epoch: 2, value: 42.2134 },
      { step: 693, epoch: 3, value: 42.621 },
    ]);
    assert.equal(curves.find((c) => c.key === 'learning_rate')!.axis, 'learning-rate');
  });

  it('drops non-finite values and keeps the last value of a repeated step', () => {
    const curves = trainingCurves({ log_history: [{ step: 1, loss: 2 }, { step: 1, loss: 1.5 }, { step: 2, loss: Number.NaN }, { step: 3, loss: 1 }, { loss: 9 }] });
    assert.deepEqual(
      curves[0]!.points.map((p) => [p.step, p.value]),
      [
        [1, 1.5],
        [3, 1],
      ],
    );
  });

  it('returns nothing for a missing or malformed state', () => {
    assert.deepEqual(trainingCurves(undefined), []);
    assert.deepEqual(trainingCurves({ log_history: 'x' }), []);
  });
});

describe('job facts and run files', () => {
  it('reads the job facts from DescribeTrainingJob', () => {
    const { job, hyperparameters } = modelCardJobFromDescription(describeFixture);
    assert.deepEqual(job, {
      source: 'sagemaker',
      huggingFaceImage: true,
      name: 'huggingface-pytorch-training-2021-04-08-11-53-20-146',
      instanceType: 'ml.p3dn.24xlarge',
      instanceCount: 2,
      trainingTimeSeconds: 1480,
      billableSeconds: 1480,
      region: 'us-east-1',
      transformersVersion: '4.4.2',
      pytorchVersion: '1.6.0',
      status: 'Completed',
      createdAt: '2021-04-08T11:53:20.146Z',
      entryPoint: 'run_summarization.py',
    });
    assert.equal(hyperparameters.model_name_or_path, 'facebook/bart-large-cnn');
  });

  it('reads the job facts from a job file', () => {
    const spec = validateJobFile(readFileSync(path.join(FIXTURES, 'blog.sagemaker.yaml'), 'utf8')).spec!;
    const { job, hyperparameters } = modelCardJobFromSpec(spec);
    assert.equal(job.instanceCount, 2);
    assert.equal(job.distribution?.smdistributed?.dataparallel?.enabled, true);
    assert.equal(hyperparameters.learning_rate, 5e-5);
  });

  it('splits results by file, falling back to all_results.json, and reads Python JSON', () => {
    assert.deepEqual(parseRunFile('{"a": NaN, "b": -Infinity}'), { a: Number.NaN, b: -Infinity });
    const results = readSplitResults({ 'all_results.json': { eval_rouge1: 1, predict_rouge1: 2, train_loss: 3, epoch: 1 }, 'eval_results.json': { eval_rouge1: 4, epoch: 1 } });
    assert.deepEqual(
      results.map((r) => [r.split, r.file, r.metrics.map((m) => `${m.key}=${String(m.value)}`)]),
      [
        ['train', 'all_results.json', ['loss=3']],
        ['eval', 'eval_results.json', ['rouge1=4', 'epoch=1']],
        ['predict', 'all_results.json', ['rouge1=2']],
      ],
    );
  });

  it('formats numbers legibly', () => {
    assert.deepEqual([42.621345, 0.00005, 1082.1546, 0.123456, 3, 1e-7, Number.NaN].map(formatNumber), ['42.6213', '5e-5', '1082.15', '0.1235', '3', '1e-7', 'NaN']);
  });
});

describe('markdown escaping', () => {
  it('escapes what has meaning inline and keeps identifiers readable', () => {
    assert.equal(escapeMarkdownText('learning_rate'), 'learning_rate');
    assert.equal(escapeMarkdownText('_x_ *y* `z` <b> [a](b) $m$ a|b ~~s~~ &amp; #'), '\\_x\\_ \\*y\\* \\`z\\` \\<b\\> \\[a\\](b) \\$m\\$ a\\|b \\~\\~s\\~\\~ \\&amp; \\#');
    assert.equal(escapeTableCell('a\nb\r\nc'), 'a b c');
    assert.equal(escapeTableCell(''), ' ');
  });

  it('makes code fences longer than any backtick run inside', () => {
    assert.equal(codeBlock('python', 'x = "```"'), '````python\nx = "```"\n````');
    assert.equal(codeBlock('python', 'x = 1'), '```python\nx = 1\n```');
  });

  it('links Hub ids only (the rule is core/hubRepoId.ts, tested in hubRepoId.test.ts)', () => {
    assert.equal(hubLink('facebook/bart-large-cnn', 'model'), '[facebook/bart-large-cnn](https://huggingface.co/facebook/bart-large-cnn)');
    assert.equal(hubLink('samsum', 'dataset'), '[samsum](https://huggingface.co/datasets/samsum)');
    for (const id of ['a/b/c', 'x--y', '-x', 'a b', 'evil](javascript:x)', 'me/model.git']) assert.doesNotMatch(hubLink(id, 'model'), /\]\(https:/, id);
  });
});

describe('sagemaker-hf card', () => {
  const scratch: string[] = [];
  after(async () => {
    await Promise.all(scratch.map((d) => fs.rm(d, { recursive: true, force: true })));
  });
  async function scratchDir(prefix: string): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    scratch.push(dir);
    return dir;
  }

  function capture(cwd: string): CliIo & { out: string; err: string } {
    const io = { out: '', err: '', cwd, env: {}, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    return io;
  }

  async function copyOf(dir: string): Promise<string> {
    const copy = await scratchDir('card-test-');
    await fs.cp(dir, path.join(copy, 'model'), { recursive: true });
    return path.join(copy, 'model');
  }

  it('writes DIR/README.md from the run files and the job file, and will not replace it without --force', async () => {
    const dir = await copyOf(BLOG_RUN);
    const io = capture(dir);
    assert.equal(await cardCommand(['.', '--job-file', path.join(FIXTURES, 'blog.sagemaker.yaml')], io), 0, io.err);
    const readme = await fs.readFile(path.join(dir, 'README.md'), 'utf8');
    const meta = frontMatterOf(readme) as ModelCardMetadata;
    assert.equal(meta.pipeline_tag, 'summarization');
    assert.equal(meta.base_model, 'facebook/bart-large-cnn');
    assert.match(readme, /Distribution: SageMaker distributed data parallel/);
    assert.match(readme, /\| do_eval \| True \|/);
    assert.equal(await cardCommand(['.', '--job-file', path.join(FIXTURES, 'blog.sagemaker.yaml')], capture(dir)), 2);
    assert.equal(await cardCommand(['.', '--force'], capture(dir)), 0);
  });

  it('prints to stdout with --out -, using --job through DescribeTrainingJob', async () => {
    const io = capture(FIXTURES);
    const asked: string[] = [];
    const code = await cardCommand(['blog-run', '--job', 'huggingface-pytorch-training-2021-04-08-11-53-20-146', '--out', '-', '--repo-id', 'me/bart-samsum'], io, {
      describe: async (name) => {
        asked.push(name);
        return describeFixture;
      },
    });
    assert.equal(code, 0, io.err);
    assert.deepEqual(asked, ['huggingface-pytorch-training-2021-04-08-11-53-20-146']);
    assert.match(io.out, /^---\n/);
    assert.match(io.out, /model="me\/bart-samsum"/);
    assert.equal(existsSync(path.join(BLOG_RUN, 'README.md')), false);
  });

  it("uses a job.json in DIR (the local backend's record)", async () => {
    const io = capture(FIXTURES);
    assert.equal(await cardCommand(['hostile-run', '--out', '-'], io), 0, io.err);
    assert.match(io.err, /Using the job record .*job\.json/);
    assert.match(io.out, /Training time: 1 h 02 min/);
  });

  it('exits 1 and writes nothing when the metadata would be rejected', async () => {
    const dir = await copyOf(BLOG_RUN);
    const io = capture(dir);
    assert.equal(await cardCommand(['.', '--license', 'Apache 2'], io), 1);
    assert.match(io.err, /error: license:/);
    assert.equal(existsSync(path.join(dir, 'README.md')), false);
  });

  it('exits 2 on a folder without run files, or whose only run file is broken, saying why', async () => {
    const empty = await scratchDir('card-empty-');
    assert.equal(await cardCommand([empty], capture(empty)), 2);
    await fs.writeFile(path.join(empty, 'eval_results.json'), '{"eval_loss": 1.2');
    const io = capture(empty);
    assert.equal(await cardCommand([empty], io), 2);
    assert.match(io.err, /eval_results\.json is not valid JSON .*was the archive extracted completely\?/);
    assert.match(io.err, /sagemaker-hf extract model\.tar\.gz --to DIR/);
  });

  it('leaves out a broken run file beside good ones, as the Model Card panel does, and says so', async () => {
    const dir = await copyOf(BLOG_RUN);
    await fs.writeFile(path.join(dir, 'test_results.json'), '{"test_loss": 1.2');
    const io = capture(dir);
    assert.equal(await cardCommand(['.', '--out', '-'], io), 0, io.err);
    assert.match(io.err, /warning: left out test_results\.json: it is not valid JSON/);
    assert.match(io.out, /^---\n/);
  });

  it("refuses a pipeline tag the Hub does not know, such as the blog card's", async () => {
    await assert.rejects(cardCommand(['blog-run', '--pipeline-tag', 'abstractive-text-summarization', '--out', '-'], capture(FIXTURES)), /not a Hub pipeline tag/);
  });
});
