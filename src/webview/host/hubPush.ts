// The Model Card panel's Push to Hub: the form's defaults, one push at a time with its progress in the page
// and in a cancellable notification, the question before files that link out of the folder are published,
// and the outcome. A push carries on after the panel closes: its notification still shows progress and
// can cancel it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoIdProblem } from '../../core/hubRepoId';
import { Cancelled, reportFailure } from '../../host/commandRunner';
import type { HubSession } from '../../host/hubSession';
import type { Log } from '../../host/log';
import type { Settings } from '../../host/settings';
import type { HostMessage, PushDefaults, PushFailure, PushOutcome, PushRequest, PushStatus } from '../protocol';
import type { FolderMemory } from './folderMemory';
import { SET_TOKEN_ACTION } from './hubAccountStatus';
import type { PanelPort } from './panelPort';
import { applyPushProgress, newPushStatus } from './pushStatus';

export const DEFAULT_COMMIT_MESSAGE = 'Upload model fine-tuned on Amazon SageMaker';

export interface HubPushDeps {
  port: PanelPort;
  memory: FolderMemory;
  hub: HubSession;
  settings: Settings;
  /** The extension's log, for "Show Log" on a failure. */
  log: Pick<Log, 'show'>;
  /** Makes README.md what the panel shows, written for `repo` (readmeCard.ts). */
  prepareReadme(repo: string): Promise<void>;
  /** A notification with `message` that offers Set Token (hubAccountStatus.ts). */
  offerSetToken(message: string): void;
}

export class HubPush {
  private defaults: PushDefaults;
  private status: PushStatus | undefined;
  private end: { result: PushOutcome } | { error: PushFailure } | undefined;
  private abort: AbortController | undefined;

  constructor(private readonly deps: HubPushDeps) {
    const pushedRepo = deps.memory.pushedRepo;
    this.defaults = {
      name: path.basename(deps.port.folder),
      namespaces: [],
      private: true,
      commitMessage: DEFAULT_COMMIT_MESSAGE,
      ...(pushedRepo ? { pushedRepo } : {}),
    };
  }

  /** The form's defaults, then the running or last push. */
  snapshot(): HostMessage[] {
    const out: HostMessage[] = [{ type: 'pushDefaults', defaults: this.defaults }];
    if (this.status) out.push({ type: 'pushProgress', status: this.status });
    if (this.end && 'result' in this.end) out.push({ type: 'pushResult', result: this.end.result });
    if (this.end && 'error' in this.end) out.push({ type: 'pushError', error: this.end.error });
    return out;
  }

  /** The repository name the card suggests; `announce` posts the defaults. */
  suggestName(name: string, announce: boolean): void {
    this.defaults = { ...this.defaults, name };
    if (announce) this.postDefaults();
  }

  /** The namespaces the token can push to; posts the defaults. */
  showNamespaces(namespaces: string[]): void {
    this.defaults = { ...this.defaults, namespaces };
    this.postDefaults();
  }

  cancel(): void {
    this.abort?.abort();
  }

  private postDefaults(): void {
    this.deps.port.post({ type: 'pushDefaults', defaults: this.defaults });
  }

  private fail(error: PushFailure): void {
    this.end = { error };
    this.deps.port.post({ type: 'pushError', error });
  }

