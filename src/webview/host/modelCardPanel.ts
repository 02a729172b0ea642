// The "Model Card" panel: one WebviewPanel per model folder showing its README.md rendered, the run's
// results and training curves, a Push to Hub form and an inference test.
//
// README.md policy. README.md is the card: what the panel shows and what a push uploads.
// - When the folder has none, the panel generates it from the run files (and the job, when known) and
//   writes it on first open, so that Edit and Push work on a real file and what is pushed is what is shown.
// - When it exists, it is shown as it is and never replaced silently: if a run file is newer, the view says
//   so and offers "Regenerate", which asks before replacing text that differs from the generated card.
// - While README.md is open in an editor, the preview follows the editor's text, saved or not.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { ModelFolderError, README, readJobRecord, readModelFolder } from '../../artifacts/modelFolder';
import type { ModelFolderRun } from '../../artifacts/modelFolder';
import { hubRepoIdProblem, repoIdProblem } from '../../core/hubRepoId';
import { isRecord } from '../../core/isRecord';
import { isRunFile } from '../../core/modelCard/runFiles';
import type { JobDescriptionForCard } from '../../core/modelCard/modelCardJob';
import { Cancelled } from '../../host/commandRunner';
import { Disposable } from '../../host/lifecycle';
import type { ComponentLog } from '../../host/log';
import { Setting, WalkthroughDone } from '../../host/ids';
import type { Services } from '../../host/services';
import { markWalkthroughStep } from '../../host/walkthrough';
import {
  MAX_INFERENCE_TEXT,
  MODEL_CARD_VIEW_TYPE,
  isModelCardViewState,
  isViewMessage,
} from '../protocol';
import type {
  CardContent,
  HostMessage,
  InferenceFailure,
  InferenceOutcome,
  InferenceRequest,
  PushDefaults,
  PushFailure,
  PushOutcome,
  PushRequest,
  PushStatus,
  TokenStatus,
  ViewMessage,
} from '../protocol';
import { createNonce, modelCardHtml } from './modelCardHtml';
import { applyPushProgress, newPushStatus } from './pushStatus';
import { buildCardContent, cardJobFromDescription, defaultRepoName, generateCard, storableJobDescription } from './modelFolderCard';
import type { CardJob } from './modelFolderCard';

const SET_TOKEN_COMMAND = 'sagemakerHf.setHubToken';
const SET_TOKEN_ACTION = 'Set Hugging Face Token';
/** workspaceState: per folder, the job it came from and the repository it was last pushed to. */
const FOLDER_STATE_KEY = 'sagemakerHf.modelCard.folders';
const MAX_REMEMBERED_FOLDERS = 50;
/** How long the preview waits after the last keystroke in README.md before rendering again. */
const EDIT_DEBOUNCE_MS = 250;
const DEFAULT_COMMIT_MESSAGE = 'Upload model fine-tuned on Amazon SageMaker';

interface RememberedFolder {
  job?: JobDescriptionForCard;
  pushedRepo?: string;
}

export interface ModelCardTarget {
  /** The model folder, an absolute path. */
  folder: string;
  /** The training job the folder came from, when known: the card then describes hardware and hyperparameters. */
  job?: JobDescriptionForCard;
}

/**
 * Open panels, per extension activation. Keyed by the Services object rather than held in a module
 * variable, so that nothing outlives (or is shared between) activations.
 */
const openPanels = new WeakMap<Services, Map<string, ModelCardPanel>>();

function panelsOf(services: Services): Map<string, ModelCardPanel> {
  let panels = openPanels.get(services);
  if (!panels) openPanels.set(services, (panels = new Map()));
  return panels;
}

type InferenceState = { running: string } | { result: InferenceOutcome } | { error: InferenceFailure };

