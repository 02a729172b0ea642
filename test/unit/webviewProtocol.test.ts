// The Model Card panel's boundary, in plain node: the message guards both sides rely on, the HTML and its
// Content-Security-Policy, and the card content the host builds from a model folder with hostile strings
// in every field (test/fixtures/modelCardWorkspace).

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ModelFolderError, readJobRecord, readModelFolder } from '../../src/artifacts/modelFolder';
import { repoIdProblem } from '../../src/core/hubRepoId';
import { inertRawHtml } from '../../src/webview/app/inertHtml';
import { createNonce, webviewCsp, webviewHtml } from '../../src/webview/host/webviewHtml';
import {
  MAX_CURVE_POINTS,
  buildCardContent,
  cardJobFromDescription,
  defaultRepoName,
  frontMatterFields,
  generateCard,
  isReadmeStale,
  storableJobDescription,
} from '../../src/webview/host/modelFolderCard';
import { applyPushProgress, newPushStatus } from '../../src/webview/host/pushStatus';
import { MAX_INFERENCE_TEXT, isHostMessage, isModelCardViewState, isViewMessage } from '../../src/webview/protocol';
import type { CardContent, HostMessage, ViewMessage } from '../../src/webview/protocol';
import { REPO_ROOT } from './repoRoot';
import { compareRuns, runComparisonJson } from '../../src/core/jobs/runComparison';
import type { RunInput } from '../../src/core/jobs/runComparison';
import { localJobCost } from '../../src/core/cost/jobCost';
import { isCompareHostMessage, isCompareViewMessage, isCompareViewState } from '../../src/webview/compareProtocol';
import type { CompareHostMessage, WireComparison } from '../../src/webview/compareProtocol';
import { CompareRunsView, jobsToCompare } from '../../src/webview/host/compareRunsView';
import { clickedRowOnly } from '../../src/views/treeSelection';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/modelCardWorkspace');
const HOSTILE_RUN = path.join(FIXTURES, 'hostile-run');
const HOSTILE_README = path.join(FIXTURES, 'hostile-readme');
const SCRIPT = '<script>alert("xss-script")</script>';
const IMG = '<img src=x onerror=alert("xss-img")>';

/** A card as the host sends it: built from the hostile fixture, not written by hand. */
async function hostileCard(): Promise<CardContent> {
  const run = await readModelFolder(HOSTILE_RUN);
  const cardJob = cardJobFromDescription((await readJobRecord(HOSTILE_RUN))?.description);
  return buildCardContent({ run, cardJob, readmeText: generateCard(run, cardJob).readme, readmeSource: 'generated' });
}

describe('webview protocol: messages from the view', () => {
  const valid: ViewMessage[] = [
    { type: 'ready' },
    { type: 'refresh' },
    { type: 'edit' },
    { type: 'generate' },
    { type: 'push', request: { namespace: 'alice', name: 'bart-large-cnn-samsum', private: true, commitMessage: 'Upload' } },
    { type: 'cancelPush' },
    { type: 'setToken' },
    { type: 'infer', request: { model: 'alice/bart-large-cnn-samsum', text: 'Jeff: hi' } },
    { type: 'cancelInference' },
    { type: 'configureEndpoint' },
  ];

  it('accepts every message the view may send, as it arrives (after a JSON round trip)', () => {
    for (const m of valid) assert.equal(isViewMessage(JSON.parse(JSON.stringify(m))), true, m.type);
  });

  it('rejects anything else: no object, unknown or inherited types, missing or mistyped fields, oversized text', () => {
    const push = valid[4] as Extract<ViewMessage, { type: 'push' }>;
    const malformed: unknown[] = [
      undefined,
      null,
      'ready',
      42,
      ['ready'],
      {},
      { type: 'nope' },
      { type: 'toString' },
      { type: '__proto__' },
      { type: 'constructor' },
      { type: 'push' },
      { type: 'push', request: null },
      { type: 'push', request: { ...push.request, private: 'yes' } },
      { type: 'push', request: { ...push.request, namespace: 7 } },
      { type: 'push', request: { namespace: 'alice', name: 'x', private: false } },
      { type: 'push', request: { ...push.request, name: 'n'.repeat(97) } },
      { type: 'infer', request: { model: 'alice/m' } },
      { type: 'infer', request: { model: 'alice/m', text: 'x'.repeat(MAX_INFERENCE_TEXT + 1) } },
      { type: 'infer', request: ['alice/m', 'text'] },
      // A host message is not a view message.
      { type: 'tokenStatus', status: { set: false } },
    ];
    for (const m of malformed) assert.equal(isViewMessage(m), false, JSON.stringify(m) ?? String(m));
  });
});

