// The "Model Card" panel's shell: one WebviewPanel per model folder, its HTML and CSP, the handshake
// with the page and the dispatch of the page's messages to the parts that do the work:
//   readmeCard.ts        the card (README.md read, generated, followed while edited, replaced on request)
//   hubAccountStatus.ts  the Hub token and its account
//   hubPush.ts           Push to Hub
//   inferenceTest.ts     the inference test
//   folderMemory.ts      what is remembered per folder (workspaceState)
// webview/protocol.ts is the contract with the page; the panels of a window are kept by modelCardPanels.ts.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobDescriptionForCard } from '../../core/modelCard/modelCardJob';
import { Disposable } from '../../host/lifecycle';
import type { ComponentLog } from '../../host/log';
import type { Services } from '../../host/services';
import { isViewMessage } from '../protocol';
import type { HostMessage, ViewMessage } from '../protocol';
import { FolderMemory } from './folderMemory';
import { HubAccountStatus } from './hubAccountStatus';
import { HubPush } from './hubPush';
import { InferenceTest } from './inferenceTest';
import { createNonce, webviewHtml } from './webviewHtml';
import { onProtocolMessage } from './pageMessages';
import type { PanelPort } from './panelPort';
import { ReadmeCard } from './readmeCard';

export interface ModelCardTarget {
  /** The model folder, an absolute path. */
  folder: string;
  /** The training job the folder came from, when known: the card then describes hardware and hyperparameters. */
  job?: JobDescriptionForCard;
}

export class ModelCardPanel extends Disposable implements PanelPort {
  readonly log: ComponentLog;
  private ready = false;
  private readonly card: ReadmeCard;
  private readonly account: HubAccountStatus;
  private readonly pushes: HubPush;
  private readonly inference: InferenceTest;

  /**
   * Builds the panel's page and parts in `panel`, a new panel or one VS Code restored. `onDispose` runs once
   * when the panel closes (the registry forgets it).
   */
  constructor(
    services: Services,
    private readonly panel: vscode.WebviewPanel,
    readonly folder: string,
    job: JobDescriptionForCard | undefined,
    onDispose: () => void,
  ) {
    super();
    this.log = services.log.for('modelCard');
    const memory = new FolderMemory(services.context.workspaceState, folder);
    const { hub, settings } = services;
    this.account = new HubAccountStatus({ port: this, hub, settings, showNamespaces: (namespaces) => this.pushes.showNamespaces(namespaces) });
    this.card = this.register(
      new ReadmeCard({
        port: this,
        memory,
        job,
        showTitle: (title) => (this.panel.title = panelTitle(folder, title)),
        suggestRepoName: (name, announce) => this.pushes.suggestName(name, announce),
      }),
    );
    this.pushes = new HubPush({
      port: this,
      memory,
      hub,
      settings,
      log: services.log,
      prepareReadme: (repo) => this.card.prepareForPush(repo),
      offerSetToken: (message) => this.account.offerSetToken(message),
    });
    this.inference = new InferenceTest({ port: this, hub, settings });

    const webview = panel.webview;
    const extensionUri = services.context.extensionUri;
    webview.html = webviewHtml({
      appTestId: 'model-card-app',
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'modelCard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview', 'modelCard.css')).toString(),
      title: panelTitle(folder),
    });
    // The panel's actions report failures as commands do, through the same boundary.
    const showLog = () => services.log.show();
    this.register(onProtocolMessage(webview, isViewMessage, this.log, showLog, (message: ViewMessage) => this.handle(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
    // Without retainContextWhenHidden the page is torn down while hidden; it says `ready` again when shown.
    this.register(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
    this.register({ dispose: onDispose });

    void this.card.load();
    void this.account.refresh();
  }

  get closed(): boolean {
    return this.isDisposed;
  }

  /** Brings the panel to the front, now describing `job` when one is given. */
  reveal(job?: JobDescriptionForCard): void {
    if (job) void this.card.useJob(job);
    this.panel.reveal();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    // A push carries on after the panel closes: its notification still shows progress and can cancel it.
    this.inference.cancel();
    super.dispose();
    this.panel.dispose();
  }

  post(message: HostMessage): void {
    // Before `ready` the page cannot listen; it gets everything in the snapshot that follows `ready`.
    if (!this.ready || this.isDisposed) return;
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.log.debug('post failed:', err));
  }

  private async handle(message: ViewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of [...this.card.snapshot(), ...this.account.snapshot(), ...this.pushes.snapshot(), ...this.inference.snapshot()]) this.post(m);
        return;
      case 'refresh':
        this.card.clearNotice();
        await Promise.all([this.card.load(), this.account.refresh()]);
        return;
      case 'edit':
        this.card.clearNotice();
        await this.card.edit();
        return;
      case 'generate':
        await this.card.regenerate();
        return;
      case 'push':
        await this.pushes.push(message.request);
        return;
      case 'cancelPush':
        this.pushes.cancel();
        return;
      case 'setToken':
        await this.account.setToken();
        return;
      case 'infer':
        await this.inference.run(message.request);
        return;
      case 'cancelInference':
        this.inference.cancel();
        return;
      case 'configureEndpoint':
        await this.inference.configureEndpoint();
        return;
    }
  }
}

export function panelTitle(folder: string, modelName?: string): string {
  return `Model Card: ${modelName ?? path.basename(folder)}`;
}
