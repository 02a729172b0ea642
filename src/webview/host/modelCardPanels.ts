// The Model Card panels of this window: at most one per model folder, restored after a reload from the
// folder kept in the page's state. Built once by extension.ts and handed to the Open Model Card command.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { WalkthroughDone, WebviewType } from '../../host/ids';
import type { Services } from '../../host/services';
import { markWalkthroughStep } from '../../host/walkthrough';
import { isModelCardViewState } from '../protocol';
import { ModelCardPanel, panelTitle } from './modelCardPanel';
import type { ModelCardTarget } from './modelCardPanel';

/** The window's Model Card panels, with the serializer that restores them after a reload. */
export class ModelCardPanels implements vscode.Disposable {
  private readonly open = new Map<string, ModelCardPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(private readonly services: Services) {
    const log = services.log.for('modelCard');
    this.serializer = vscode.window.registerWebviewPanelSerializer(WebviewType.modelCard, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown): Promise<void> => {
        if (!isModelCardViewState(state)) {
          log.warn('a Model Card panel could not be restored: its saved state is not one this version wrote');
          panel.dispose();
          return;
        }
        this.revive(panel, state.folder);
      },
    });
  }
  /** Shows the panel of `target.folder`, revealing it when it is already open. */
  show(target: ModelCardTarget): ModelCardPanel {
    const folder = path.resolve(target.folder);
    const open = this.open.get(folder);
    if (open) {
      open.reveal(target.job);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(WebviewType.modelCard, panelTitle(folder), vscode.ViewColumn.Active, this.webviewOptions());
    markWalkthroughStep(WalkthroughDone.modelCard);
    return this.adopt(panel, folder, target.job);
  }

  /** Adopts a panel VS Code restored after a reload; its state was checked by the serializer. */
  revive(panel: vscode.WebviewPanel, folder: string): ModelCardPanel {
    const resolved = path.resolve(folder);
    const existing = this.open.get(resolved);
    if (existing) {
      // Restored twice (two windows' state for one folder): keep one.
      panel.dispose();
      existing.reveal();
      return existing;
    }
    panel.webview.options = this.webviewOptions();
    return this.adopt(panel, resolved, undefined);
  }

  dispose(): void {
    this.serializer.dispose();
    for (const panel of [...this.open.values()]) panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, folder: string, job: ModelCardTarget['job']): ModelCardPanel {
    const card: ModelCardPanel = new ModelCardPanel(this.services, panel, folder, job, () => {
      if (this.open.get(folder) === card) this.open.delete(folder);
    });
    this.open.set(folder, card);
    return card;
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = this.services.context.extensionUri;
    return {
      enableScripts: true,
      // Only our own bundle and stylesheet: never the model folder or the workspace.
      localResourceRoots: [vscode.Uri.joinPath(root, 'media'), vscode.Uri.joinPath(root, 'dist')],
      enableFindWidget: true,
    };
  }
}
