import type * as vscode from 'vscode';
import type { AwsSession } from './awsSession';
import type { HubSession } from './hubSession';
import type { LocalJobs } from './localJobs';
import type { Log } from './log';
import type { PreflightSession } from './preflightSession';
import type { ReadonlyDocuments } from './readonlyDocuments';
import type { Settings } from './settings';

/**
 * The extension's services: each built once, in extension.ts (the composition root), and handed to every
 * command, view, language feature and the Model Card panel through this one object. Nothing else
 * constructs them, reads settings around `settings`, or keeps them in a module variable
 * (test/unit/composition.test.ts).
 */
export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  settings: Settings;
  /** The Hugging Face token (SecretStorage, else HF_TOKEN). */
  hub: HubSession;
  /** AWS clients from the settings, rebuilt when they change. */
  aws: AwsSession;
  /** Jobs run on this machine and their folders. */
  local: LocalJobs;
  /** Read-only documents (request previews, job descriptions). */
  documents: ReadonlyDocuments;
  /** The preflight checks' and prices' caches. */
  preflight: PreflightSession;
}
