// Settings a repository must never choose, and the one rule for reading them. No vscode import: the
// rule is unit-tested in plain node.
import { Setting } from './ids';

/**
 * Where the Hugging Face token goes and where signed AWS requests go (and which credentials sign
 * them) is the user's choice alone. package.json gives these settings a scope a workspace cannot set
 * (`application` for the two that receive the token, `machine` for the AWS ones) and lists them in
 * restrictedConfigurations; Settings also reads them through userLevelValue(), so that a workspace
 * value is ignored even if VS Code (or another editor built on it) ever handed one over.
 */
export const USER_LEVEL_SETTINGS: ReadonlyMap<Setting, string> = new Map<Setting, string>([
  [Setting.hubUrl, 'it decides where your Hugging Face token is sent'],
  [Setting.inferenceEndpointUrl, 'it decides where your Hugging Face token is sent'],
  [Setting.endpoints, 'it decides where signed AWS requests are sent'],
  [Setting.profile, 'it decides which AWS credentials sign requests'],
]);

/** The part of `WorkspaceConfiguration.inspect()`'s answer this rule looks at. */
export interface InspectedValue<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
  workspaceLanguageValue?: T;
  workspaceFolderLanguageValue?: T;
}

/** Where a value was found that userLevelValue() ignored. */
export type IgnoredLevel = 'workspace' | 'workspace folder';

export interface UserLevelValue<T> {
  /** The user's value (user or remote settings), else the default; undefined when neither exists. */
  value: T | undefined;
  /** The workspace levels that held a value, which was not used. */
  ignored: IgnoredLevel[];
}

/**
 * The value of a user-level-only setting: the user's own (VS Code's `globalValue`, which covers user
 * and remote settings), else the default. Workspace and folder values, language-specific ones
 * included, are never used, and never merged into an object value as `get()` would.
 */
export function userLevelValue<T>(inspected: InspectedValue<T> | undefined): UserLevelValue<T> {
  if (!inspected) return { value: undefined, ignored: [] };
  const ignored: IgnoredLevel[] = [];
  if (inspected.workspaceValue !== undefined || inspected.workspaceLanguageValue !== undefined) ignored.push('workspace');
  if (inspected.workspaceFolderValue !== undefined || inspected.workspaceFolderLanguageValue !== undefined) ignored.push('workspace folder');
  return { value: inspected.globalValue !== undefined ? inspected.globalValue : inspected.defaultValue, ignored };
}

/**
 * The extension log's line for a workspace value that was ignored; names the setting and where it was
 * found, never the value (an endpoint URL can carry credentials).
 */
export function ignoredWorkspaceValueMessage(key: Setting, ignored: readonly IgnoredLevel[]): string {
  const where = ignored.map((level) => `the ${level} settings`).join(' and ');
  const why = USER_LEVEL_SETTINGS.get(key) ?? 'a workspace must not change it';
  return `ignored ${key} from ${where}: ${why}, so only your user settings can set it. If you mean to use that value, set it in your user settings (Preferences: Open User Settings${key === Setting.endpoints || key === Setting.profile ? ', or the Remote settings in a remote window' : ''}).`;
}