describe('webview protocol: messages from the host', () => {
  it('accepts the card the host builds from a hostile folder, and the other host messages', async () => {
    const card = await hostileCard();
    const status = newPushStatus('alice/model');
    const messages: HostMessage[] = [
      { type: 'card', card },
      { type: 'cardError', folder: '/models/x', message: 'Cannot read the model folder' },
      { type: 'tokenStatus', status: { set: true, source: 'HF_TOKEN', account: 'alice' } },
      { type: 'tokenStatus', status: { set: false } },
      { type: 'pushDefaults', defaults: { name: 'bart-large-cnn-samsum', namespaces: ['alice', 'acme'], private: true, commitMessage: 'Upload', pushedRepo: 'alice/x' } },
      { type: 'pushProgress', status },
      {
        type: 'pushResult',
        result: {
          repo: 'alice/m',
          repoUrl: 'https://huggingface.co/alice/m',
          commitUrl: 'https://huggingface.co/alice/m/commit/abc',
          created: true,
          files: 5,
          skipped: ['checkpoint-500/'],
        },
      },
      { type: 'pushError', error: { code: 'hub.tokenMissing', message: 'No token', offerSetToken: true } },
      { type: 'inferenceRunning', model: 'alice/m' },
      { type: 'inferenceResult', result: { model: 'alice/m', summary: 'Jeff asks.', latencyMs: 120, via: 'auto' } },
      { type: 'inferenceError', error: { model: 'alice/m', code: 'hub.notDeployed', message: 'No provider', alternatives: ['an endpoint'] } },
    ];
    for (const m of messages) assert.equal(isHostMessage(JSON.parse(JSON.stringify(m))), true, m.type);
  });

  it('rejects host messages with missing or mistyped fields', async () => {
    const card = await hostileCard();
    const { markdown: _omitted, ...withoutMarkdown } = card;
    const malformed: unknown[] = [
      { type: 'card' },
      { type: 'card', card: withoutMarkdown },
      { type: 'card', card: { ...card, readmeSource: 'network' } },
      { type: 'card', card: { ...card, curves: [{ key: 'loss', label: 'Loss', axis: 'loss', points: [{ step: 'one', value: 1 }] }] } },
      { type: 'card', card: { ...card, curves: [{ key: 'loss', label: 'Loss', axis: 'log', points: [] }] } },
      { type: 'card', card: { ...card, results: [{ split: 'eval', title: 'Validation', file: 'x', rows: [{ metric: 'a', value: 1 }] }] } },
      { type: 'pushProgress', status: { ...newPushStatus('a/b'), phases: { preuploading: 'done' } } },
      { type: 'inferenceError', error: { model: 'm', code: 'c', message: 'm' } },
      { type: 'ready' },
    ];
    for (const m of malformed) assert.equal(isHostMessage(m), false, JSON.stringify(m).slice(0, 120));
  });
});

