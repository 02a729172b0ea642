// What every panel does with a message from its page: one on its protocol goes to the panel, through
// the same failure boundary commands use; anything else is logged (its type, cut) and dropped.

import type * as vscode from 'vscode';
import { guarded } from '../../host/commandRunner';
import type { ComponentLog } from '../../host/log';

/**
 * Listens to `webview` for messages `isMessage` accepts and hands each to `handle`. The pages are ours,
 * but they render untrusted text: anything off-protocol is dropped, never acted on.
 */
export function onProtocolMessage<M extends { type: string }>(
  webview: vscode.Webview,
  isMessage: (m: unknown) => m is M,
  log: ComponentLog,
  showLog: () => void,
  handle: (message: M) => unknown,
): vscode.Disposable {
  return webview.onDidReceiveMessage((m: unknown) => {
    if (!isMessage(m)) {
      log.warn(
        'ignored a message that is not part of the protocol:',
        typeof m === 'object' && m !== null && 'type' in m ? String((m as { type: unknown }).type).slice(0, 40) : typeof m,
      );
      return;
    }
    void guarded(m.type, log, showLog, () => handle(m))();
  });
}
