import { HUB_URL, whoAmI } from '@huggingface/hub';
import { HubError, toHubError } from './hubErrors';

export interface HubAccount {
  name: string;
  type: 'user' | 'org' | 'app';
  /** Names of the organisations the user belongs to (empty for org and app tokens). */
  orgs: string[];
  /** The token's role as the Hub reports it ("read", "write", "fineGrained"), when it does. */
  tokenRole?: string;
}

export interface HubCallOptions {
  accessToken: string;
  /** Defaults to https://huggingface.co; tests point it at the local emulator. */
  hubUrl?: string;
  signal?: AbortSignal;
}

/** Who the token belongs to (`GET /api/whoami-v2`). */
export async function hubWhoAmI(opts: HubCallOptions): Promise<HubAccount> {
  const hubUrl = opts.hubUrl ?? HUB_URL;
  if (!opts.accessToken) throw new HubError('hub.tokenMissing', "No Hugging Face token: set one with 'SageMaker HF: Set Hugging Face Token' (the CLI reads HF_TOKEN).", { hubUrl });
  try {
    const me = await whoAmI({ accessToken: opts.accessToken, hubUrl, ...(opts.signal ? { fetch: fetchWithSignal(opts.signal) } : {}) });
    return {
      name: me.name,
      type: me.type,
      orgs: me.type === 'user' ? me.orgs.map((o) => o.name) : [],
      ...(me.auth.accessToken?.role ? { tokenRole: me.auth.accessToken.role } : {}),
    };
  } catch (err) {
    throw toHubError(err, { action: 'identify the token owner', hubUrl, token: opts.accessToken, ...(opts.signal ? { signal: opts.signal } : {}) });
  }
}

/** The hub client's calls take a `fetch` but no signal; this one carries ours. */
export function fetchWithSignal(signal: AbortSignal): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal });
}
