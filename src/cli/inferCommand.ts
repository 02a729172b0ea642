import { parseArgs } from './args';
import { HubError } from '../hub/hubErrors';
import { resolveHubToken } from '../hub/hubToken';
import { INFERENCE_PROVIDERS, isInferenceProvider, runSummarization } from '../hub/runSummarization';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';

const USAGE = 'sagemaker-hf infer MODEL --text TEXT [--endpoint URL] [--provider NAME] [--hub-url URL] [--json]';

/**
 * `sagemaker-hf infer MODEL --text TEXT`: summarizes TEXT with MODEL through Inference Providers, or through
 * `--endpoint`. The summary goes to stdout, the latency to stderr (both to stdout as JSON with --json).
 * 0 summarized, 1 the service refused or does not serve the model, 2 usage.
 */
export async function inferCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      text: { type: 'string' },
      endpoint: { type: 'string' },
      provider: { type: 'string' },
      'hub-url': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`infer needs exactly one model id: ${USAGE}`);
  if (!values.text?.trim()) throw new UsageError(`infer needs --text with the text to summarize: ${USAGE}`);
  if (values.provider && !isInferenceProvider(values.provider)) {
    throw new UsageError(`unknown provider '${values.provider}': one of ${INFERENCE_PROVIDERS.join(', ')}`);
  }
  if (values.provider && values.endpoint) throw new UsageError('--provider and --endpoint exclude each other: an endpoint is called directly');
  const token = resolveHubToken({ env: io.env });
  if (!token && !values.endpoint) {
    io.stderr('sagemaker-hf infer: no Hugging Face token: set HF_TOKEN (Inference Providers need one; a public --endpoint may not).\n');
    return 2;
  }
  const model = positionals[0]!;
  const hubUrl = values['hub-url'] ?? (io.env.HF_ENDPOINT || undefined);
  try {
    const result = await runSummarization({
      model,
      text: values.text,
      ...(token ? { accessToken: token.token } : {}),
      ...(hubUrl ? { hubUrl } : {}),
      ...(values.endpoint ? { endpointUrl: values.endpoint } : {}),
      ...(values.provider && isInferenceProvider(values.provider) ? { provider: values.provider } : {}),
    });
    if (values.json) {
      io.stdout(`${JSON.stringify({ model, summary: result.summary, latencyMs: result.latencyMs, via: result.via }, null, 2)}\n`);
    } else {
      io.stdout(`${result.summary}\n`);
      io.stderr(`latency: ${result.latencyMs} ms (via ${result.via})\n`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof HubError)) throw err;
    io.stderr(`sagemaker-hf infer: ${err.message}\n`);
    return 1;
  }
}