describe('webview protocol: saved view state', () => {
  it('restores only state this version wrote, with a folder', () => {
    assert.equal(isModelCardViewState({ version: 1, folder: '/models/job' }), true);
    assert.equal(
      isModelCardViewState({ version: 1, folder: '/m', push: { namespace: 'a', name: 'b', private: false, commitMessage: '' }, inference: { model: 'a/b', text: 't' } }),
      true,
    );
    for (const bad of [undefined, null, {}, { version: 2, folder: '/m' }, { version: 1 }, { version: 1, folder: '' }, { version: 1, folder: '/m', push: { namespace: 'a' } }]) {
      assert.equal(isModelCardViewState(bad), false, JSON.stringify(bad));
    }
  });
});

describe('Model Card HTML', () => {
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
  const nonce = createNonce();
  const html = webviewHtml({
    appTestId: 'model-card-app',
    cspSource,
    nonce,
    scriptUri: `${cspSource}/ext/dist/webview/modelCard.js`,
    styleUri: `${cspSource}/ext/media/webview/modelCard.css`,
    title: 'Model Card: <script>alert(1)</script>',
  });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
  const directives = new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );

  it('declares a Content-Security-Policy in the head, before any script', () => {
    assert.ok(csp, 'no CSP meta element');
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'));
  });

  it('allows scripts only by this nonce, and no inline code, eval or network', () => {
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(directives.get('style-src'), [cspSource]);
    assert.deepEqual(directives.get('img-src'), [cspSource, 'data:']);
    assert.deepEqual(directives.get('font-src'), [cspSource]);
    assert.deepEqual(directives.get('connect-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('form-action'), ["'none'"]);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval|unsafe-hashes|\*|http:/);
  });

  it('loads exactly one script, from the extension, with the nonce, and nothing inline', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]![1]!, new RegExp(`nonce="${nonce.replace(/[+/]/g, '\\$&')}"`));
    assert.match(scripts[0]![1]!, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/modelCard\.js"/);
    assert.equal(scripts[0]![2], '');
    assert.doesNotMatch(html, /\sstyle=|<style/);
  });

  it('escapes the title', () => {
    assert.doesNotMatch(html, /<title>[^<]*<script>/);
    assert.match(html, /<title>Model Card: &#60;script&#62;/);
  });

  it('makes a fresh 128-bit nonce every time', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 16);
    assert.equal(webviewCsp('x', 'abc').includes("'nonce-abc'"), true);
  });
});

