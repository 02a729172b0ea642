import type * as vscode from 'vscode';
import type { HubSession } from './hubSession';
import type { Log } from './log';
import type { Settings } from './settings';

/** What features need from the extension, built once in extension.ts and passed explicitly. */
export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  settings: Settings;
  hub: HubSession;
}
