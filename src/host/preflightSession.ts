import type { AwsClients } from '../aws/awsClients';
import type { KnownIdentity, PreflightCache } from '../aws/preflight/runPreflight';
import type { MemoryPriceCache } from '../aws/preflight/pricing';
import type { CostEstimate } from '../core/cost/costEstimate';
import type { JobSpec } from '../core/jobFile/jobSpec';
import type { Checklist } from '../core/preflight/checklist';

/**
 * The window's preflight: results and prices cached for the extension's lifetime (passed checks for
 * ten minutes, prices for a day), the code loaded on first use.
 */
export class PreflightSession {
  private caches: { checks: PreflightCache; prices: MemoryPriceCache } | undefined;

  private loaded() {
    const { PreflightCache } = require('../aws/preflight/runPreflight') as typeof import('../aws/preflight/runPreflight');
    const { MemoryPriceCache } = require('../aws/preflight/pricing') as typeof import('../aws/preflight/pricing');
    this.caches ??= { checks: new PreflightCache(), prices: new MemoryPriceCache() };
    return this.caches;
  }

  /** The window's price cache (a day), shared by the estimate and the Training Jobs tree's job costs. */
  priceCache(): MemoryPriceCache {
    return this.loaded().prices;
  }

  /** `known`: what a launch's plan already asked STS and IAM (see `KnownIdentity`), so the check does not ask again. */
  check(clients: AwsClients, spec: JobSpec | undefined, region: string | undefined, refresh = false, known?: KnownIdentity): Promise<Checklist> {
    const caches = this.loaded();
    const { runPreflight } = require('../aws/preflight/runPreflight') as typeof import('../aws/preflight/runPreflight');
    return runPreflight({ clients, ...(spec ? { spec } : {}), ...(region ? { region } : {}), ...(known ? { known } : {}), options: { cache: caches.checks, refresh } });
  }

  /** The estimate, or the reason there is none (no price known for the type and region). */
  async estimate(clients: AwsClients, spec: JobSpec, region: string): Promise<{ estimate?: CostEstimate; text: string }> {
    const caches = this.loaded();
    const { resolveJobPrices } = require('../aws/preflight/pricing') as typeof import('../aws/preflight/pricing');
    const { estimateTrainingCost, renderCostEstimateText } = require('../core/cost/costEstimate') as typeof import('../core/cost/costEstimate');
    const price = await resolveJobPrices(clients, spec, region, { cache: caches.prices, timeoutMs: 8000 });
    if (!price.quotes) return { text: `No cost estimate: ${price.apiProblem ?? 'no price is known for this instance type and region.'}` };
    const estimate = estimateTrainingCost(spec, price.quotes);
    const note = price.apiProblem ? `  (${price.apiProblem})\n` : '';
    return { estimate, text: renderCostEstimateText(estimate) + note };
  }
}
