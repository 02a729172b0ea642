#!/usr/bin/env node
// The acceptance suite (issue 7): the seed's whole journey in a real VS Code, driven through the
// browser as a user would. code-server serves VS Code with the extension installed from its .vsix
// (`npm run package`, built fresh for the run: the artifact users get is the one tested), Debian's
// Chromium shows it, and Playwright clicks, types and reads what the page shows. Behind it:
// moto with the SageMaker lifecycle plugin (jobs walk to Completed, hosts write CloudWatch logs,
// model.tar.gz lands in S3) and the Hugging Face Hub emulator.
//
//   1. job file in the editor: the squiggle of a broken copy, hover documentation, completion
//   2. fix it, "Launch Distributed Training" from the palette: request preview, modal, progress
//   3. the Training Jobs view: the job spins while InProgress, ends Completed; the status bar count
//   4. Show Logs: [algo-1] and [algo-2] lines and the end-of-job summary in the job's channel
//   5. Download Model with progress; Open Model Card: the card and its curves in the webview
//   6. Set Hugging Face Token; Push to Hub: progress, the repo URL, the files on the Hub emulator
//   7. the inference test in the webview returns the summary the endpoint produced; the card survives Reload Window
//   8. Run Locally on the quickstart: the job shows up under "Local" and completes
//   9. the XSS corpus (test/fixtures/modelCardWorkspace/hostile-*) in every card field renders inert
//
// Each step is one test and saves screenshots as test-results/e2e/NN-name.png. A step fails on its
// own assertions, on an error our extension logs (extension host log, our own log), on a Content
// Security Policy violation in our webviews and on a script dialog (alert, confirm, prompt, print) in
// any frame while it runs. Later steps still run after a failure:
// what they need from an earlier step (a job, a model folder, an open card) is made without the UI
// when the earlier step could not make it.
//
// It packages the extension itself (test/e2e/steps/packagedExtension.mjs) but compiles nothing: run
// `npx tsc -p tsconfig.json` first for the emulators in out/ (npm test does).
// Needs .tools/code-server (scripts/setup-vscode.sh) and .tools/moto (scripts/setup-moto.sh).
//
// Usage: node test/e2e/journey.mjs [--only 1,2,3] [--keep] [--vsix FILE]
//   --only  run these steps (the ones skipped are not counted)
//   --keep  keep the session's temp folder (workspace, user data) and print where it is
//   --vsix  install this package instead of building one from the checkout
// The last line on stdout is always `e2e: N passed, N failed`; the exit code is 0 only when nothing failed.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { JourneyError, Workbench, exactly, expect } from './workbench.mjs';
import { delay, extensionId, repoRoot, sessionPrerequisiteProblem, startVsCodeSession } from './vscodeSession.mjs';
import { packagedExtension } from './steps/packagedExtension.mjs';
import { diagnosisStep } from './steps/diagnosis.mjs';
import { dashboardStep } from './steps/dashboard.mjs';
import { costInTreeAndCleanUp } from './steps/cost.mjs';
import { applyQuickFix } from './steps/quickFix.mjs';
import { tuningTreeStep } from './steps/tuningTree.mjs';
import { compareRunsStep } from './steps/compareRuns.mjs';

const require = createRequire(import.meta.url);
const resultsDir = path.join(repoRoot, 'test-results', 'e2e');
const workspaceFixture = path.join(repoRoot, 'test', 'e2e', 'workspace');
const hostileFixtures = path.join(repoRoot, 'test', 'fixtures', 'modelCardWorkspace');
/** The whole run, code-server's and the emulators' lives included, ends within this. */
const budgetSeconds = 570;
/** How long a simulated SageMaker job takes from CreateTrainingJob to Completed. */
const simSeconds = 24;
const viewport = { width: 1400, height: 900 };

const jobFile = 'bart-samsum/bart-large-cnn-samsum.sagemaker.yaml';
const seedFile = 'seed-bart-samsum/bart-large-cnn-samsum.sagemaker.yaml';
const quickstartFile = 'quickstart/quickstart.sagemaker.yaml';
const walkthroughTitle = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).contributes.walkthroughs[0].title;
const AWS = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

const log = (text) => process.stdout.write(`${text}\n`);
const diag = (text) => process.stderr.write(`e2e: ${text}\n`);

// ── Steps ─────────────────────────────────────────────────────────────────────

/**
 * @typedef {object} Journey what the steps share
 * @property {Workbench} wb
 * @property {import('playwright-core').Page} page
 * @property {string} workspace
 * @property {{ endpoint: string }} moto
 * @property {any} hub the Hub emulator (state, readFile, url)
 * @property {any} clients AwsClients against moto, for checks and for the fallbacks
 * @property {(name: string) => Promise<void>} shot saves test-results/e2e/NN-name.png
 * @property {(condition: unknown, message: string) => void} check like expect, but the step goes on
 *   (and fails at its end): for what a user would notice but later checks of the step do not need
 * @property {string | undefined} jobName the cloud job step 2 launched
 * @property {boolean} launchedHere whether step 2 launched it through the UI
 * @property {string | undefined} modelFolder where step 5 downloaded its model
 * @property {string | undefined} pushedRepo
 * @property {Array<{ inOurWebview: boolean, where: string, text: string }>} cspCanaries CSP reports of step 9's probe
 * @property {string[]} dialogs script dialogs seen, in every step (each also fails its step)
 */

