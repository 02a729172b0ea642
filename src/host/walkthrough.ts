import * as vscode from 'vscode';
import type { WalkthroughDone } from './ids';

/** Checks off a walkthrough step: its `onContext:` completion event (VS Code keeps it checked). */
export function markWalkthroughStep(key: WalkthroughDone): void {
  void vscode.commands.executeCommand('setContext', key, true);
}