describe('Model Card content from a model folder', () => {
  let tmp: string;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'model-card-'));
  });
  after(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('reads the run files and the job record; a folder without them is refused with the reason', async () => {
    const run = await readModelFolder(HOSTILE_RUN);
    assert.deepEqual(Object.keys(run.files).sort(), ['config.json', 'eval_results.json', 'test_results.json', 'train_results.json', 'trainer_state.json']);
    assert.equal(run.readme, undefined);
    assert.equal((await readJobRecord(HOSTILE_RUN))?.description.TrainingJobName, 'hostile-run-2024');
    const empty = await fs.mkdtemp(path.join(tmp, 'empty-'));
    await assert.rejects(readModelFolder(empty), (e: unknown) => e instanceof ModelFolderError && e.code === 'modelCard.notAModelFolder');
    await assert.rejects(
      readModelFolder(path.join(tmp, 'missing')),
      (e: unknown) => e instanceof ModelFolderError && e.code === 'modelCard.folderUnreadable' && /ENOENT/.test(e.message),
    );
  });

  it('keeps hostile run strings as plain text for the view (never pre-escaped HTML, which would show as &lt;)', async () => {
    const card = await hostileCard();
    const labels = card.results.flatMap((t) => t.rows.map((r) => r.metric));
    assert.ok(labels.includes(SCRIPT), labels.join(' | '));
    assert.ok(labels.includes(IMG));
    assert.ok(
      card.curves.some((c) => c.label === `Validation ${SCRIPT}`),
      card.curves.map((c) => c.label).join(' | '),
    );
    assert.ok(!JSON.stringify(card).includes('&lt;'));
    assert.equal(card.jobName, 'hostile-run-2024');
    // Each split's table under its own title, the training split's too.
    assert.deepEqual(
      card.results.map((t) => [t.split, t.title, t.file]),
      [
        ['train', 'Training', 'train_results.json'],
        ['eval', 'Validation', 'eval_results.json'],
        ['test', 'Test', 'test_results.json'],
      ],
    );
  });

  it('generates README.md whose Markdown quotes hostile strings escaped, and never the hub token', async () => {
    const run = await readModelFolder(HOSTILE_RUN);
    const readme = generateCard(run, cardJobFromDescription((await readJobRecord(HOSTILE_RUN))?.description)).readme;
    const prose = readme.replace(/^(`{3,})[\s\S]*?^\1/gm, '');
    assert.doesNotMatch(prose, /(?<!\\)<(script|img)/i);
    assert.doesNotMatch(prose, /(?<!\\)\]\(javascript:/i);
    assert.doesNotMatch(readme, /hf_a{34}/);
  });

  it('curves: loss, learning rate and metrics from trainer_state.json, thinned to a bounded size', async () => {
    const card = await hostileCard();
    assert.deepEqual(
      card.curves.slice(0, 3).map((c) => c.key),
      ['loss', 'eval_loss', 'learning_rate'],
    );
    assert.deepEqual(
      card.curves.find((c) => c.key === 'eval_loss')?.points.map((p) => p.step),
      [460, 920, 1380],
    );
    const long = { log_history: Array.from({ length: 5000 }, (_, i) => ({ loss: 1 / (i + 1), step: i + 1 })) };
    const thinned = buildCardContent({
      run: { folder: tmp, files: { 'trainer_state.json': long }, unreadable: [], newestRunFileMs: 0, fileNames: ['trainer_state.json'] },
      cardJob: undefined,
      readmeText: '---\n---\n',
      readmeSource: 'file',
    });
    const loss = thinned.curves.find((c) => c.key === 'loss');
    assert.equal(loss?.points.length, MAX_CURVE_POINTS);
    assert.equal(loss?.points.at(-1)?.step, 5000);
  });

  it('shows the README front matter as text, its widget example, and whether README.md is older than the run', async () => {
    const folder = path.join(tmp, 'readme');
    await fs.cp(HOSTILE_README, folder, { recursive: true });
    const old = new Date('2024-01-01T00:00:00Z');
    await fs.utimes(path.join(folder, 'README.md'), old, old);
    const run = await readModelFolder(folder);
    assert.equal(isReadmeStale(run), true);
    const card = buildCardContent({ run, cardJob: undefined, readmeText: run.readme!.text, readmeSource: 'file' });
    assert.equal(card.stale, true);
    assert.deepEqual(
      card.frontMatter.map((f) => f.key),
      ['language', 'license', 'library_name', 'tags', 'base_model', 'datasets', 'pipeline_tag', 'widget', 'model-index'],
    );
    assert.equal(card.frontMatter.find((f) => f.key === 'tags')?.value, "sagemaker, <script>alert('xss-tag')</script>");
    assert.match(
      card.frontMatter.find((f) => f.key === 'model-index')?.value ?? '',
      /^summarization on samsum <script>alert\('xss-dataset'\)<\/script> \(validation\): Validation ROUGE-1/,
    );
    assert.match(card.widgetText ?? '', /^Jeff: <img src=x onerror=alert\('xss-widget'\)> Can I train/);
    assert.equal(card.title, "bart-<img src=x onerror=alert('xss-name')>");
    assert.ok(card.markdown.startsWith('\n# Hostile card'), 'the body without its front matter');

    await fs.utimes(path.join(folder, 'README.md'), new Date(), new Date(Date.now() + 60_000));
    assert.equal(isReadmeStale(await readModelFolder(folder)), false);
  });

  it('summarizes front matter values of every shape', () => {
    assert.deepEqual(frontMatterFields({ a: 1.5, b: [1, 'x'], c: { d: 1 }, widget: [{}, {}], e: null }), [
      { key: 'a', value: '1.5' },
      { key: 'b', value: '1, x' },
      { key: 'c', value: '{"d":1}' },
      { key: 'widget', value: '2 examples' },
      { key: 'e', value: 'null' },
    ]);
    assert.deepEqual(frontMatterFields('not a mapping'), []);
  });

  it('names the repository {base-model-name}-{dataset} from the job, else the README, else config.json, else the folder', () => {
    const job = cardJobFromDescription({ HyperParameters: { model_name_or_path: '"facebook/bart-large-cnn"', dataset_name: '"samsum"' } });
    assert.equal(defaultRepoName({ folder: '/m/x', cardJob: job, files: {} }), 'bart-large-cnn-samsum');
    assert.equal(
      defaultRepoName({ folder: '/m/x', cardJob: undefined, files: {}, readmeText: '---\nbase_model: google/pegasus-large\ndatasets:\n- cnn_dailymail\n---\n' }),
      'pegasus-large-cnn_dailymail',
    );
    assert.equal(defaultRepoName({ folder: '/m/x', cardJob: undefined, files: { 'config.json': { _name_or_path: 't5-small' } } }), 't5-small');
    assert.equal(defaultRepoName({ folder: '/models/my job (1)', cardJob: undefined, files: {} }), 'my-job-1');
    assert.equal(
      repoIdProblem(
        'alice',
        defaultRepoName({
          folder: '/m/x',
          cardJob: cardJobFromDescription(JSON.parse(JSON.stringify({ HyperParameters: { dataset_name: JSON.stringify(`a${SCRIPT}`) } }))),
          files: {},
        }),
      ),
      undefined,
    );
  });

  it('keeps no credential when it stores a job description', () => {
    const stored = storableJobDescription({
      TrainingJobName: 'j',
      CreationTime: new Date('2024-05-01T10:00:00Z'),
      HyperParameters: { hub_token: '"hf_abcdefghijklmnopqrstuvwxyz0123456789"', note: '"uses hf_abcdefghijklmnopqrstuvwx"', aws_secret_access_key: '"x"', epochs: '3' },
      ResourceConfig: { InstanceType: 'ml.p3dn.24xlarge', InstanceCount: 2 },
    });
    assert.deepEqual(stored.HyperParameters, { hub_token: '"(redacted)"', note: '"(redacted)"', aws_secret_access_key: '"(redacted)"', epochs: '3' });
    assert.equal(stored.CreationTime, '2024-05-01T10:00:00.000Z');
    assert.doesNotMatch(JSON.stringify(stored), /hf_[a-z]/);
  });
});

describe('push progress as the panel shows it', () => {
  it('folds phases and per-file progress into one status', () => {
    const status = newPushStatus('alice/m');
    applyPushProgress(status, { kind: 'listed', files: 3, bytes: 12_000_000, skipped: ['checkpoint-500/'] });
    applyPushProgress(status, { kind: 'repo', repo: 'alice/m', repoUrl: 'https://hub/alice/m', created: true });
    applyPushProgress(status, { kind: 'phase', phase: 'preuploading' });
    assert.deepEqual(status.phases, { preuploading: 'active', uploadingLargeFiles: 'pending', committing: 'pending' });
    applyPushProgress(status, { kind: 'file', path: 'model.safetensors', state: 'hashing', progress: 0.5 });
    applyPushProgress(status, { kind: 'phase', phase: 'uploadingLargeFiles' });
    const line = applyPushProgress(status, { kind: 'retry', path: 'model.safetensors', attempt: 2, attempts: 4, reason: 'HTTP 503', delayMs: 1000 });
    assert.equal(line, 'HTTP 503 while uploading model.safetensors: trying again (attempt 2 of 4 after HTTP 503)');
    applyPushProgress(status, { kind: 'file', path: 'model.safetensors', state: 'uploading', progress: 1 });
    assert.deepEqual(status.files, [{ path: 'model.safetensors', state: 'uploading', progress: 1, retry: 'attempt 2 of 4 after HTTP 503' }]);
    assert.ok(isHostMessage({ type: 'pushProgress', status }), 'the view accepts a status with a retry note');
    // No large files: the client goes straight from preuploading to committing.
    const small = newPushStatus('alice/s');
    applyPushProgress(small, { kind: 'phase', phase: 'committing' });
    assert.deepEqual(small.phases, { preuploading: 'done', uploadingLargeFiles: 'done', committing: 'active' });
    applyPushProgress(status, { kind: 'committed', commitOid: 'abc', commitUrl: 'https://hub/alice/m/commit/abc' });
    assert.deepEqual(status.phases, { preuploading: 'done', uploadingLargeFiles: 'done', committing: 'done' });
    assert.equal(status.repoUrl, 'https://hub/alice/m');
    assert.deepEqual(status.listed, { files: 3, bytes: 12_000_000, skipped: ['checkpoint-500/'] });
    assert.equal(isHostMessage({ type: 'pushProgress', status }), true);
  });
});

describe('raw HTML inside the README', () => {
  // What the browser's parser will see. Chromium reports a CSP violation for an inline handler, a style
  // attribute or a <base> even in an inert document, so none may reach it.
  const tags = (html: string) => [...html.matchAll(/<[^>]*>/g)].map((m) => m[0]);

  it('shows hostile markup as text: no element with an attribute other than a plain http(s) href survives', async () => {
    const readme = await fs.readFile(path.join(HOSTILE_README, 'README.md'), 'utf8');
    const out = inertRawHtml(readme);
    for (const tag of tags(out)) assert.match(tag, /^<\/?[a-z0-9]+>$|^<a href="https?:\/\/[^"\s]+">$/, tag);
    assert.match(out, /&lt;script&gt;alert\(&quot;xss-script&quot;\)&lt;\/script&gt;/);
    assert.match(out, /&lt;img src=x onerror=alert\(&quot;xss-img&quot;\)&gt;/);
    assert.match(out, /&lt;base href=&quot;https:\/\/evil\.example\/&quot;&gt;/);
  });

  it('keeps layout tags without their attributes, and plain links', () => {
    assert.equal(inertRawHtml('<details open ontoggle="alert(1)"><summary>More</summary>text</details>'), '<details><summary>More</summary>text</details>');
    assert.equal(inertRawHtml('<p align="center" style="x">centred</p><br/>'), '<p>centred</p><br>');
    assert.equal(inertRawHtml('<a href="https://huggingface.co/x?a=1&b=2">x</a>'), '<a href="https://huggingface.co/x?a=1&amp;b=2">x</a>');
    assert.equal(inertRawHtml('<a href="javascript:alert(1)">x</a>'), '&lt;a href=&quot;javascript:alert(1)&quot;&gt;x</a>');
    assert.equal(inertRawHtml('<a href="https://x" onclick="alert(1)">x</a>'), '&lt;a href=&quot;https://x&quot; onclick=&quot;alert(1)&quot;&gt;x</a>');
    assert.equal(inertRawHtml('<!-- note --><scr<script>ipt>'), '&lt;!-- note --&gt;&lt;scr&lt;script&gt;ipt&gt;');
  });
});

// ── Compare Runs ──────────────────────────────────────────────────────────────

function compareInput(name: string, lr: string, loss: number): RunInput {
  const start = Date.parse('2026-12-07T10:00:00Z');
  return {
    origin: 'local',
    description: {
      TrainingJobName: name,
      TrainingJobStatus: 'Completed',
      TrainingStartTime: new Date(start),
      HyperParameters: { learning_rate: lr, note: '"<img src=x onerror=alert(1)>"' },
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1 },
    },
    cost: localJobCost(name),
    series: [
      {
        name: 'loss',
        host: 'algo-1',
        source: 'log',
        unit: 'None',
        points: [
          [start + 1000, loss],
          [start + 2000, NaN],
        ],
      },
    ],
  };
}

describe('Compare Runs protocol', () => {
  const comparison: WireComparison = runComparisonJson(compareRuns([compareInput('run-a', '0.5', 1.2), compareInput('run-b', '0.2', 1.4)], new Date()));
  const roundTrip = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

  it('accepts what the host posts, after a JSON round trip (NaN points arrive as null)', () => {
    const messages: CompareHostMessage[] = [
      {
        type: 'loading',
        jobs: [
          { name: 'run-a', origin: 'local' },
          { name: 'job-b', origin: 'cloud' },
        ],
      },
      { type: 'comparison', comparison },
      { type: 'failed', message: 'run-a (local job) could not be read: no job folder' },
    ];
    for (const m of messages) assert.equal(isCompareHostMessage(roundTrip(m)), true, m.type);
    assert.deepEqual((roundTrip(comparison) as WireComparison).curves[0]!.lines[0]!.points, [
      [1000, 1.2],
      [2000, null],
    ]);
    assert.equal(isCompareViewMessage({ type: 'ready' }), true);
    assert.equal(isCompareViewMessage({ type: 'refresh' }), true);
  });

  it('drops anything else: unknown or inherited types, a row without a cell per run, a line of a run not there, a lone run, bad points', () => {
    const broken = (f: (c: WireComparison) => void) => {
      const c = roundTrip(comparison) as WireComparison;
      f(c);
      return { type: 'comparison', comparison: c };
    };
    const bad: unknown[] = [
      null,
      'comparison',
      { type: 'toString' },
      { type: 'comparison' },
      { type: 'loading', jobs: [{ name: '', origin: 'local' }] },
      { type: 'loading', jobs: [{ name: 'a', origin: 'moon' }] },
      { type: 'failed', message: 'x'.repeat(100_001) },
      broken((c) => c.rows[0]!.cells.pop()),
      broken((c) => (c.curves[0]!.lines[0]!.run = 2)),
      broken((c) => (c.curves[0]!.lines[0]!.points[0] = [Number.NaN, 1])),
      broken((c) => ((c.rows[0]!.cells[0] as { value: unknown }).value = { toString: 1 })),
      broken((c) => ((c.rows[0] as { section: string }).section = 'secrets')),
      broken((c) => {
        c.runs.pop();
        for (const r of c.rows) r.cells.pop();
        c.curves = [];
      }),
    ];
    for (const m of bad) assert.equal(isCompareHostMessage(m), false, JSON.stringify(m)?.slice(0, 120));
    for (const m of [{ type: 'openFrame', file: '/etc/passwd', line: 1 }, { type: '__proto__' }, {}]) assert.equal(isCompareViewMessage(m), false, JSON.stringify(m));
  });

  it('restores a panel only from a state this version wrote: two or more jobs, each with its origin', () => {
    const jobs = [
      { name: 'a', origin: 'cloud' },
      { name: 'b', origin: 'local' },
    ];
    assert.equal(isCompareViewState({ version: 1, jobs }), true);
    for (const bad of [undefined, {}, { version: 2, jobs }, { version: 1, jobs: jobs.slice(0, 1) }, { version: 1, jobs: [...jobs, { name: 'c' }] }])
      assert.equal(isCompareViewState(bad), false, JSON.stringify(bad));
  });

  it('the page gets the jobs, then the comparison; a refresh reads again; a run that cannot be read fails the comparison, saying which', async () => {
    const posts: CompareHostMessage[] = [];
    let reads = 0;
    let broken = false;
    const view = new CompareRunsView({
      jobs: [
        { name: 'run-a', origin: 'local' },
        { name: 'run-b', origin: 'local' },
      ],
      read: async (job) => {
        reads++;
        if (broken && job.name === 'run-b') throw new Error('no job folder under /w/.sagemaker-local');
        return compareInput(job.name, job.name === 'run-a' ? '0.5' : '0.2', 1);
      },
      post: (m) => {
        assert.ok(isCompareHostMessage(JSON.parse(JSON.stringify(m))), `the page would drop ${m.type}`);
        posts.push(m);
      },
    });
    await view.handle({ type: 'ready' });
    assert.deepEqual(
      posts.map((m) => m.type),
      ['loading', 'comparison'],
    );
    const first = posts[1] as Extract<CompareHostMessage, { type: 'comparison' }>;
    assert.deepEqual(first.comparison.differences, ['hyperparameters.learning_rate']);
    // The page comes back from the background: the same comparison, no second reading.
    await view.handle({ type: 'ready' });
    assert.equal(reads, 2);
    assert.deepEqual(posts[3], first);
    broken = true;
    await view.handle({ type: 'refresh' });
    assert.equal(reads, 4);
    assert.deepEqual(posts.at(-1), { type: 'failed', message: 'run-b (local job) could not be read: no job folder under /w/.sagemaker-local' });
  });

  it("takes the view's selection (clicked row, then every selected row), names, or jobs; each once; other rows ignored", () => {
    const origin = (name: string) => (name.startsWith('local-') ? ('local' as const) : undefined);
    const a = { view: { name: 'job-a' }, origin: 'cloud' };
    const b = { view: { name: 'local-b' }, origin: 'local' };
    const trial = { view: { name: 'tuning-001-abc' } };
    const detail = { label: 'Hyperparameters' };
    assert.deepEqual(jobsToCompare([a, [a, b, trial, detail, a]], { origin }), [
      { name: 'job-a', origin: 'cloud' },
      { name: 'local-b', origin: 'local' },
      { name: 'tuning-001-abc', origin: 'cloud' },
    ]);
    assert.deepEqual(jobsToCompare([['job-a', 'local-b']], { origin }), [
      { name: 'job-a', origin: 'cloud' },
      { name: 'local-b', origin: 'local' },
    ]);
    assert.deepEqual(jobsToCompare([a], { origin }), [{ name: 'job-a', origin: 'cloud' }]);
    assert.deepEqual(jobsToCompare([], { origin }), []);
  });

  it('a single-job command invoked on a multi-selection gets the clicked row only; its own second argument is kept', () => {
    const a = { view: { name: 'a' } };
    const b = { view: { name: 'b' } };
    assert.deepEqual(clickedRowOnly([a, [a, b]]), [a]);
    assert.deepEqual(clickedRowOnly([a, [a]]), [a]);
    assert.deepEqual(clickedRowOnly([a, { confirmed: true }]), [a, { confirmed: true }]);
    assert.deepEqual(clickedRowOnly(['job-name', 'local']), ['job-name', 'local']);
    assert.deepEqual(clickedRowOnly([]), []);
  });
});

describe('Compare Runs HTML', () => {
  it('is built by the shared page builder: strict CSP, nonce script; its page and stylesheet exist', async () => {
    const html = webviewHtml({
      cspSource: 'vscode-webview://x',
      nonce: 'bm9uY2U=',
      scriptUri: 'vscode-webview://x/dist/webview/runComparison.js',
      styleUri: 'vscode-webview://x/media/webview/runComparison.css',
      title: 'Compare: a · b',
      appTestId: 'compare-runs-app',
    });
    assert.match(html, /default-src &#39;none&#39;; script-src &#39;nonce-bm9uY2U=&#39;/);
    assert.match(html, /<script nonce="bm9uY2U=" src="vscode-webview:\/\/x\/dist\/webview\/runComparison\.js"><\/script>/);
    for (const rel of ['src/webview/app/compare/main.ts', 'media/webview/runComparison.css']) await fs.access(path.join(REPO_ROOT, rel));
  });
});