  async push(request: PushRequest): Promise<void> {
    const { port, settings } = this.deps;
    const namespace = request.namespace.trim();
    const name = request.name.trim();
    const repo = `${namespace}/${name}`;
    if (this.abort) {
      this.fail({ code: 'push.running', message: `A push of this folder to ${this.status?.repo ?? 'the Hub'} is still running; wait for it or cancel it.`, offerSetToken: false });
      return;
    }
    const problem = repoIdProblem(namespace, name);
    if (problem) {
      this.fail({ code: 'hub.repoNameInvalid', message: problem, offerSetToken: false });
      return;
    }
    const token = await this.deps.hub.token();
    if (!token) {
      const message = `No Hugging Face token: run "SageMaker HF: ${SET_TOKEN_ACTION}" (it is kept in the OS keychain), or set HF_TOKEN before starting VS Code.`;
      this.fail({ code: 'hub.tokenMissing', message, offerSetToken: true });
      this.deps.offerSetToken(message);
      return;
    }

    const abort = new AbortController();
    this.abort = abort;
    this.end = undefined;
    this.status = newPushStatus(repo);
    port.post({ type: 'pushProgress', status: this.status });
    try {
      await this.deps.prepareReadme(repo);
      const { pushModelFolder } = require('../../hub/pushModelFolder') as typeof import('../../hub/pushModelFolder');
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Pushing ${path.basename(port.folder)} to ${repo}`, cancellable: true },
        (progress, cancel) => {
          cancel.onCancellationRequested(() => abort.abort());
          return pushModelFolder({
            folder: port.folder,
            repo,
            private: request.private,
            commitMessage: request.commitMessage.trim() || DEFAULT_COMMIT_MESSAGE,
            accessToken: token.token,
            ...(settings.hubUrl ? { hubUrl: settings.hubUrl } : {}),
            transfer: settings.hubUploadTransfer,
            signal: abort.signal,
            confirmExternalLinks: (links) => confirmExternalLinks(links, port.folder, repo),
            onProgress: (event) => {
              const status = this.status;
              if (!status) return;
              progress.report({ message: applyPushProgress(status, event) });
              port.post({ type: 'pushProgress', status });
            },
          });
        },
      );
      const outcome: PushOutcome = { repo, repoUrl: result.repoUrl, commitUrl: result.commitUrl, created: result.created, files: result.files.length, skipped: result.skipped };
      this.status = { ...this.status, state: 'succeeded', repoUrl: result.repoUrl, phases: { preuploading: 'done', uploadingLargeFiles: 'done', committing: 'done' } };
      this.end = { result: outcome };
      this.defaults = { ...this.defaults, pushedRepo: repo };
      await this.deps.memory.rememberPush(repo);
      port.log.info(`pushed ${port.folder} to ${repo}: ${result.files.length} files, commit ${result.commitOid}`);
      port.post({ type: 'pushProgress', status: this.status });
      port.post({ type: 'pushResult', result: outcome });
      this.postDefaults();
      const openAction = 'Open on the Hub';
      void vscode.window.showInformationMessage(`Pushed ${result.files.length} files to ${repo}.`, openAction).then((choice) => {
        if (choice === openAction && /^https?:\/\//.test(result.repoUrl)) void vscode.env.openExternal(vscode.Uri.parse(result.repoUrl));
      });
    } catch (err) {
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'push.failed';
      const cancelled = code === 'cancelled' || err instanceof Cancelled || abort.signal.aborted;
      const message = cancelled
        ? `Push to ${repo} cancelled. Nothing was committed unless the Hub had already accepted the commit.`
        : err instanceof Error
          ? err.message
          : String(err);
      const tokenTrouble = /^hub\.token(Missing|Malformed|Rejected)$/.test(code);
      if (this.status) this.status = { ...this.status, state: cancelled ? 'cancelled' : 'failed' };
      if (this.status) port.post({ type: 'pushProgress', status: this.status });
      this.fail({ code: cancelled ? 'cancelled' : code, message, offerSetToken: tokenTrouble });
      if (cancelled) return;
      const name = `push of ${port.folder} to ${repo}`;
      if (tokenTrouble) {
        port.log.error(`${name} failed:`, err);
        this.deps.offerSetToken(message);
      } else {
        // The page shows the failure; the notification and the log line come from the shared boundary.
        reportFailure(name, err, port.log, () => this.deps.log.show());
      }
    } finally {
      if (this.abort === abort) this.abort = undefined;
    }
  }
}

/** The modal that names the files linking out of the folder before their content is published. */
async function confirmExternalLinks(links: ReadonlyArray<{ path: string; target: string }>, folder: string, repo: string): Promise<boolean> {
  const one = links.length === 1;
  const push = one ? 'Push Its Target' : 'Push Their Targets';
  const shown = links.slice(0, 10).map((l) => `• ${l.path} → ${l.target}`);
  if (links.length > 10) shown.push(`• and ${links.length - 10} more`);
  const choice = await vscode.window.showWarningMessage(
    `${one ? 'A file' : `${links.length} files`} in ${path.basename(folder)} ${one ? 'is a link' : 'are links'} to ${one ? 'a file' : 'files'} outside the folder: ${one ? 'its' : 'their'} content would be published to ${repo}.`,
    {
      modal: true,
      detail: `${shown.join('\n')}\n\nPush ${one ? 'it' : 'them'} only if ${one ? 'it belongs' : 'they belong'} in the model. Otherwise remove the links, or copy the files into the folder.`,
    },
    push,
  );
  return choice === push;
}