export class ModelCardPanel extends Disposable {
  /** Shows the panel of `target.folder`, revealing it when it is already open. */
  static show(services: Services, target: ModelCardTarget): ModelCardPanel {
    const folder = path.resolve(target.folder);
    const panels = panelsOf(services);
    const open = panels.get(folder);
    if (open) {
      if (target.job) void open.useJob(target.job);
      open.panel.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(MODEL_CARD_VIEW_TYPE, panelTitle(folder), vscode.ViewColumn.Active, webviewOptions(services));
    markWalkthroughStep(WalkthroughDone.modelCard);
    return new ModelCardPanel(services, panel, folder, target.job);
  }

  /** Adopts a panel VS Code restored after a reload; its state was checked by the serializer. */
  static revive(services: Services, panel: vscode.WebviewPanel, folder: string): ModelCardPanel {
    const resolved = path.resolve(folder);
    const existing = panelsOf(services).get(resolved);
    if (existing) {
      // Restored twice (two windows' state for one folder): keep one.
      panel.dispose();
      existing.panel.reveal();
      return existing;
    }
    panel.webview.options = webviewOptions(services);
    return new ModelCardPanel(services, panel, resolved, undefined);
  }

  readonly folder: string;
  private readonly readmeUri: vscode.Uri;
  private readonly log: ComponentLog;
  private ready = false;
  private isDisposed = false;
  private job: JobDescriptionForCard | undefined;
  private run: ModelFolderRun | undefined;
  private card: CardContent | undefined;
  private cardError: string | undefined;
  /** What the panel last did to README.md, shown until the user asks for something else. */
  private notice: string | undefined;
  private token: TokenStatus = { set: false };
  private defaults: PushDefaults;
  private push: PushStatus | undefined;
  private pushEnd: { result: PushOutcome } | { error: PushFailure } | undefined;
  private pushAbort: AbortController | undefined;
  private inference: InferenceState | undefined;
  private inferenceAbort: AbortController | undefined;
  private loadSeq = 0;
  private editTimer: ReturnType<typeof setTimeout> | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    private readonly services: Services,
    private readonly panel: vscode.WebviewPanel,
    folder: string,
    job: JobDescriptionForCard | undefined,
  ) {
    super();
    this.folder = folder;
    this.readmeUri = vscode.Uri.file(path.join(folder, README));
    this.log = services.log.for('modelCard');
    this.job = job;
    const remembered = this.remembered();
    this.defaults = {
      name: path.basename(folder),
      namespaces: [],
      private: true,
      commitMessage: DEFAULT_COMMIT_MESSAGE,
      ...(remembered.pushedRepo ? { pushedRepo: remembered.pushedRepo } : {}),
    };
    panelsOf(services).set(folder, this);

    const webview = panel.webview;
    const extensionUri = services.context.extensionUri;
    webview.html = modelCardHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'modelCard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview', 'modelCard.css')).toString(),
      title: panelTitle(folder),
    });
    this.register(webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    this.register(panel.onDidDispose(() => this.dispose()));
    // Without retainContextWhenHidden the page is torn down while hidden; it says `ready` again when shown.
    this.register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.fsPath === this.readmeUri.fsPath) this.scheduleEditPreview();
    }));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.fsPath === this.readmeUri.fsPath) this.scheduleReload();
    }));
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '*')));
    const onFile = (uri: vscode.Uri) => {
      const name = path.basename(uri.fsPath);
      if (name === README || isRunFile(name)) this.scheduleReload();
    };
    this.register(watcher.onDidChange(onFile));
    this.register(watcher.onDidCreate(onFile));
    this.register(watcher.onDidDelete(onFile));

    if (job) void this.rememberJob(job);
    void this.load();
    void this.refreshAccount();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    // A push carries on after the panel closes: its notification still shows progress and can cancel it.
    this.inferenceAbort?.abort();
    clearTimeout(this.editTimer);
    clearTimeout(this.reloadTimer);
    const panels = openPanels.get(this.services);
    if (panels?.get(this.folder) === this) panels.delete(this.folder);
    super.dispose();
    this.panel.dispose();
  }

  // ── Messages ────────────────────────────────────────────────────────────────

  private post(message: HostMessage): void {
    // Before `ready` the page cannot listen; it gets everything in the snapshot that follows `ready`.
    if (!this.ready || this.isDisposed) return;
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.log.debug('post failed:', err));
  }

  private postSnapshot(): void {
    if (this.card) this.post({ type: 'card', card: this.card });
    else if (this.cardError) this.post({ type: 'cardError', folder: this.folder, message: this.cardError });
    this.post({ type: 'tokenStatus', status: this.token });
    this.post({ type: 'pushDefaults', defaults: this.defaults });
    if (this.push) this.post({ type: 'pushProgress', status: this.push });
    if (this.pushEnd && 'result' in this.pushEnd) this.post({ type: 'pushResult', result: this.pushEnd.result });
    if (this.pushEnd && 'error' in this.pushEnd) this.post({ type: 'pushError', error: this.pushEnd.error });
    if (this.inference && 'running' in this.inference) this.post({ type: 'inferenceRunning', model: this.inference.running });
    if (this.inference && 'result' in this.inference) this.post({ type: 'inferenceResult', result: this.inference.result });
    if (this.inference && 'error' in this.inference) this.post({ type: 'inferenceError', error: this.inference.error });
  }

  private receive(message: unknown): void {
    if (!isViewMessage(message)) {
      // The page is ours, but it renders untrusted text: anything off-protocol is dropped, never acted on.
      this.log.warn('ignored a message that is not part of the protocol:', typeof message === 'object' && message !== null && 'type' in message ? String((message as { type: unknown }).type).slice(0, 40) : typeof message);
      return;
    }
    void this.handle(message).catch((err: unknown) => {
      // The panel's actions report failures like commands do: logged once, shown with a way to the log.
      if (err instanceof Cancelled || err instanceof vscode.CancellationError) return;
      this.log.error(`${message.type} failed:`, err);
      void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err), 'Show Log').then((choice) => {
        if (choice === 'Show Log') this.services.log.show();
      });
    });
  }

  private async handle(message: ViewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.postSnapshot();
        return;
      case 'refresh':
        this.notice = undefined;
        await Promise.all([this.load(), this.refreshAccount()]);
        return;
      case 'edit':
        this.notice = undefined;
        await this.edit();
        return;
      case 'generate':
        await this.regenerate();
        return;
      case 'push':
        await this.pushToHub(message.request);
        return;
      case 'cancelPush':
        this.pushAbort?.abort();
        return;
      case 'setToken':
        await vscode.commands.executeCommand(SET_TOKEN_COMMAND);
        await this.refreshAccount();
        return;
      case 'infer':
        await this.runInference(message.request);
        return;
      case 'cancelInference':
        this.inferenceAbort?.abort();
        return;
      case 'configureEndpoint':
        // The User tab: only the user's own settings can set where the token goes (a workspace value is ignored).
        await vscode.commands.executeCommand('workbench.action.openGlobalSettings', { query: Setting.inferenceEndpointUrl });
        return;
    }
  }

  // ── The card ────────────────────────────────────────────────────────────────

  private async cardJob(): Promise<CardJob | undefined> {
    const job = this.job ?? this.remembered().job ?? (await readJobRecord(this.folder))?.description;
    return cardJobFromDescription(job);
  }

  private async useJob(job: JobDescriptionForCard): Promise<void> {
    this.job = job;
    await this.rememberJob(job);
    await this.load();
  }

  private openReadme(): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.fsPath === this.readmeUri.fsPath && !d.isClosed);
  }

  /** Reads the folder and shows the card; writes README.md first when there is none (see the top of this file). */
  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const run = await readModelFolder(this.folder);
      const cardJob = await this.cardJob();
      const open = this.openReadme();
      let readmeText: string;
      let source: CardContent['readmeSource'];
      if (open?.isDirty) {
        readmeText = open.getText();
        source = 'editor';
      } else if (run.readme) {
        readmeText = run.readme.text;
        source = 'file';
      } else {
        readmeText = generateCard(run, cardJob, this.remembered().pushedRepo).readme;
        const written = await this.writeReadme(readmeText);
        source = written === true ? 'file' : 'generated';
        this.notice = written === true ? 'README.md was generated from the run files.' : `README.md could not be written (${written}); this is the generated card, not saved.`;
        if (written === true) run.readme = { text: readmeText, mtimeMs: Date.now() };
      }
      if (seq !== this.loadSeq || this.isDisposed) return;
      this.run = run;
      this.card = buildCardContent({ run, cardJob, readmeText, readmeSource: source, ...(this.notice ? { notice: this.notice } : {}) });
      this.cardError = undefined;
      this.panel.title = panelTitle(this.folder, this.card.title);
      this.defaults = { ...this.defaults, name: defaultRepoName({ folder: this.folder, cardJob, readmeText, files: run.files }) };
      this.post({ type: 'card', card: this.card });
      this.post({ type: 'pushDefaults', defaults: this.defaults });
    } catch (err) {
      if (seq !== this.loadSeq || this.isDisposed) return;
      if (!(err instanceof ModelFolderError)) this.log.error('building the card failed:', err);
      this.card = undefined;
      this.cardError = err instanceof Error ? err.message : String(err);
      this.post({ type: 'cardError', folder: this.folder, message: this.cardError });
    }
  }

  /** The preview follows README.md's editor text without touching the disk. */
  private scheduleEditPreview(): void {
    clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => {
      const open = this.openReadme();
      if (!open || !this.run || this.isDisposed) return;
      void this.cardJob().then((cardJob) => {
        if (!this.run || this.isDisposed) return;
        const readmeText = open.getText();
        this.card = buildCardContent({ run: this.run, cardJob, readmeText, readmeSource: open.isDirty ? 'editor' : 'file', ...(this.notice ? { notice: this.notice } : {}) });
        this.panel.title = panelTitle(this.folder, this.card.title);
        this.defaults = { ...this.defaults, name: defaultRepoName({ folder: this.folder, cardJob, readmeText, files: this.run.files }) };
        this.post({ type: 'card', card: this.card });
      });
    }, EDIT_DEBOUNCE_MS);
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.load(), EDIT_DEBOUNCE_MS);
  }

  /** true, or the reason it could not be written. */
  private async writeReadme(text: string): Promise<true | string> {
    try {
      await vscode.workspace.fs.writeFile(this.readmeUri, new TextEncoder().encode(text));
      return true;
    } catch (err) {
      this.log.warn(`cannot write ${this.readmeUri.fsPath}:`, err);
      return err instanceof vscode.FileSystemError ? err.code : err instanceof Error ? err.message : String(err);
    }
  }

  /** Replaces README.md's text, through the editor when it is open so that its undo history keeps the old text. */
  private async replaceReadme(text: string): Promise<void> {
    const open = this.openReadme();
    if (open) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(open.uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
      if (!(await vscode.workspace.applyEdit(edit)) || !(await open.save())) throw new Error(`README.md in ${this.folder} could not be replaced: it is open in an editor that refused the change.`);
      return;
    }
    const written = await this.writeReadme(text);
    if (written !== true) throw new Error(`Cannot write README.md in ${this.folder} (${written}).`);
  }

  private async edit(): Promise<void> {
    if (!this.openReadme()) {
      const run = this.run ?? (await readModelFolder(this.folder));
      if (!run.readme) await this.replaceReadme(generateCard(run, await this.cardJob(), this.remembered().pushedRepo).readme);
    }
    await vscode.window.showTextDocument(this.readmeUri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }

  private async regenerate(): Promise<void> {
    const run = await readModelFolder(this.folder);
    const generated = generateCard(run, await this.cardJob(), this.remembered().pushedRepo).readme;
    const current = this.openReadme()?.getText() ?? run.readme?.text;
    if (current !== undefined && current !== generated) {
      const replace = 'Replace README.md';
      const choice = await vscode.window.showWarningMessage(
        `Replace README.md in ${path.basename(this.folder)} with a card generated from the run files?`,
        { modal: true, detail: 'Changes made to README.md by hand are lost (when it is open in an editor, Undo brings them back).' },
        replace,
      );
      if (choice !== replace) return;
    }
    if (current !== generated) await this.replaceReadme(generated);
    this.notice = current === generated ? 'README.md is already the card generated from the run files.' : 'README.md was regenerated from the run files.';
    await this.load();
  }

  // ── Hub account ─────────────────────────────────────────────────────────────

  private async refreshAccount(): Promise<void> {
    const token = await this.services.hub.token();
    let status: TokenStatus = { set: false };
    let namespaces: string[] = [];
    if (token) {
      status = { set: true, source: token.source };
      try {
        const { hubWhoAmI } = require('../../hub/hubAccount') as typeof import('../../hub/hubAccount');
        const account = await hubWhoAmI({ accessToken: token.token, ...(this.services.settings.hubUrl ? { hubUrl: this.services.settings.hubUrl } : {}) });
        status.account = account.name;
        namespaces = [account.name, ...account.orgs];
        if (account.tokenRole && account.tokenRole !== 'write' && account.tokenRole !== 'fineGrained') {
          status.problem = `This token's role is "${account.tokenRole}": pushing needs a token with the "write" role.`;
        }
      } catch (err) {
        // Hub errors are redacted; the token never reaches the page.
        status.problem = err instanceof Error ? err.message : String(err);
      }
    }
    if (this.isDisposed) return;
    this.token = status;
    this.defaults = { ...this.defaults, namespaces };
    this.post({ type: 'tokenStatus', status });
    this.post({ type: 'pushDefaults', defaults: this.defaults });
  }

  private offerSetToken(message: string): void {
    void vscode.window.showWarningMessage(message, SET_TOKEN_ACTION).then(async (choice) => {
      if (choice !== SET_TOKEN_ACTION) return;
      await vscode.commands.executeCommand(SET_TOKEN_COMMAND);
      await this.refreshAccount();
    });
  }

  // ── Push to Hub ─────────────────────────────────────────────────────────────

  private async pushToHub(request: PushRequest): Promise<void> {
    const namespace = request.namespace.trim();
    const name = request.name.trim();
    const repo = `${namespace}/${name}`;
    const fail = (error: PushFailure) => {
      this.pushEnd = { error };
      this.post({ type: 'pushError', error });
    };
    if (this.pushAbort) {
      fail({ code: 'push.running', message: `A push of this folder to ${this.push?.repo ?? 'the Hub'} is still running; wait for it or cancel it.`, offerSetToken: false });
      return;
    }
    const problem = repoIdProblem(namespace, name);
    if (problem) {
      fail({ code: 'hub.repoNameInvalid', message: problem, offerSetToken: false });
      return;
    }
    const token = await this.services.hub.token();
    if (!token) {
      const message = `No Hugging Face token: run "SageMaker HF: ${SET_TOKEN_ACTION}" (it is kept in the OS keychain), or set HF_TOKEN before starting VS Code.`;
      fail({ code: 'hub.tokenMissing', message, offerSetToken: true });
      this.offerSetToken(message);
      return;
    }

    const abort = new AbortController();
    this.pushAbort = abort;
    this.pushEnd = undefined;
    this.push = newPushStatus(repo);
    this.post({ type: 'pushProgress', status: this.push });
    try {
      await this.prepareReadmeForPush(repo);
      const { pushModelFolder } = require('../../hub/pushModelFolder') as typeof import('../../hub/pushModelFolder');
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Pushing ${path.basename(this.folder)} to ${repo}`, cancellable: true },
        (progress, cancel) => {
          cancel.onCancellationRequested(() => abort.abort());
          return pushModelFolder({
            folder: this.folder,
            repo,
            private: request.private,
            commitMessage: request.commitMessage.trim() || DEFAULT_COMMIT_MESSAGE,
            accessToken: token.token,
            ...(this.services.settings.hubUrl ? { hubUrl: this.services.settings.hubUrl } : {}),
            transfer: this.services.settings.hubUploadTransfer,
            signal: abort.signal,
            confirmExternalLinks: (links) => this.confirmExternalLinks(links, repo),
            onProgress: (event) => {
              const status = this.push;
              if (!status) return;
              progress.report({ message: applyPushProgress(status, event) });
              this.post({ type: 'pushProgress', status });
            },
          });
        },
      );
      const outcome: PushOutcome = { repo, repoUrl: result.repoUrl, commitUrl: result.commitUrl, created: result.created, files: result.files.length, skipped: result.skipped };
      this.push = { ...this.push, state: 'succeeded', repoUrl: result.repoUrl, phases: { preuploading: 'done', uploadingLargeFiles: 'done', committing: 'done' } };
      this.pushEnd = { result: outcome };
      this.defaults = { ...this.defaults, pushedRepo: repo };
      await this.remember({ pushedRepo: repo });
      this.log.info(`pushed ${this.folder} to ${repo}: ${result.files.length} files, commit ${result.commitOid}`);
      this.post({ type: 'pushProgress', status: this.push });
      this.post({ type: 'pushResult', result: outcome });
      this.post({ type: 'pushDefaults', defaults: this.defaults });
      const openAction = 'Open on the Hub';
      void vscode.window.showInformationMessage(`Pushed ${result.files.length} files to ${repo}.`, openAction).then((choice) => {
        if (choice === openAction && /^https?:\/\//.test(result.repoUrl)) void vscode.env.openExternal(vscode.Uri.parse(result.repoUrl));
      });
    } catch (err) {
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'push.failed';
      const cancelled = code === 'cancelled' || err instanceof Cancelled || abort.signal.aborted;
      const message = cancelled ? `Push to ${repo} cancelled. Nothing was committed unless the Hub had already accepted the commit.` : err instanceof Error ? err.message : String(err);
      const tokenTrouble = /^hub\.token(Missing|Malformed|Rejected)$/.test(code);
      if (this.push) this.push = { ...this.push, state: cancelled ? 'cancelled' : 'failed' };
      if (this.push) this.post({ type: 'pushProgress', status: this.push });
      fail({ code: cancelled ? 'cancelled' : code, message, offerSetToken: tokenTrouble });
      if (!cancelled) {
        this.log.error(`push of ${this.folder} to ${repo} failed:`, err);
        if (tokenTrouble) this.offerSetToken(message);
        else {
          void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
            if (choice === 'Show Log') this.services.log.show();
          });
        }
      }
    } finally {
      if (this.pushAbort === abort) this.pushAbort = undefined;
    }
  }

  /** The modal that names the files linking out of the folder before their content is published. */
  private async confirmExternalLinks(links: ReadonlyArray<{ path: string; target: string }>, repo: string): Promise<boolean> {
    const one = links.length === 1;
    const push = one ? 'Push Its Target' : 'Push Their Targets';
    const shown = links.slice(0, 10).map((l) => `• ${l.path} → ${l.target}`);
    if (links.length > 10) shown.push(`• and ${links.length - 10} more`);
    const choice = await vscode.window.showWarningMessage(
      `${one ? 'A file' : `${links.length} files`} in ${path.basename(this.folder)} ${one ? 'is a link' : 'are links'} to ${one ? 'a file' : 'files'} outside the folder: ${one ? 'its' : 'their'} content would be published to ${repo}.`,
      { modal: true, detail: `${shown.join('\n')}\n\nPush ${one ? 'it' : 'them'} only if ${one ? 'it belongs' : 'they belong'} in the model. Otherwise remove the links, or copy the files into the folder.` },
      push,
    );
    return choice === push;
  }

  /**
   * What is pushed is what the panel shows: unsaved edits to README.md are saved, a missing README.md is
   * written, and a README.md still exactly as generated is regenerated with the repository id, so that
   * its usage snippet loads the model from the Hub.
   */
  private async prepareReadmeForPush(repo: string): Promise<void> {
    const open = this.openReadme();
    if (open?.isDirty && !(await open.save())) throw new Error(`Save README.md in ${this.folder} before pushing: the editor did not save it.`);
    const run = await readModelFolder(this.folder);
    const cardJob = await this.cardJob();
    const current = run.readme?.text;
    const asGenerated = [undefined, this.remembered().pushedRepo].map((id) => generateCard(run, cardJob, id).readme);
    if (current === undefined || asGenerated.includes(current)) {
      const forRepo = generateCard(run, cardJob, repo).readme;
      if (forRepo !== current) {
        await this.replaceReadme(forRepo);
        this.notice = `README.md was regenerated for ${repo}: its usage snippet loads the model from the Hub.`;
      }
    }
  }

  // ── Inference test ──────────────────────────────────────────────────────────

  private async runInference(request: InferenceRequest): Promise<void> {
    const model = request.model.trim();
    const text = request.text;
    const fail = (error: Omit<InferenceFailure, 'model' | 'alternatives'> & { alternatives?: string[] }) => {
      const full: InferenceFailure = { model, alternatives: [], ...error };
      this.inference = { error: full };
      this.post({ type: 'inferenceError', error: full });
    };
    // NAMESPACE/NAME, or a bare NAME as the Hub's oldest models have (gpt2, t5-small).
    const idProblem = model === '' ? 'Enter the model as NAMESPACE/NAME, e.g. your-user/bart-large-cnn-samsum.' : hubRepoIdProblem(model, { namespace: 'optional' });
    if (idProblem) {
      fail({ code: 'hub.repoNameInvalid', message: idProblem });
      return;
    }
    if (text.trim() === '' || text.length > MAX_INFERENCE_TEXT) {
      fail({ code: 'inference.textInvalid', message: text.trim() === '' ? 'Enter a text to summarize.' : `The text is longer than ${MAX_INFERENCE_TEXT} characters.` });
      return;
    }
    this.inferenceAbort?.abort();
    const abort = new AbortController();
    this.inferenceAbort = abort;
    this.inference = { running: model };
    this.post({ type: 'inferenceRunning', model });
    const endpointUrl = this.services.settings.inferenceEndpointUrl;
    try {
      const token = await this.services.hub.token();
      const { runSummarization } = require('../../hub/runSummarization') as typeof import('../../hub/runSummarization');
      const result = await runSummarization({
        model,
        text,
        signal: abort.signal,
        ...(token ? { accessToken: token.token } : {}),
        ...(this.services.settings.hubUrl ? { hubUrl: this.services.settings.hubUrl } : {}),
        ...(endpointUrl ? { endpointUrl } : {}),
      });
      if (abort.signal.aborted) return;
      this.inference = { result: { model, summary: result.summary, latencyMs: result.latencyMs, via: result.via } };
      this.post({ type: 'inferenceResult', result: this.inference.result });
    } catch (err) {
      if (this.inferenceAbort !== abort && abort.signal.aborted) return; // superseded by a newer run
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'inference.failed';
      const alternatives = (err as { alternatives?: unknown }).alternatives;
      if (code !== 'cancelled' && code !== 'hub.notDeployed') this.log.warn(`inference with ${model} failed:`, err);
      fail({
        code,
        message: err instanceof Error ? err.message : String(err),
        ...(Array.isArray(alternatives) ? { alternatives: alternatives.filter((a): a is string => typeof a === 'string') } : {}),
      });
    } finally {
      if (this.inferenceAbort === abort) this.inferenceAbort = undefined;
    }
  }

  // ── Workspace storage ───────────────────────────────────────────────────────

  private rememberedAll(): Record<string, RememberedFolder> {
    const all = this.services.context.workspaceState.get<unknown>(FOLDER_STATE_KEY);
    return isRecord(all) ? (all as Record<string, RememberedFolder>) : {};
  }

  private remembered(): RememberedFolder {
    const entry = this.rememberedAll()[this.folder];
    return isRecord(entry) ? entry : {};
  }

  private async remember(update: RememberedFolder): Promise<void> {
    const all = { ...this.rememberedAll() };
    const entry = { ...this.remembered(), ...update };
    delete all[this.folder];
    all[this.folder] = entry;
    const keys = Object.keys(all);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_REMEMBERED_FOLDERS))) delete all[old];
    await this.services.context.workspaceState.update(FOLDER_STATE_KEY, all);
  }

  private rememberJob(job: JobDescriptionForCard): Promise<void> {
    return this.remember({ job: storableJobDescription(job) });
  }
}

function webviewOptions(services: Services): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  const root = services.context.extensionUri;
  return {
    enableScripts: true,
    // Only our own bundle and stylesheet: never the model folder or the workspace.
    localResourceRoots: [vscode.Uri.joinPath(root, 'media'), vscode.Uri.joinPath(root, 'dist')],
    enableFindWidget: true,
  };
}

function panelTitle(folder: string, modelName?: string): string {
  return `Model Card: ${modelName ?? path.basename(folder)}`;
}

/** Restores Model Card panels after a window reload, from the folder kept in the page's state. */
export function registerModelCardPanel(services: Services): vscode.Disposable {
  const log = services.log.for('modelCard');
  const serializer = vscode.window.registerWebviewPanelSerializer(MODEL_CARD_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      if (!isModelCardViewState(state)) {
        log.warn('a Model Card panel could not be restored: its saved state is not one this version wrote');
        panel.dispose();
        return;
      }
      ModelCardPanel.revive(services, panel, state.folder);
    },
  });
  return vscode.Disposable.from(serializer, {
    dispose: () => {
      for (const panel of [...panelsOf(services).values()]) panel.dispose();
    },
  });
}