/** @type {Array<{ n: number, name: string, timeoutSeconds: number, run: (j: Journey) => Promise<string | void> }>} */
const steps = [
  {
    n: 1,
    name: 'job file in the editor: squiggle, hover, completion',
    timeoutSeconds: 90,
    async run(j) {
      const { wb } = j;
      // The seed's own job file: clean, with its CodeLens, and documented on hover.
      await wb.openFile(seedFile);
      const seed = wb.activeEditor();
      await seed.locator('.codelens-decoration', { hasText: 'Launch Distributed Training' }).waitFor({ timeout: 20_000 });
      const lenses = (await seed.locator('.codelens-decoration').first().innerText()).replace(/\u00a0/g, ' ');
      expect(
        /Run Locally/.test(lenses) && /Preview Request/.test(lenses),
        `the CodeLens above the seed's job file reads "${lenses}", not Launch Distributed Training | Run Locally | Preview Request`,
      );
      const seedSquiggles = await wb.squiggles(seed);
      expect(seedSquiggles.length === 0, `the seed's job file (valid) shows squiggles: ${JSON.stringify(seedSquiggles.map(({ box, ...s }) => s))}`);
      const hover = await wb.hoverToken(seed, 'instance_type');
      expect(/The instance type to train on/.test(hover) && /ml\.p3dn\.24xlarge/.test(hover), `hovering instance_type shows "${hover.slice(0, 200)}", not its documentation`);
      await j.shot('hover-documentation');
      await wb.moveMouseAway();

      // The broken copy: a typo'd instance type (warning) and an unquoted version (error).
      const text = fs.readFileSync(path.join(j.workspace, jobFile), 'utf8').split('\n');
      const versionLine = lineOf(text, /^pytorch_version: 1\.6$/);
      const typoLine = lineOf(text, /^instance_type: ml\.p3dn\.24xlarg$/);
      await wb.openFile(jobFile);
      const editor = wb.activeEditor();
      // The CodeLens line pushes the text down when it arrives: measure after it, once nothing moves.
      await editor.locator('.codelens-decoration', { hasText: 'Launch Distributed Training' }).waitFor({ timeout: 20_000 });
      await editor.locator('.squiggly-error').first().waitFor({ timeout: 15_000 });
      const squiggles = await wb.settledSquiggles(editor);
      const error = squiggles.find((s) => s.severity === 'error');
      expect(
        error?.line === versionLine && error.column === 18,
        `the error squiggle is at ${error?.line}:${error?.column}, expected ${versionLine}:18 (the value of pytorch_version)`,
      );
      const typo = squiggles.find((s) => s.severity === 'warning' && s.line === typoLine);
      expect(typo?.column === 16, `no warning squiggle under the instance type typo at ${typoLine}:16 (squiggles: ${JSON.stringify(squiggles.map(({ box, ...s }) => s))})`);
      const squiggleHover = await wb.hoverAt(error.box.x + error.box.width / 2, error.box.y + error.box.height / 2);
      expect(/is the number 1\.6 in YAML\. Quote it: pytorch_version: "1\.6"/.test(squiggleHover), `hovering the squiggle shows "${squiggleHover.slice(0, 200)}"`);
      await j.shot('squiggle-hover');
      await wb.moveMouseAway();

      const problems = await wb.problems();
      const errorRow = problems.find((p) => p.startsWith('Error:') && /Quote it/.test(p));
      expect(
        errorRow && errorRow.includes(`at line ${versionLine} and character 18`),
        `the Problems panel has no "Quote it" error at line ${versionLine}, character 18 (rows: ${problems.join(' | ')})`,
      );
      const typoRow = problems.find((p) => p.startsWith('Warning:') && /did you mean `ml\.p3dn\.24xlarge`/.test(p));
      expect(
        typoRow && typoRow.includes(`at line ${typoLine} and character 16`),
        `the Problems panel has no "did you mean ml.p3dn.24xlarge" warning at line ${typoLine} (rows: ${problems.join(' | ')})`,
      );
      await j.shot('problems');
      await wb.hidePanel();

      await wb.goToLine(typoLine);
      await j.page.keyboard.press('End');
      const suggestions = await wb.triggerCompletion();
      const p3dn = suggestions.find((s) => s.label === 'ml.p3dn.24xlarge');
      expect(p3dn, `completion after "instance_type: ml.p3dn.24xlarg" does not offer ml.p3dn.24xlarge (it offers ${suggestions.map((s) => s.label).join(', ')})`);
      expect(/8 × NVIDIA V100 32 GB/.test(p3dn.detail), `completion shows ml.p3dn.24xlarge without its GPUs: "${p3dn.detail}"`);
      await j.shot('completion');
      await j.page.keyboard.press('Escape');
      return `error squiggle at ${versionLine}:18, warning at ${typoLine}:16, completion "${p3dn.label} — ${p3dn.detail}"`;
    },
  },
  {
    n: 2,
    name: 'fix it and launch from the palette: preview, modal, progress',
    timeoutSeconds: 120,
    async run(j) {
      const { wb, page } = j;
      const text = fs.readFileSync(path.join(j.workspace, jobFile), 'utf8').split('\n');
      await wb.openFile(jobFile);
      const editor = wb.activeEditor();
      // Accept the suggestion for the typo, then quote the version with the quick fix (Ctrl+.).
      const typoLine = lineOf(text, /^instance_type: ml\.p3dn\.24xlarg$/);
      if (typoLine) {
        await wb.goToLine(typoLine);
        await page.keyboard.press('End');
        const suggestions = await wb.triggerCompletion();
        expect(suggestions[0]?.label === 'ml.p3dn.24xlarge', `the first suggestion for the typo is ${suggestions[0]?.label}`);
        await page.keyboard.press('Enter');
        expect((await wb.lineText(editor, typoLine)) === 'instance_type: ml.p3dn.24xlarge', `accepting the suggestion left "${await wb.lineText(editor, typoLine)}"`);
      }
      const versionLine = lineOf(text, /^pytorch_version: 1\.6$/);
      if (versionLine) {
        const titles = await applyQuickFix(j, { line: versionLine, column: 18, pick: 'Quote it: "1.6"' });
        expect(
          (await wb.lineText(editor, versionLine)) === 'pytorch_version: "1.6"',
          `the quick fix (menu: ${titles.join(' | ')}) left "${await wb.lineText(editor, versionLine)}"`,
        );
      }
      await page.keyboard.press('Control+S');
      await expectSoon(
        async () => (await wb.squiggles(editor)).length === 0,
        10_000,
        async () => `squiggles remain after the fix: ${JSON.stringify((await wb.squiggles(editor)).map(({ box, ...s }) => s))}`,
      );
      // Under load a Ctrl+S pressed while the suggest widget is still settling can go unheard; saving is
      // not what this step tests, so it presses Ctrl+S again (at most twice more) while the tab is dirty.
      const saved = () => fs.readFileSync(path.join(j.workspace, jobFile), 'utf8').includes('pytorch_version: "1.6"\n');
      for (let attempt = 0; attempt < 2 && !saved(); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        if (!saved()) await page.keyboard.press('Control+S');
      }
      await expectSoon(
        async () => saved(),
        5_000,
        async () => 'Ctrl+S did not save the fixed job file',
      );

      await wb.recordNotifications();
      const since = await wb.pageNow();
      await wb.runCommand('SageMaker HF: Launch Distributed Training');
      const dialog = wb.dialog();
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      const question = (await dialog.locator('.dialog-message-text').innerText()).trim();
      const asked = /^Launch (\S+) on 2 × ml\.p3dn\.24xlarge in us-east-1\?$/.exec(question);
      expect(asked, `the launch dialog asks "${question}"`);
      const jobName = asked[1];
      expect(/^bart-large-cnn-samsum-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-\d{3}$/.test(jobName), `unexpected job name ${jobName}`);
      const detail = (await dialog.locator('.dialog-message-detail').innerText()).trim();
      expect(/\$\d/.test(detail), `the launch dialog gives no cost estimate: "${detail}"`);
      // The preview opened beside, read-only, before the question.
      const preview = wb.editorShowing(`${jobName}.request.json`);
      await preview.waitFor({ timeout: 5_000 });
      const previewTop = (await preview.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
      expect(
        previewTop.includes(`"TrainingJobName": "${jobName}"`) && previewTop.includes('"InstanceType": "ml.p3dn.24xlarge"'),
        'the request preview beside does not show the job name and instance type',
      );
      await j.shot('preview-and-confirm');
      await dialog.locator('.monaco-button', { hasText: exactly('Launch') }).click();
      await page.waitForTimeout(150);
      await j.shot('launch-progress');
      const launched = await wb.waitForToast(new RegExp(`^Launched ${jobName}`), { timeout: 60_000 });
      j.jobName = jobName;
      const toasts = await wb.notificationsSeen(since);
      const progress = toasts.filter((t) => t.progress && t.text.startsWith(`Launching ${jobName}`));
      expect(progress.length > 0, `no progress notification "Launching ${jobName}…" was shown (notifications: ${toasts.map((t) => t.text).join(' | ')})`);
      // Let the progress notification finish closing, for the picture.
      await page.waitForTimeout(800);
      await j.shot('launched');

      // The preview is the request moto received, field for field.
      const request = JSON.parse((await wb.readAllLines(preview)).join('\n'));
      await wb.scrollToTop(preview);
      const { DescribeTrainingJobCommand } = require('@aws-sdk/client-sagemaker');
      const stored = await j.clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
      const sent = request.createTrainingJob;
      expectSame(stored.HyperParameters, sent.HyperParameters, 'HyperParameters');
      expectSame(stored.ResourceConfig, sent.ResourceConfig, 'ResourceConfig');
      expectSame(stored.AlgorithmSpecification?.TrainingImage, sent.AlgorithmSpecification.TrainingImage, 'TrainingImage');
      expect(
        // Shortened versions, as the file writes them, name the image's short tag, as the SDK does.
        /huggingface-pytorch-training:1\.6-transformers4\.4-gpu-py36/.test(sent.AlgorithmSpecification.TrainingImage),
        `the image is ${sent.AlgorithmSpecification.TrainingImage}`,
      );
      expect(sent.HyperParameters.sagemaker_distributed_dataparallel_enabled === 'true', 'the request does not enable smdistributed dataparallel');
      const { HeadObjectCommand } = require('@aws-sdk/client-s3');
      const upload = /^s3:\/\/([^/]+)\/(.+)$/.exec(request.uploads[0]?.to ?? '');
      expect(upload, `the preview names no upload: ${JSON.stringify(request.uploads)}`);
      await j.clients.s3().send(new HeadObjectCommand({ Bucket: upload[1], Key: upload[2] }));
      j.launchedHere = true;
      return `${launched}; asked first: "${detail.split('\n')[0]}"; progress: ${progress.map((t) => t.text.replace(`Launching ${jobName}: `, '')).join(' → ')}`;
    },
  },
  {
    n: 3,
    name: 'Training Jobs view: spinning while InProgress, Completed, status bar',
    timeoutSeconds: simSeconds + 90,
    async run(j) {
      const { wb } = j;
      const jobName = await ensureCloudJob(j);
      await wb.hidePanel();
      const launchedToast = new RegExp(`^Launched ${jobName}`);
      let revealed = 'the Training Jobs view opened from the activity bar';
      if (j.launchedHere && (await wb.hasNotification(launchedToast))) {
        // The launch notification's own way to the job.
        await wb.clickToastButton(launchedToast, 'Reveal in Explorer');
        const selected = wb.page.locator('.part.sidebar .pane-body .monaco-list-row[aria-selected="true"]', { hasText: jobName });
        const shown = await selected.waitFor({ state: 'visible', timeout: 10_000 }).then(
          () => true,
          () => false,
        );
        j.check(shown, `"Reveal in Explorer" on the launch notification did not show ${jobName} selected in the Training Jobs view`);
        if (shown) revealed = '"Reveal in Explorer" selected it in the Training Jobs view';
      }
      await wb.showViewContainer('SageMaker HF');
      await wb.setSideBarWidth(620);
      const row = wb.treeRow(jobName);
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      const seen = [];
      const rowState = async () => (await wb.treeRows()).find((r) => r.label.startsWith(`${jobName} `));
      let spinning;
      let statusBar;
      const deadline = Date.now() + (simSeconds + 60) * 1000;
      for (;;) {
        const state = await rowState();
        if (state) {
          const description = state.label.slice(jobName.length + 1).split(' · ')[0];
          if (seen.at(-1) !== description) seen.push(description);
          if (!spinning && /codicon-sync\b/.test(state.icon) && /codicon-modifier-spin/.test(state.icon)) {
            spinning = state;
            const item = wb.statusBarItem('sagemakerHf.runningJobs');
            statusBar = (await item.isVisible()) ? (await item.innerText()).trim() : undefined;
            statusBar += (await item.locator('.codicon-modifier-spin').count()) > 0 ? ' (spinning)' : '';
            await j.shot('job-in-progress');
          }
          if (/codicon-pass\b/.test(state.icon)) break;
          if (/codicon-error\b/.test(state.icon)) throw new JourneyError(`the job failed: ${state.label}`);
        }
        if (Date.now() > deadline) throw new JourneyError(`the job did not show Completed within ${simSeconds + 60} s (descriptions seen: ${seen.join(' → ')})`);
        await delay(400);
      }
      expect(spinning, `the job row never showed the spinning sync icon (descriptions seen: ${seen.join(' → ')})`);
      expect(/^1 training \(spinning\)$/.test(statusBar ?? ''), `while the job ran the status bar showed "${statusBar}", not "1 training"`);
      const done = await rowState();
      expect(/^Completed · /.test(done.label.slice(jobName.length + 1)) && /ml\.p3dn\.24xlarge × 2/.test(done.label), `the completed row reads "${done.label}"`);
      // Only a job this window launched (or watched) announces its end.
      const ended = j.launchedHere
        ? await wb.waitForToast(new RegExp(`^Training job ${jobName} completed\\.`), { timeout: 15_000 })
        : 'no end notification: not launched from this window';
      await j.shot('job-completed');
      await expectSoon(
        async () => !(await wb.statusBarItem('sagemakerHf.runningJobs').isVisible()),
        10_000,
        async () => `the status bar still shows "${await wb.statusBarItem('sagemakerHf.runningJobs').innerText()}" after the job completed`,
      );
      return `${revealed}; ${seen.join(' → ')}; status bar "${statusBar}" then hidden; "${ended}"`;
    },
  },
  {
    n: 4,
    name: 'Show Logs: both hosts and the end-of-job summary',
    timeoutSeconds: 90,
    async run(j) {
      const { wb } = j;
      const jobName = await ensureCloudJob(j);
      await waitForJobStatus(j, jobName, 'Completed');
      await wb.showViewContainer('SageMaker HF');
      await wb.treeRow(jobName).waitFor({ state: 'visible', timeout: 20_000 });
      await wb.treeRowAction(jobName, 'Show Logs');
      const channel = `SageMaker Job: ${jobName}`;
      await expectSoon(
        async () => (await wb.outputChannelName().catch(() => '')) === channel,
        15_000,
        async () => `the Output panel shows "${await wb.outputChannelName().catch(() => 'nothing')}", not "${channel}"`,
      );
      await wb.runCommand('View: Toggle Maximized Panel');
      let lines = [];
      await expectSoon(
        async () => {
          lines = await wb.readAllLines(wb.outputEditor());
          return lines.some((l) => /^Billable seconds: \d+/.test(l));
        },
        30_000,
        async () => `the channel shows no end-of-job summary; its last lines: ${lines.slice(-5).join(' | ')}`,
      );
      await j.shot('job-logs');
      fs.writeFileSync(path.join(resultsDir, '04-job-logs.txt'), `${lines.join('\n')}\n`);
      await wb.runCommand('View: Toggle Maximized Panel');
      const algo1 = lines.filter((l) => l.startsWith('[algo-1] '));
      const algo2 = lines.filter((l) => l.startsWith('[algo-2] '));
      expect(algo1.length > 0 && algo2.length > 0, `the channel has ${algo1.length} [algo-1] and ${algo2.length} [algo-2] lines`);
      expect(
        algo1.some((l) => /\{'loss': /.test(l)),
        'no Trainer loss line from algo-1',
      );
      expect(
        lines.some((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Training - /.test(l)),
        'no SDK status line ("… Training - …")',
      );
      const trainingSeconds = lines.find((l) => /^Training seconds: \d+$/.test(l));
      expect(trainingSeconds, 'no "Training seconds: N" line in the summary');
      // Every line each host wrote to CloudWatch, once and in order: what moto holds is what shows.
      for (const [host, shown] of [
        ['algo-1', algo1],
        ['algo-2', algo2],
      ]) {
        const written = await hostLogLines(j, jobName, host);
        expect(shown.length === written.length, `the channel shows ${shown.length} [${host}] lines, CloudWatch holds ${written.length}`);
        const squash = (t) => t.replace(/\s+/g, ' ').trim();
        // A long line wraps in the Output view: its first screen row is a prefix of the line.
        const at = shown.findIndex((row, i) => !squash(written[i]).startsWith(squash(row.slice(host.length + 3))));
        expect(at < 0, `[${host}] line ${at + 1} shows "${shown[at]?.slice(0, 80)}", CloudWatch holds "${written[at]?.slice(0, 80)}"`);
      }
      return `${algo1.length} lines from [algo-1] and ${algo2.length} from [algo-2], each once and in CloudWatch's order; "${trainingSeconds}", "${lines.find((l) => l.startsWith('Billable seconds'))}"`;
    },
  },
  {
    n: 5,
    name: 'Download Model with progress; Open Model Card with curves',
    timeoutSeconds: 90,
    async run(j) {
      const { wb } = j;
      const jobName = await ensureCloudJob(j);
      await waitForJobStatus(j, jobName, 'Completed');
      await tidyForWebview(j);
      await wb.showViewContainer('SageMaker HF');
      await wb.treeRow(jobName).waitFor({ state: 'visible', timeout: 20_000 });
      await wb.recordNotifications();
      const since = await wb.pageNow();
      await wb.treeRowAction(jobName, 'Download Model');
      const done = await wb.waitForToast(new RegExp(`^Downloaded the model of ${jobName}`), { timeout: 60_000 });
      const folder = path.join(j.workspace, 'models', jobName);
      const seen = await wb.notificationsSeen(since);
      const progress = seen.filter((t) => t.text.startsWith(`Downloading the model of ${jobName}`));
      expect(
        progress.some((t) => t.progress),
        `no progress notification while downloading (notifications: ${seen.map((t) => t.text).join(' | ')})`,
      );
      expect(
        fs.existsSync(path.join(folder, 'trainer_state.json')) && fs.existsSync(path.join(folder, 'config.json')),
        `models/${jobName} lacks trainer_state.json or config.json: ${listFiles(folder).join(', ')}`,
      );
      j.modelFolder = folder;
      await j.shot('model-downloaded');
      await wb.clickToastButton(new RegExp(`^Downloaded the model of ${jobName}`), 'Open Model Card');
      const card = await expectModelCard(j);
      // The card is built from the run files and the job (issue 5): its base model and data set come
      // from the job's hyperparameters.
      const frontMatter = (await j.wb.ourWebview().locator('[data-testid="front-matter"]').innerText()).replace(/\s+/g, ' ');
      j.check(
        /base_model facebook\/bart-large-cnn/.test(frontMatter) && /datasets samsum/.test(frontMatter),
        `the card opened from "Downloaded the model…" does not describe the job (no base_model facebook/bart-large-cnn, datasets samsum; title "${card.title}"); its metadata: ${frontMatter.slice(0, 200)}`,
      );
      await j.shot('model-card');
      return `"${done}" after ${
        progress
          .map((t) => t.text.split(': ')[1])
          .filter(Boolean)
          .join(' → ') || 'a progress notification'
      }; card "${card.title}", ${card.charts} charts (${card.canvases} canvases), ${card.tables} results tables`;
    },
  },
  {
    n: 6,
    name: 'Set Hugging Face Token; Push to Hub',
    timeoutSeconds: 120,
    async run(j) {
      const { wb, page, hub } = j;
      const card = await ensureModelCard(j);
      const { EMULATOR_WRITE_TOKEN, EMULATOR_USER } = require(compiled('test/emulators/hub/hubEmulator.js'));
      await wb.recordNotifications();
      const since = await wb.pageNow();
      // The card offers the command itself when no token is set; the palette works as well.
      const setToken = card.locator('[data-testid="set-token"]');
      if (await setToken.isVisible()) await setToken.click();
      else await wb.runCommand('SageMaker HF: Set Hugging Face Token');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      const title = (await page.locator('.quick-input-widget .quick-input-title').innerText()).trim();
      expect(title === 'Set Hugging Face Token', `the input box is titled "${title}"`);
      expect((await input.getAttribute('type')) === 'password', 'the token input box is not a password box');
      await page.keyboard.type(EMULATOR_WRITE_TOKEN);
      await j.shot('token-input');
      await page.keyboard.press('Enter');
      const stored = await wb.waitForToast(/^Hugging Face token stored for /, { timeout: 20_000 });
      expect(stored.startsWith(`Hugging Face token stored for ${EMULATOR_USER}`), `the token was stored for someone else: "${stored}"`);
      if (!(await card.locator('[data-testid="token-status"]').innerText()).includes(EMULATOR_USER)) await card.locator('[data-testid="refresh"]').click();
      await expectSoon(
        async () => (await card.locator('[data-testid="token-status"]').innerText()).includes(EMULATOR_USER),
        15_000,
        async () => `the card's token status reads "${await card.locator('[data-testid="token-status"]').innerText()}"`,
      );
      await wb.clearNotifications();

      const namespace = card.locator('[data-testid="push-namespace"]');
      if (!(await namespace.inputValue())) await namespace.fill(EMULATOR_USER);
      const name = card.locator('[data-testid="push-name"]');
      expect(await name.inputValue(), 'the card proposes no repository name');
      const repo = `${await namespace.inputValue()}/${await name.inputValue()}`;
      await card.locator('[data-testid="push-submit"]').click();
      await card.locator('[data-testid="push-progress"]').waitFor({ state: 'visible', timeout: 10_000 });
      const result = card.locator('[data-testid="push-result"], [data-testid="push-error"]').first();
      await result.waitFor({ state: 'visible', timeout: 60_000 });
      const outcome = await result.innerText();
      expect(new RegExp(`^Pushed \\d+ files to ${repo}`).test(outcome), `the push ended with "${outcome}"`);
      const href = await card.locator('[data-testid="push-repo-url"]').getAttribute('href');
      expect(href === `${hub.url}/${repo}`, `the repo link is ${href}, expected ${hub.url}/${repo}`);
      const seen = await wb.notificationsSeen(since);
      expect(
        seen.some((t) => t.progress && t.text.startsWith('Pushing ') && t.text.includes(` to ${repo}`)),
        `no progress notification "Pushing … to ${repo}" (notifications: ${seen.map((t) => t.text).join(' | ')})`,
      );
      // The progress notification closes once the push is done.
      await expectSoon(
        async () => !(await wb.toast(/^Pushing /).isVisible()),
        10_000,
        async () =>
          `the progress notification still shows "${await wb
            .toast(/^Pushing /)
            .innerText()
            .catch(() => '')}" after the push ended`,
      );
      await card.locator('[data-testid="push"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await j.shot('pushed-to-hub');
      j.pushedRepo = repo;

      // What the Hub emulator holds is what the model folder holds, byte for byte.
      const held = hub.state.repos.get(repo);
      expect(held, `the Hub emulator has no repository ${repo} (it has ${[...hub.state.repos.keys()].join(', ') || 'none'})`);
      const tree = held.commits.at(-1).tree;
      const files = [...tree.keys()].filter((f) => f !== '.gitattributes');
      const pushedCount = Number(/^Pushed (\d+) files/.exec(outcome)[1]);
      expect(files.length === pushedCount, `the Hub holds ${files.length} files (${files.join(', ')}), the card says ${pushedCount}`);
      for (const required of ['README.md', 'config.json', 'trainer_state.json']) expect(files.includes(required), `${required} is not on the Hub (${files.join(', ')})`);
      const folder = j.modelFolder ?? path.join(j.workspace, 'models', j.jobName);
      for (const file of files) {
        const onHub = await hub.readFile(repo, file);
        const local = fs.readFileSync(path.join(folder, file));
        expect(onHub && Buffer.compare(onHub, local) === 0, `${file} on the Hub differs from the model folder's`);
      }
      // The emulator answers Xet to clients that offer it, as the Hub does; the default setting
      // (sagemakerHf.hub.uploadTransfer: lfs) offers plain LFS only, so no xorb is sent.
      const lfsFiles = held.commits.at(-1).changes.filter((c) => c.op === 'lfsFile').length;
      const offered = hub.state.lfsBatchTransfers.at(-1);
      expect(
        lfsFiles === 0 || (offered && !offered.includes('xet') && hub.state.xet.xorbs === 0),
        `the push offered ${JSON.stringify(offered)} and sent ${hub.state.xet.xorbs} xorbs; the default transfer is plain LFS`,
      );
      return `token stored for ${EMULATOR_USER}; "${outcome.split('\n')[0]}"; ${href}; ${files.length} files identical on the Hub emulator (${lfsFiles} through LFS)`;
    },
  },
  {
    n: 7,
    name: 'inference test in the model card; the card survives Reload Window',
    timeoutSeconds: 60,
    async run(j) {
      const { hub } = j;
      const card = await ensureModelCard(j);
      const text = await card.locator('[data-testid="inference-text"]').inputValue();
      expect(text.trim().length > 0, 'the inference text box is not prefilled with the widget example');
      const model = card.locator('[data-testid="inference-model"]');
      if (j.pushedRepo) expect((await model.inputValue()) === j.pushedRepo, `the inference model is "${await model.inputValue()}", not the pushed ${j.pushedRepo}`);
      if (!(await model.inputValue())) await model.fill('alice/bart-large-cnn-samsum');
      const before = hub.state.summarizations.length;
      await card.locator('[data-testid="inference"]').scrollIntoViewIfNeeded();
      await card.locator('[data-testid="inference-run"]').click();
      const answer = card.locator('[data-testid="inference-summary"], [data-testid="inference-error"]').first();
      await answer.waitFor({ state: 'visible', timeout: 30_000 });
      const testId = await answer.getAttribute('data-testid');
      const shown = (await answer.innerText()).trim();
      expect(testId === 'inference-summary', `the inference test failed: "${shown}"`);
      const call = hub.state.summarizations.at(-1);
      expect(hub.state.summarizations.length === before + 1 && call, 'the summarization endpoint was not called exactly once');
      expect(call.inputs === text, 'the endpoint received another text than the box holds');
      expect(shown === call.summary.trim(), `the card shows "${shown}", the endpoint answered "${call.summary}"`);
      const latency = await card.locator('[data-testid="inference-latency"]').innerText();
      expect(/through the configured endpoint/.test(latency), `the latency line reads "${latency}"`);
      await card.locator('[data-testid="inference-output"]').scrollIntoViewIfNeeded();
      await j.shot('inference');

      // The panel outlives a window reload: VS Code hands its saved state (the folder) to our serializer,
      // which rebuilds the card from the folder on disk.
      const titleBefore = (await card.locator('[data-testid="card-title"]').innerText()).trim();
      const reloaded = j.page.waitForEvent('domcontentloaded', { timeout: 60_000 });
      await j.wb.runCommand('Developer: Reload Window');
      await reloaded;
      await j.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await j.page.locator('.statusbar').waitFor({ timeout: 60_000 });
      const restored = await expectModelCard(j);
      expect(restored.title === titleBefore, `after Reload Window the Model Card shows "${restored.title}", not "${titleBefore}"`);
      await j.shot('model-card-after-reload');
      return `"${shown}" (${latency}); the card "${restored.title}" came back after Reload Window with ${restored.charts} charts`;
    },
  },
  {
    n: 8,
    name: 'Get Started walkthrough: Create Quickstart Project, then its Run Locally button; the local job completes',
    timeoutSeconds: 150,
    async run(j) {
      const { wb, page } = j;
      await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
      // What a new user does: the walkthrough writes the quickstart into the workspace (the journey's
      // workspace has none) and runs it from its own button, with no job file editor active.
      await wb.openWalkthrough(walkthroughTitle);
      const name = page.locator('.quick-input-widget input');
      // A walkthrough button's input box must survive the page marking the step done (it takes the
      // focus back then, which closes a box that does not ignore focus-out).
      await wb.clickWalkthroughButton('Describe your own job', 'New Job File');
      await name.waitFor({ state: 'visible', timeout: 10_000 });
      await delay(1_500);
      expect(await name.isVisible(), 'New Job File from the walkthrough: its input box closed by itself');
      await name.fill('from-walkthrough');
      await page.keyboard.press('Enter');
      await wb.activeEditorTab('from-walkthrough.sagemaker.yaml').waitFor({ timeout: 15_000 });
      expect(fs.existsSync(path.join(j.workspace, 'from-walkthrough.sagemaker.yaml')), 'New Job File did not write from-walkthrough.sagemaker.yaml');
      // The workspace has no train.py: New Job File writes a starter one, so the new file starts clean.
      expect(fs.existsSync(path.join(j.workspace, 'train.py')), 'New Job File in a folder without train.py wrote no starter train.py');
      // Diagnostics come on open; give them a moment before reading what settled.
      await page.waitForTimeout(1_500);
      const fresh = await wb.settledSquiggles(wb.activeEditor());
      expect(fresh.length === 0, `the new job file shows squiggles at once: ${JSON.stringify(fresh.map(({ box, ...s }) => s))}`);
      await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
      await wb.openWalkthrough(walkthroughTitle);
      await wb.clickWalkthroughButton('Try the quickstart', 'Create Quickstart Project');
      await name.waitFor({ state: 'visible', timeout: 10_000 });
      await delay(1_500);
      expect(await name.isVisible(), 'Create Quickstart Project from the walkthrough: its input box closed by itself');
      const proposed = await name.inputValue();
      expect(proposed === path.dirname(quickstartFile), `Create Quickstart Project proposed the folder "${proposed}", not "${path.dirname(quickstartFile)}"`);
      // Into the box, as a user clicks: a walkthrough opened a second time puts the focus back on its
      // selected step a moment after it shows, which can come after a quick click on its button.
      await name.press('Enter');
      await wb.activeEditorTab(path.basename(quickstartFile)).waitFor({ timeout: 15_000 });
      const ready = await wb.waitForToast(/^The quickstart is ready/, { timeout: 10_000 });
      const copied = fs
        .readdirSync(path.join(j.workspace, path.dirname(quickstartFile)), { recursive: true })
        .filter((f) => !fs.statSync(path.join(j.workspace, path.dirname(quickstartFile), f)).isDirectory())
        .sort();
      const shipped = execFileSync('git', ['ls-files'], { cwd: path.join(repoRoot, 'examples', 'quickstart'), encoding: 'utf8' })
        .trim()
        .split('\n')
        .sort();
      expect(JSON.stringify(copied) === JSON.stringify(shipped), `the new quickstart folder holds ${copied.join(', ')}; the extension ships ${shipped.join(', ')}`);
      // Back to the walkthrough; a preview tab may have given way to the job file, as in any workbench.
      const walkthroughTab = page.locator('.tab', { hasText: 'Walkthrough' }).first();
      if (await walkthroughTab.isVisible()) await walkthroughTab.click();
      else await wb.openWalkthrough(walkthroughTitle);
      await expectSoon(
        () => wb.walkthroughStepDone('Try the quickstart'),
        5_000,
        async () => 'the walkthrough does not show "Try the quickstart" as done',
      );
      await wb.clickWalkthroughButton('Run it on this machine', 'Run Locally');
      // The walkthrough is the active editor and the job file a hidden tab: the command asks which job file.
      await wb.chooseQuickPickItem('Which job file?', quickstartFile);
      await wb.showViewContainer('SageMaker HF');
      const localGroup = wb.treeRow(/^Local/);
      await localGroup.waitFor({ state: 'visible', timeout: 30_000 });
      const findJob = async () => {
        const rows = await wb.treeRows();
        const group = rows.findIndex((r) => r.label.startsWith('Local '));
        const job = rows.find((r, i) => i > group && r.level === 2 && r.label.startsWith('quickstart-summarizer-'));
        return { group: rows[group], job };
      };
      const seen = [];
      const deadline = Date.now() + 120_000;
      let last;
      for (;;) {
        last = await findJob();
        if (last.job) {
          const description = last.job.label.split(' ')[1];
          if (seen.at(-1) !== description) seen.push(description);
          if (/codicon-pass\b/.test(last.job.icon)) break;
          if (/codicon-error\b/.test(last.job.icon)) throw new JourneyError(`the local job failed: ${last.job.label}`);
        }
        if (Date.now() > deadline) throw new JourneyError(`the local job did not complete within 120 s (${last.job?.label ?? 'no job under Local'})`);
        await delay(500);
      }
      const jobName = last.job.label.split(' ')[0];
      expect(/ml\.p3\.2xlarge × 2/.test(last.job.label), `the local job row reads "${last.job.label}"`);
      await expectSoon(
        () => wb.walkthroughStepDone('Run it on this machine'),
        5_000,
        async () => 'the walkthrough does not show "Run it on this machine" as done once the local job ran',
      );
      await expectSoon(
        async () => (await wb.outputChannelName().catch(() => '')) === `SageMaker Job: ${jobName}`,
        10_000,
        async () => `the Output panel shows "${await wb.outputChannelName().catch(() => 'nothing')}", not the local job's channel`,
      );
      let lines = [];
      await expectSoon(
        async () => {
          lines = await wb.readAllLines(wb.outputEditor());
          return lines.some((l) => l.startsWith(`Job ${jobName}: Completed`));
        },
        20_000,
        async () => `the local job's channel does not end with "Job ${jobName}: Completed" (last lines: ${lines.slice(-4).join(' | ')})`,
      );
      fs.writeFileSync(path.join(resultsDir, '08-local-job-logs.txt'), `${lines.join('\n')}\n`);
      expect(
        lines.some((l) => l.startsWith('[algo-1] ')) && lines.some((l) => l.startsWith('[algo-2] ')),
        `the local job's channel lacks lines from both hosts (${lines.length} rows, see 08-local-job-logs.txt)`,
      );
      // Not asserted: the end notification only comes when the view saw the job in flight first,
      // which a job of a second or two can outrun.
      const toast = wb.toast(new RegExp(`^Local job ${jobName} completed\\.`));
      const announced = await toast.waitFor({ state: 'visible', timeout: 5_000 }).then(
        () => 'announced',
        () => 'not announced',
      );
      await j.shot('local-job-completed');
      return `New Job File wrote from-walkthrough.sagemaker.yaml; "${ready}"; ${copied.length} files copied; ${jobName}: ${seen.join(' → ')} under "${last.group.label}", ${lines.length} rows in its channel; end ${announced}`;
    },
  },
  {
    n: 9,
    name: 'an XSS corpus in every card field renders inert in the real webview',
    timeoutSeconds: 90,
    async run(j) {
      const { wb, page } = j;
      const dialogsBefore = j.dialogs.length;

      // A run folder without README.md: the card is generated from the run files and job.json, whose
      // metric names, hyperparameters and data set name carry the payloads. Opened as a user would
      // from the Explorer: right-click on the folder.
      await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
      await wb.showExplorer();
      await tidyForWebview(j);
      const runRow = wb.explorerRow('hostile-run');
      await runRow.waitFor({ state: 'visible', timeout: 10_000 });
      await wb.contextMenu(runRow, 'Open Model Card', { timeout: 30_000 });
      const run = await expectInertCard(j, 'hostile-run');
      const runCard = wb.ourWebview();
      await runCard.locator('[data-testid="results"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await j.shot('hostile-run');

      // A folder whose README.md is the attack: raw HTML of every kind, hostile front matter, a hostile
      // widget text. Opened from the palette; the folder dialog gets the path typed in.
      await wb.runCommand('View: Close All Editor Groups').catch(() => undefined);
      await wb.runCommand('SageMaker HF: Open Model Card');
      await wb.pickFolder(path.join(j.workspace, 'hostile-readme'));
      const readme = await expectInertCard(j, 'hostile-readme');
      const readmeCard = wb.ourWebview();
      // The workbench shows the panel title (the README's model-index name) as text too.
      const tabLabel = (await page.locator('.editor-group-container.active .tab.active .label-name').innerText()).trim();
      expect(tabLabel === `Model Card: ${readme.expectedTitle}`, `the Model Card tab reads "${tabLabel}", not "Model Card: ${readme.expectedTitle}"`);
      const workbenchImages = await page.locator('img[src="x"]').count();
      expect(workbenchImages === 0, `the workbench page holds ${workbenchImages} <img src="x"> elements: the tab title was parsed as HTML`);
      // A link the sanitizer disarmed (its href removed) reads as plain text, not as a link that does nothing.
      const disarmed = await readmeCard.locator('[data-testid="card-markdown"]').evaluate((root) =>
        Array.from(root.querySelectorAll('a:not([href])')).map((a) => ({
          text: a.textContent?.slice(0, 40) ?? '',
          color: getComputedStyle(a).color,
          around: getComputedStyle(a.parentElement ?? root).color,
        })),
      );
      expect(disarmed.length > 0, 'the hostile README left no disarmed link in the card: the check of their colour checks nothing');
      const linkLooking = disarmed.filter((a) => a.color !== a.around);
      expect(linkLooking.length === 0, `disarmed links still coloured as links: ${linkLooking.map((a) => `"${a.text}" ${a.color} vs ${a.around}`).join(' | ')}`);
      await readmeCard.locator('[data-testid="card-markdown"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await j.shot('hostile-readme');

      // The CSP check holds this step too: a real violation in this very frame (an image from a host
      // the policy does not allow, never resolvable) reaches it, attributed to our webview, both as
      // Chromium's own message and as the session's event report. The host's name marks it as the
      // probe's, which is not counted as a violation.
      const canariesBefore = j.cspCanaries.length;
      await readmeCard.locator('body').evaluate((_body, host) => {
        new Image().src = `https://${host}/probe.png`;
      }, CSP_CANARY_HOST);
      const probeReports = () => j.cspCanaries.slice(canariesBefore);
      await expectSoon(
        async () => probeReports().some((c) => c.text.startsWith('[e2e-csp]')) && probeReports().some((c) => !c.text.startsWith('[e2e-csp]')),
        5_000,
        async () =>
          `an image blocked by the CSP in the Model Card webview was not reported to the journey both by Chromium and by the event (reports: ${
            probeReports()
              .map((c) => c.text.slice(0, 120))
              .join(' | ') || 'none'
          }): violations in this step could go unnoticed`,
      );
      const unattributed = probeReports().filter((c) => !c.inOurWebview);
      expect(
        unattributed.length === 0,
        `CSP reports from the Model Card webview are not attributed to our webview, so they would not fail the step: ${unattributed.map((c) => `"${c.text.slice(0, 100)}" at "${c.where}"`).join(' | ')}`,
      );
      // Give a late violation or dialog (an image error handler, a refresh) the time to show up in this step.
      await page.waitForTimeout(500);
      const dialogs = j.dialogs.slice(dialogsBefore);
      expect(dialogs.length === 0, `script dialogs were opened: ${dialogs.join(' | ')}`);
      return (
        [run, readme]
          .map(
            (c) =>
              `${c.folder}: ${c.literals} payloads shown as text in the card, ${c.cells} hostile metric names and values as results table text, ${c.checked} elements checked, nothing active`,
          )
          .join('; ') + '; no dialog, no CSP violation'
      );
    },
  },
];

// ── What later steps need when an earlier step could not provide it ───────────

/** The cloud job of step 2, or one launched without the UI (same file, fixed) when step 2 failed. */
async function ensureCloudJob(j) {
  if (j.jobName) return j.jobName;
  diag("no job from step 2: launching the fixed job file through the extension's launch code, without the UI");
  const file = path.join(j.workspace, jobFile);
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/^instance_type: ml\.p3dn\.24xlarg$/m, 'instance_type: ml.p3dn.24xlarge')
    .replace(/^pytorch_version: 1\.6$/m, 'pytorch_version: "1.6"');
  const { planTrainingJob } = require(compiled('src/aws/launch/planTrainingJob.js'));
  const { launchTrainingJob } = require(compiled('src/aws/launch/launchTrainingJob.js'));
  const planned = await planTrainingJob({ clients: j.clients, jobFilePath: file, text });
  if (planned.kind !== 'planned') throw new JourneyError(`the fallback launch did not plan: ${JSON.stringify(planned.problems ?? planned)}`);
  const outcome = await launchTrainingJob({ clients: j.clients, planned, currentText: () => text });
  j.jobName = outcome.jobName;
  await j.wb.showViewContainer('SageMaker HF');
  await j.wb.viewTitleAction('Refresh Training Jobs');
  return j.jobName;
}

/** The messages of a host's CloudWatch stream, as moto stored them, in the stream's order. */
async function hostLogLines(j, jobName, host) {
  const { FilterLogEventsCommand } = require('@aws-sdk/client-cloudwatch-logs');
  const messages = [];
  let nextToken;
  do {
    const page = await j.clients.logs().send(new FilterLogEventsCommand({ logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: `${jobName}/${host}-`, nextToken }));
    // moto 5.1 ignores logStreamNamePrefix (AWS does not): select the stream here.
    messages.push(...(page.events ?? []).filter((e) => e.logStreamName?.startsWith(`${jobName}/${host}-`)).map((e) => e.message ?? ''));
    nextToken = page.nextToken;
  } while (nextToken);
  return messages;
}

async function waitForJobStatus(j, jobName, status) {
  const { DescribeTrainingJobCommand } = require('@aws-sdk/client-sagemaker');
  const deadline = Date.now() + (simSeconds + 30) * 1000;
  for (;;) {
    const d = await j.clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    if (d.TrainingJobStatus === status) return;
    if (Date.now() > deadline || ['Failed', 'Stopped'].includes(d.TrainingJobStatus)) throw new JourneyError(`${jobName} is ${d.TrainingJobStatus}, not ${status}`);
    await delay(1000);
  }
}

/** The model card webview of the job's model, opened through the palette when step 5 did not open it. */
async function ensureModelCard(j) {
  const card = j.wb.ourWebview();
  if (
    await card
      .locator('[data-testid="card-title"]')
      .isVisible()
      .catch(() => false)
  )
    return card;
  const jobName = await ensureCloudJob(j);
  const folder = j.modelFolder ?? path.join(j.workspace, 'models', jobName);
  if (!fs.existsSync(path.join(folder, 'config.json'))) {
    diag(`no model folder from step 5: downloading ${jobName}'s model with the extension's download code, without the UI`);
    await waitForJobStatus(j, jobName, 'Completed');
    const { downloadModel } = require(compiled('src/aws/artifacts/downloadModel.js'));
    await downloadModel({ clients: j.clients, jobName, targetDir: folder, overwrite: true });
  }
  j.modelFolder = folder;
  await tidyForWebview(j);
  const tab = j.page.locator('.tab', { hasText: /^Model Card/ }).first();
  if (await tab.isVisible()) {
    await tab.click();
  } else {
    await j.wb.runCommand('SageMaker HF: Open Model Card');
    // No job given: the simple file dialog asks for the folder.
    await j.wb.pickFolder(folder);
  }
  await expectModelCard(j);
  return card;
}

/** Waits for the card to render and checks what it shows. */
async function expectModelCard(j) {
  const card = j.wb.ourWebview();
  const title = card.locator('[data-testid="card-title"]');
  await title.waitFor({ state: 'visible', timeout: 30_000 });
  await card.locator('[data-testid="card-markdown"]').waitFor({ state: 'visible', timeout: 15_000 });
  const error = card.locator('[data-testid="card-error"]');
  expect(!(await error.isVisible()), `the card shows an error: ${await error.innerText().catch(() => '')}`);
  const markdown = await card.locator('[data-testid="card-markdown"]').innerText();
  expect(markdown.trim().length > 100, `the rendered card is nearly empty: "${markdown.slice(0, 100)}"`);
  await expectSoon(
    async () => (await card.locator('[data-testid="chart"] canvas').count()) > 0,
    10_000,
    async () =>
      `no training curve is drawn (curves section: "${await card
        .locator('[data-testid="curves"]')
        .innerText()
        .catch(() => 'missing')}")`,
  );
  const charts = await card.locator('[data-testid="chart"]').count();
  const canvases = await card.locator('[data-testid="chart"] canvas').count();
  const loss = await card.locator('[data-testid="chart"]', { hasText: 'Loss' }).count();
  expect(loss > 0, 'the card has no loss curve');
  const tables = await card.locator('[data-testid="results-table"]').count();
  expect(tables > 0, 'the card shows no results table');
  return { title: (await title.innerText()).trim(), charts, canvases, tables };
}

/** One editor group, no panel, no notifications, a narrow side bar: the webview gets the screen. */
async function tidyForWebview(j) {
  await j.wb.hidePanel();
  await j.wb.clearNotifications();
  await j.wb.runCommand('View: Single Column Editor Layout');
  await j.wb.setSideBarWidth(300);
}

/**
 * Payloads of each hostile fixture that the card must show verbatim as text: in the rendered README
 * (the one the card generated for hostile-run, the folder's own for hostile-readme).
 */
const HOSTILE_TEXT = {
  'hostile-run': [
    // the data set name, a hyperparameter's name and its value, a note, metric names
    'samsum<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-img")>',
    'javascript:alert("xss-hp")',
    '[click me](javascript:alert("xss-link")) <script>alert("xss-script")</script>',
    '<svg onload=alert("xss-value")>',
  ],
  'hostile-readme': [
    'Hostile card <script>alert("xss-heading")</script>',
    '<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-img")>',
    // (a bare `</a>` is kept as markup: it closes nothing)
    `<a href="javascript:alert('xss-a')" onclick="alert('xss-onclick')">anchor with handlers`,
    `<a href="  javascript:alert('xss-spaces')">spaced javascript`,
    `<a href="jav&#x09;ascript:alert('xss-entity')">entity javascript`,
    `<iframe src="javascript:alert('xss-iframe')"></iframe>`,
    `<iframe srcdoc="<script>alert('xss-srcdoc')</script>"></iframe>`,
    `<object data="javascript:alert('xss-object')"></object>`,
    `<embed src="javascript:alert('xss-embed')">`,
    '<style>body { display: none; }</style>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    `<meta http-equiv="refresh" content="0;url=javascript:alert('xss-meta')">`,
    '<base href="https://evil.example/">',
    `<svg onload="alert('xss-svg')"><script>alert('xss-svg-script')</script></svg>`,
    '<form action="https://evil.example/"><input name="token" value="x"><button>send</button></form>',
    `<video src=x onerror="alert('xss-video')"></video>`,
    `<body onload="alert('xss-body')">`,
    `<template><script>alert('xss-template')</script></template>`,
    `<img src=x onerror=alert('xss-mxss')>`,
    'Metric <script>alert("xss-table")</script>',
    '<img src=x onerror=alert("xss-cell")>',
    '<script>alert("inside a code block: shown as text")</script>',
  ],
};
/** What the hostile-readme card must show as text outside the README: its model-index name and front matter. */
const HOSTILE_README_TITLE = "bart-<img src=x onerror=alert('xss-name')>";
const HOSTILE_FRONT_MATTER = ["<script>alert('xss-tag')</script>", "samsum <script>alert('xss-dataset')</script>", "<img src=x onerror=alert('xss-metric')>"];
const HOSTILE_WIDGET = "<img src=x onerror=alert('xss-widget')>";
/** The hub_token hyperparameter of hostile-run/job.json: a secret the card must never show. */
const HOSTILE_SECRET = /hf_a{34}/;

/**
 * Waits for the card of the workspace folder `name` (one of the hostile fixtures) and holds what the
 * webview's DOM shows to: payloads as text, nothing active (see inspectCardDom).
 */
async function expectInertCard(j, name) {
  const card = j.wb.ourWebview();
  const folder = path.join(j.workspace, name);
  const folderLine = card.locator('[data-testid="card-folder"]');
  await expectSoon(
    async () => (await folderLine.innerText()).startsWith(folder),
    30_000,
    async () => `the Model Card of ${name} did not open (the card shows "${await folderLine.innerText().catch(() => 'nothing')}")`,
  );
  await card.locator('[data-testid="card-markdown"] *').first().waitFor({ state: 'attached', timeout: 15_000 });
  const error = card.locator('[data-testid="card-error"]');
  expect(!(await error.isVisible()), `the card of ${name} shows an error: ${await error.innerText().catch(() => '')}`);
  // The curves are drawn last; once they are, the whole card has rendered.
  await expectSoon(
    async () => (await card.locator('[data-testid="chart"] canvas').count()) > 0,
    10_000,
    async () => `the card of ${name} draws no training curve`,
  );
  const dom = await card.locator('[data-testid="model-card-app"]').evaluate(inspectCardDom);

  expect(
    dom.findings.length === 0,
    `the card of ${name} holds active markup: ${dom.findings.slice(0, 8).join('; ')}${dom.findings.length > 8 ? ` (and ${dom.findings.length - 8} more)` : ''}`,
  );
  expect(dom.pushButtons === 1, `the card of ${name} has ${dom.pushButtons} elements with data-testid="push-submit": the README spoofs the page's controls`);
  const squash = (t) => t.replace(/\s+/g, ' ');
  const readmeText = squash(dom.markdownText);
  const fixtureReadme = name === 'hostile-readme' ? squash(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'modelCardWorkspace', name, 'README.md'), 'utf8')) : undefined;
  const literals = HOSTILE_TEXT[name];
  for (const literal of literals.map(squash)) {
    if (fixtureReadme) expect(fixtureReadme.includes(literal), `the fixture ${name}/README.md no longer holds ${literal}: update HOSTILE_TEXT`);
    expect(readmeText.includes(literal), `the card of ${name} does not show ${literal} as text (the rendered README reads: "${readmeText.slice(0, 300)}…")`);
  }

  // Metric names (and a string value) of the results files are table text, cell by cell: the table
  // of each split shows its keys without the split's prefix, as `trainer.save_metrics` wrote them.
  const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'modelCardWorkspace', name);
  const hostile = (text) => typeof text === 'string' && /[<>]|javascript:/.test(text);
  const expectedCells = fs
    .readdirSync(fixtureDir)
    .filter((f) => f.endsWith('_results.json'))
    .flatMap((f) => {
      const split = f.slice(0, -'_results.json'.length);
      return Object.entries(JSON.parse(fs.readFileSync(path.join(fixtureDir, f), 'utf8'))).flatMap(([key, value]) => [
        ...(hostile(key) ? [{ split, text: key.startsWith(`${split}_`) ? key.slice(split.length + 1) : key }] : []),
        ...(hostile(value) ? [{ split, text: value }] : []),
      ]);
    });
  expect(expectedCells.length > 0, `the fixture ${name} has no hostile metric name in its *_results.json`);
  const nested = dom.tables.flatMap((t) => t.cells).filter((c) => c.elements > 0);
  expect(nested.length === 0, `results table cells of ${name} hold elements: ${nested.map((c) => c.text).join(' | ')}`);
  for (const { split, text } of expectedCells) {
    const cells = dom.tables.find((t) => t.split === split)?.cells ?? [];
    expect(
      cells.some((c) => c.text === text),
      `no cell of the ${split} results table of ${name} reads ${text} (cells: ${cells.map((c) => c.text).join(' | ') || 'no such table'})`,
    );
  }

  const bodyText = dom.bodyText;
  expect(!HOSTILE_SECRET.test(bodyText), `the card of ${name} shows the hub_token hyperparameter`);
  const written = path.join(j.workspace, name, 'README.md');
  if (fs.existsSync(written)) expect(!HOSTILE_SECRET.test(fs.readFileSync(written, 'utf8')), `${name}/README.md holds the hub_token hyperparameter`);

  let expectedTitle;
  expect(dom.titleElements === 0, `the card title of ${name} holds elements`);
  if (name === 'hostile-readme') {
    expectedTitle = HOSTILE_README_TITLE;
    expect(dom.title === expectedTitle, `the card title reads "${dom.title}", not "${expectedTitle}"`);
    const frontMatter = squash(dom.frontMatter.map((f) => `${f.key} ${f.value}`).join(' '));
    for (const literal of HOSTILE_FRONT_MATTER)
      expect(frontMatter.includes(literal), `the card's metadata does not show ${literal} as text (it reads "${frontMatter.slice(0, 300)}")`);
    expect(
      dom.frontMatter.every((f) => f.elements === 0),
      "the card's metadata values hold elements",
    );
    expect(dom.inferenceText.includes(HOSTILE_WIDGET), `the inference text box holds "${dom.inferenceText.slice(0, 120)}", not the widget text with ${HOSTILE_WIDGET}`);
    // What is safe stays: an inert card that had dropped everything would pass the checks above.
    expect(dom.safeLinks.includes('https://huggingface.co/facebook/bart-large-cnn'), `the README's https link was dropped (links kept: ${dom.safeLinks.join(', ') || 'none'})`);
    expect(dom.boldTexts.includes('bold HTML'), "the README's <b> formatting was dropped");
  }
  return { folder: name, literals: literals.length, cells: expectedCells.length, checked: dom.checked, expectedTitle };
}

/**
 * Runs in the webview's frame on the card's root element. Lists what would be active markup: in the
 * rendered README any element that runs, loads or submits, any `on*` or `style` attribute, a link
 * other than http(s)/mailto/#, an image other than https/data, an id, name or data-* attribute
 * (spoofing the page's own controls); in the rest of the card, scripts, frames, handlers and
 * javascript: links. Returns the texts the journey compares with the fixtures.
 */
function inspectCardDom(app) {
  const findings = [];
  const show = (el) => `<${el.tagName.toLowerCase()}${[...el.attributes].map((a) => ` ${a.name}="${a.value.slice(0, 60)}"`).join('')}>`;
  const markdown = app.querySelector('[data-testid="card-markdown"]');
  const ACTIVE =
    'script, iframe, frame, frameset, object, embed, applet, style, link, meta, base, form, input, button, textarea, select, svg, math, template, video, audio, source, picture, canvas, portal, noscript';
  for (const el of markdown.querySelectorAll(ACTIVE)) findings.push(`README: ${show(el)}`);
  const inside = [...markdown.querySelectorAll('*')];
  for (const el of inside) {
    for (const { name } of el.attributes) {
      if (/^on/i.test(name)) findings.push(`README: event handler ${name} on ${show(el)}`);
      else if (name === 'style') findings.push(`README: style attribute on ${show(el)}`);
      else if (name === 'id' || name === 'name' || name.startsWith('data-')) findings.push(`README: ${name} attribute on ${show(el)}`);
      else if (['src', 'srcdoc', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background'].includes(name) && el.tagName !== 'IMG')
        findings.push(`README: ${name} attribute on ${show(el)}`);
    }
  }
  for (const a of markdown.querySelectorAll('[href]')) {
    if (!/^(https?:|mailto:|#)/i.test(a.getAttribute('href').trim())) findings.push(`README: link ${show(a)}`);
  }
  for (const img of markdown.querySelectorAll('img')) {
    if (!/^(https:|data:)/i.test((img.getAttribute('src') ?? '').trim())) findings.push(`README: image ${show(img)}`);
  }
  // The whole card (title, metadata, tables, the push and inference forms), for what must never be there.
  for (const el of app.querySelectorAll('script, iframe, frame, object, embed, base, meta')) findings.push(`card: ${show(el)}`);
  for (const el of [app, ...app.querySelectorAll('*')]) {
    for (const { name, value } of el.attributes) {
      if (/^on/i.test(name)) findings.push(`card: event handler ${name} on ${show(el)}`);
      if (/^\s*(javascript|vbscript|data):/i.test(value) && ['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)) findings.push(`card: ${name} on ${show(el)}`);
    }
  }
  const text = (el) => el?.textContent ?? '';
  const title = app.querySelector('[data-testid="card-title"]');
  const frontMatter = [...app.querySelectorAll('[data-testid="front-matter"] dd')].map((dd) => ({
    key: dd.getAttribute('data-key') ?? '',
    value: text(dd),
    elements: dd.childElementCount,
  }));
  const tables = [...app.querySelectorAll('[data-testid="results-table"]')].map((table) => ({
    split: table.getAttribute('data-split'),
    cells: [...table.querySelectorAll('tbody td')].map((td) => ({ text: text(td), elements: td.childElementCount })),
  }));
  return {
    findings,
    checked: inside.length,
    title: text(title),
    titleElements: title?.childElementCount ?? -1,
    markdownText: text(markdown),
    frontMatter,
    tables,
    inferenceText: app.querySelector('[data-testid="inference-text"]')?.value ?? '',
    pushButtons: document.querySelectorAll('[data-testid="push-submit"]').length,
    safeLinks: [...markdown.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
    boldTexts: [...markdown.querySelectorAll('b, strong')].map(text),
    bodyText: document.body.innerText,
  };
}

// ── Checks every step is held to ──────────────────────────────────────────────

/** Errors our extension logged: [error] entries of its own log, and of the extension host's log that name it. */
class ExtensionLogWatch {
  constructor(session) {
    this.session = session;
    /** @type {Map<string, number>} bytes already read per file */
    this.read = new Map();
  }

  /** Error entries written since the last call. */
  newErrors() {
    const errors = [];
    for (const file of this.session.logFiles(/(exthost\d*\.log|remoteexthost\.log|SageMaker HF Trainer\.log)$/)) {
      const ours = file.includes(extensionId);
      const size = fs.statSync(file).size;
      const from = this.read.get(file) ?? 0;
      if (size <= from) continue;
      const fd = fs.openSync(file, 'r');
      const buffer = Buffer.alloc(size - from);
      fs.readSync(fd, buffer, 0, buffer.length, from);
      fs.closeSync(fd);
      // Only whole lines: a line still being written is read next time.
      const text = buffer.toString('utf8');
      const end = text.lastIndexOf('\n') + 1;
      this.read.set(file, from + Buffer.byteLength(text.slice(0, end)));
      for (const entry of logEntries(text.slice(0, end))) {
        if (entry.level !== 'error') continue;
        if (
          ours ||
          entry.text.includes(extensionId) ||
          (this.session.extensionPath && entry.text.includes(this.session.extensionPath)) ||
          entry.text.includes(path.join(repoRoot, 'out'))
        ) {
          errors.push(`${path.basename(file)}: ${entry.text.split('\n').slice(0, 4).join(' | ')}`);
        }
      }
    }
    return errors;
  }
}

function logEntries(text) {
  const entries = [];
  for (const line of text.split('\n')) {
    const head = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[(\w+)\]/.exec(line);
    if (head) entries.push({ level: head[1], text: line });
    else if (entries.length && line) entries.at(-1).text += `\n${line}`;
  }
  return entries;
}

/** The host of the image step 9 has the Model Card's CSP block, to prove the check reaches the webview. */
const CSP_CANARY_HOST = 'e2e-csp-canary.invalid';

/**
 * CSP violations Chromium reports from our extension's webview frames. A report that names
 * CSP_CANARY_HOST goes to `onCanary` instead, with whether it would have counted.
 */
function watchCsp(page, onViolation, onCanary) {
  page.on('console', (message) => {
    const text = message.text();
    if (!/Content Security Policy|Refused to /.test(text)) return;
    // The session's reporter names the frame itself; Chromium's own messages come with its location.
    const where = /^\[e2e-csp\] Content Security Policy violation in (\S+):/.exec(text)?.[1] ?? message.location()?.url ?? '';
    const inOurWebview = where.includes(`extensionId=${extensionId}`) || where.includes('/webview/browser/pre/');
    if (text.includes(CSP_CANARY_HOST)) onCanary({ inOurWebview, where, text });
    else if (inOurWebview) onViolation(text.slice(0, 400));
    else diag(`CSP report outside our webviews (not counted): ${text.slice(0, 200)}`);
  });
}

/**
 * Script dialogs (alert, confirm, prompt, print) from any frame: the ones Playwright sees, the ones
 * the sandbox of a webview swallows (Chromium says so on the console), and the calls the session's
 * probe reports. None is legitimate in the workbench, so any is an injected script that ran.
 */
function watchDialogs(page, onDialog) {
  page.on('dialog', (dialog) => {
    // Closing the page may ask before unloading; that is the workbench, not a script we injected.
    if (dialog.type() === 'beforeunload') {
      dialog.accept().catch(() => {});
      return;
    }
    onDialog(`${dialog.type()}("${dialog.message().slice(0, 200)}")`);
    dialog.dismiss().catch(() => {});
  });
  page.on('console', (message) => {
    const text = message.text();
    if (text.startsWith('[e2e-dialog]') || /Ignored call to '(alert|confirm|prompt|print)\(\)'/.test(text)) onDialog(text.slice(0, 300));
  });
}

// ── Small helpers ─────────────────────────────────────────────────────────────

/**
 * Service Quotas and the Price List as a user with a raised quota sees them: SageMaker offers every
 * catalog type in us-east-1, the account may run 2 ml.p3dn.24xlarge for training, and prices come
 * from the bundled table (as the demo fake serves them).
 */
function awsExtrasSetup() {
  const { listInstanceTypes } = require(compiled('src/core/catalog/instanceTypes.js'));
  const table = JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'prices', 'sagemaker-training-prices.json'), 'utf8'));
  const prices = Object.entries(table.regions).flatMap(([region, byType]) => Object.entries(byType).map(([instanceType, usd]) => ({ region, instanceType, usd })));
  return {
    trainingOffer: { [AWS.region]: listInstanceTypes().map((t) => t.name) },
    quotaValues: { 'ml.p3dn.24xlarge for training job usage': 2 },
    prices,
    maxLifetimeMs: (budgetSeconds + 60) * 1000,
  };
}

function compiled(relative) {
  return path.join(repoRoot, 'out', relative);
}

function lineOf(lines, pattern) {
  const index = lines.findIndex((l) => pattern.test(l));
  return index < 0 ? undefined : index + 1;
}

function expectSame(actual, expected, what) {
  const a = JSON.stringify(sortKeys(actual));
  const e = JSON.stringify(sortKeys(expected));
  expect(a === e, `moto stored ${what} ${a}, the preview showed ${e}`);
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  return value;
}

/** Polls `condition` until it holds; fails with `describe()` after `timeoutMs`. */
async function expectSoon(condition, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition().catch(() => false)) return;
    if (Date.now() > deadline) throw new JourneyError(await describe());
    await delay(250);
  }
}

function listFiles(dir) {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String) : [];
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new JourneyError(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function copyWorkspace(target) {
  fs.cpSync(workspaceFixture, target, { recursive: true });
  fs.cpSync(path.join(repoRoot, 'examples', 'seed-bart-samsum'), path.join(target, 'seed-bart-samsum'), { recursive: true });
  // No quickstart: step 8 creates it through the walkthrough, as a new user would.
  // Step 9's XSS corpus: a run folder (no README.md) and a folder with a hostile README.md.
  for (const name of ['hostile-run', 'hostile-readme']) fs.cpSync(path.join(hostileFixtures, name), path.join(target, name), { recursive: true });
}

// The extension is packaged from src/ for each run; what can be stale is out/, the compiled emulators
// and the extension's own code that the journey calls directly (fallbacks, the AWS clients).
function staleBuildWarning() {
  const built = path.join(repoRoot, 'out', 'src', 'extension.js');
  const newest = fs
    .readdirSync(path.join(repoRoot, 'src'), { recursive: true })
    .map((f) => path.join(repoRoot, 'src', String(f)))
    .filter((f) => f.endsWith('.ts'))
    .reduce((m, f) => Math.max(m, fs.statSync(f).mtimeMs), 0);
  if (!fs.existsSync(built) || newest > fs.statSync(built).mtimeMs)
    diag('out/src/extension.js is older than src/: the emulators and fallbacks run the last compile; run `npx tsc -p tsconfig.json`');
}

// ── The run ───────────────────────────────────────────────────────────────────

async function main() {
  const { values } = parseArgs({ options: { only: { type: 'string' }, keep: { type: 'boolean' }, vsix: { type: 'string' } } });
  const only = values.only ? new Set(values.only.split(',').map(Number)) : undefined;
  steps.push({ n: steps.length + 1, name: 'failed job: Show Diagnosis names the cause and opens the frame', timeoutSeconds: 150, run: diagnosisStep });
  steps.push({ n: steps.length + 1, name: 'Job dashboard: curves and host lines, a failed job with a clickable frame', timeoutSeconds: 180, run: dashboardStep });
  steps.push({ n: steps.length + 1, name: 'what it costs: the cost in the tree, the Clean Up list', timeoutSeconds: 90, run: costInTreeAndCleanUp });
  steps.push({ n: steps.length + 1, name: "a tuning job's trials in the tree: counts, best first, stopped early", timeoutSeconds: 120, run: tuningTreeStep });
  steps.push({ n: steps.length + 1, name: 'Compare Runs: two jobs selected in the tree, the differences highlighted', timeoutSeconds: 150, run: compareRunsStep });
  const selected = steps.filter((s) => !only || only.has(s.n));
  const started = Date.now();
  const results = [];

  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  log(`e2e: screenshots and logs go to ${path.relative(repoRoot, resultsDir)}/`);

  const problem =
    sessionPrerequisiteProblem() ??
    (fs.existsSync(compiled('test/emulators/moto/motoServer.js')) ? undefined : 'out/ is missing the compiled emulators; run `npx tsc -p tsconfig.json`') ??
    require(compiled('test/emulators/moto/motoServer.js')).motoInstallProblem();
  if (problem) {
    diag(problem);
    return { passed: 0, failed: 1 };
  }
  staleBuildWarning();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-e2e-'));
  const owned = { session: undefined, moto: undefined, hub: undefined, extras: undefined, clients: undefined };
  // Last resort when this process dies without reaching `finally`.
  const onExit = () => {
    owned.session?.killNow();
    if (!values.keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  // A signal, the budget or a crashed page ends the step that runs (its wait is raced against
  // `stopped`), skips the others, and still cleans up and reports.
  let stopAll = false;
  let stopRun = (/** @type {Error} */ _reason) => {};
  const stopped = new Promise((_, reject) => {
    stopRun = reject;
  });
  stopped.catch(() => {});
  const stop = (why) => {
    if (stopAll) return;
    stopAll = true;
    diag(`stopping: ${why}`);
    stopRun(new JourneyError(`stopped: ${why}`));
  };
  let interrupted;
  const onSignal = (signal) => {
    if (interrupted) process.exit(130);
    interrupted = signal;
    stop(`${signal} (cleaning up first; a second one exits at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const hardStop = setTimeout(() => {
    stop(`the run exceeded its ${budgetSeconds} s budget`);
    owned.session?.killNow();
  }, budgetSeconds * 1000);

  let teardownFailure;
  try {
    const { startMoto } = require(compiled('test/emulators/moto/motoServer.js'));
    const { startHubEmulator } = require(compiled('test/emulators/hub/hubEmulator.js'));
    const { startAwsExtras } = require(compiled('test/emulators/awsExtras/awsExtras.js'));
    const { AwsClients } = require(compiled('src/aws/awsClients.js'));
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    owned.moto = await startMoto({ simSeconds, logLinesPerHost: 6, maxLifetimeSeconds: budgetSeconds + 60 });
    owned.hub = await startHubEmulator({ maxLifetimeMs: (budgetSeconds + 60) * 1000, xet: true });
    owned.extras = await startAwsExtras(awsExtrasSetup());
    const endpoint = owned.moto.endpoint;
    const endpoints = {
      sagemaker: endpoint,
      s3: endpoint,
      logs: endpoint,
      cloudwatch: endpoint,
      sts: endpoint,
      iam: endpoint,
      serviceQuotas: owned.extras.endpoint,
      pricing: owned.extras.endpoint,
    };
    owned.clients = new AwsClients({ ...AWS, endpoints });
    // The seed names its role `SageMakerRole`: launch expands it through IAM, as the SDK does, and the
    // preflight checks that SageMaker may assume it.
    const { CreateRoleCommand } = require('@aws-sdk/client-iam');
    const { sagemakerTrustPolicy } = require(compiled('src/core/preflight/nextSteps.js'));
    await owned.clients.iam().send(new CreateRoleCommand({ RoleName: 'SageMakerRole', Path: '/service-role/', AssumeRolePolicyDocument: sagemakerTrustPolicy() }));
    log(`e2e: moto at ${endpoint} (jobs take ${simSeconds} s), Service Quotas and Price List at ${owned.extras.endpoint}, Hub emulator at ${owned.hub.url}`);

    const workspace = path.join(tmp, 'workspace');
    copyWorkspace(workspace);
    const vsix = await packagedExtension({ tmp, vsix: values.vsix, log });
    owned.session = await startVsCodeSession({
      tmp,
      workspace,
      vsix,
      viewport,
      lifetimeSeconds: budgetSeconds + 30,
      env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: AWS.region },
      // Where the Hub token and signed AWS requests go is a user-level choice only (issue 14): the Hub
      // and inference endpoints have scope `application` (user settings), the AWS endpoints scope
      // `machine`, which code-server's remote window reads from the Remote settings only.
      settings: {
        'sagemakerHf.aws.region': AWS.region,
        'sagemakerHf.hub.endpoint': owned.hub.url,
        // The hub emulator's dedicated-endpoint route: summarization of whatever model is named.
        'sagemakerHf.inference.endpointUrl': `${owned.hub.url}/endpoints/bart-large-cnn-samsum`,
        'sagemakerHf.jobs.refreshIntervalSeconds': 2,
        'sagemakerHf.local.installRequirements': 'never',
      },
      remoteSettings: {
        'sagemakerHf.aws.endpoints': endpoints,
        'sagemakerHf.local.pythonInterpreter': '/usr/bin/python3',
      },
    });
    const { page } = owned.session;
    const wb = new Workbench(page);
    let current;
    const stepProblems = new Map();
    const addProblem = (n, text) => stepProblems.set(n, [...(stepProblems.get(n) ?? []), text]);
    const cspCanaries = [];
    const dialogs = [];
    watchCsp(
      page,
      (text) => addProblem(current?.n ?? 0, `CSP violation in our webview: ${text}`),
      (canary) => cspCanaries.push(canary),
    );
    watchDialogs(page, (text) => {
      dialogs.push(text);
      addProblem(current?.n ?? 0, `a script dialog was opened: ${text}`);
    });
    page.on('crash', () => {
      addProblem(current?.n ?? 0, 'the workbench page crashed');
      stop('the workbench page crashed');
    });
    await owned.session.open();
    const logWatch = new ExtensionLogWatch(owned.session);
    log(`e2e: VS Code (code-server) is up after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    /** @type {Journey} */
    const journey = {
      wb,
      page,
      workspace,
      moto: owned.moto,
      hub: owned.hub,
      clients: owned.clients,
      shot: async () => {},
      check: () => {},
      jobName: undefined,
      launchedHere: false,
      modelFolder: undefined,
      pushedRepo: undefined,
      cspCanaries,
      dialogs,
    };

    for (const step of selected) {
      const label = `${String(step.n).padStart(2, '0')}`;
      if (stopAll) {
        results.push({ step, ok: false, seconds: 0, detail: 'not run: the run was stopped' });
        continue;
      }
      current = step;
      journey.shot = async (name) => {
        await wb.screenshot(path.join(resultsDir, `${label}-${name}.png`));
      };
      journey.check = (condition, message) => {
        if (!condition) addProblem(step.n, message);
      };
      const t0 = Date.now();
      let detail;
      let failure;
      const remaining = budgetSeconds - 20 - (Date.now() - started) / 1000;
      const running = step.run(journey);
      try {
        detail = await Promise.race([withTimeout(running, Math.max(5, Math.min(step.timeoutSeconds, remaining)) * 1000, `step ${step.n}`), stopped]);
      } catch (error) {
        failure = error instanceof JourneyError ? error.message : `${error?.stack ?? error}`.split('\n').slice(0, 6).join('\n    ');
        await wb.screenshot(path.join(resultsDir, `${label}-failed.png`)).catch(() => {});
        // A step cut short by its timeout may still be clicking: let it run out before the next.
        if (!stopAll) await Promise.race([running.catch(() => {}), delay(15_000)]);
        running.catch(() => {});
      }
      await delay(300);
      for (const error of logWatch.newErrors()) addProblem(step.n, `our extension logged an error: ${error}`);
      const problems = stepProblems.get(step.n) ?? [];
      const ok = !failure && problems.length === 0;
      const why = [failure, ...problems].filter(Boolean).join('\n    ');
      results.push({ step, ok, seconds: (Date.now() - t0) / 1000, detail: ok ? detail : why });
      log(`${ok ? '  ✔' : '  ✘'} ${step.n}. ${step.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      log(`      ${ok ? (detail ?? '') : why}`);
      await recover(wb).catch(() => {});
    }
    current = undefined;

    // Errors logged after the last step (code-server flushes on exit) count too.
    await owned.session.close();
    const late = [...logWatch.newErrors(), ...(stepProblems.get(0) ?? [])];
    if (late.length) teardownFailure = late.join('\n    ');
    copyLogs(owned.session);
  } catch (error) {
    teardownFailure = `the journey could not run: ${error?.stack ?? error}`;
    if (owned.session) diag(`--- code-server log (last lines) ---\n${owned.session.codeServerLogTail()}`);
  } finally {
    clearTimeout(hardStop);
    await owned.session?.close().catch(() => {});
    owned.clients?.destroy?.();
    await owned.hub?.stop().catch(() => {});
    await owned.extras?.stop().catch(() => {});
    await owned.moto?.stop().catch(() => {});
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (values.keep) log(`e2e: kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }

  for (const step of selected) {
    if (!results.some((r) => r.step === step)) results.push({ step, ok: false, seconds: 0, detail: 'not run' });
  }
  if (teardownFailure) {
    log(`  ✘ after the steps: ${teardownFailure}`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed + (teardownFailure ? 1 : 0);
  log('');
  log(`e2e: ${((Date.now() - started) / 1000).toFixed(0)} s in all; screenshots: ${path.relative(repoRoot, resultsDir)}/`);
  for (const r of results.filter((x) => !x.ok)) log(`  failed: ${r.step.n}. ${r.step.name}: ${r.detail.split('\n')[0]}`);
  return { passed, failed, interrupted };
}

/**
 * Leaves the workbench as a step expects to find it: no dialog, menu, quick input or suggestion left
 * open by a failed step. Escape only when one is open: it would also hide the notifications.
 */
async function recover(wb) {
  const { page } = wb;
  if (await wb.dialog().isVisible()) {
    const cancel = wb
      .dialog()
      .locator('.monaco-button', { hasText: /^(Cancel|Close|OK)$/ })
      .first();
    if (await cancel.isVisible()) await cancel.click();
  }
  for (let i = 0; i < 3; i++) {
    const open = page.locator('.quick-input-widget, .context-view .monaco-menu, .suggest-widget.visible, .monaco-dialog-box').filter({ visible: true });
    if ((await open.count()) === 0) break;
    await wb.focusWorkbench();
    await page.keyboard.press('Escape');
  }
  await wb.restMouse();
}

function copyLogs(session) {
  const target = path.join(resultsDir, 'logs');
  fs.mkdirSync(target, { recursive: true });
  for (const file of session.logFiles(/(remoteexthost\.log|exthost\d*\.log|SageMaker HF Trainer\.log|remoteagent\.log)$/)) {
    fs.copyFileSync(file, path.join(target, path.basename(file)));
  }
  if (fs.existsSync(session.dirs.codeServerLog)) fs.copyFileSync(session.dirs.codeServerLog, path.join(target, 'code-server.log'));
}

let outcome;
try {
  outcome = await main();
} catch (error) {
  diag(`${error?.stack ?? error}`);
  outcome = { passed: 0, failed: 1 };
}
process.stdout.write(`e2e: ${outcome.passed} passed, ${outcome.failed} failed\n`);
process.exitCode = outcome.interrupted === 'SIGINT' ? 130 : outcome.interrupted === 'SIGTERM' ? 143 : outcome.failed > 0 ? 1 : 0;
// Pending handles (an unref'd timer of an emulator) must not keep a finished run alive.
setTimeout(() => process.exit(), 2000).unref();
