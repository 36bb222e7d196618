/**
 * The providers of one deployment: the configured order per type, sandbox providers (keyless), and real
 * providers built with their API keys. A real provider without a key is reported as missing so the waterfall
 * can skip it and say so.
 */
import type { WaterfallSettings } from '../domain/enrichment/waterfall-settings';
import type { ProviderDirectory } from '../domain/enrichment/provider-step';
import { REAL_PROVIDERS, REAL_VERIFIERS } from './catalog';
import type { EmailVerifier, Provider } from '../domain/provider';
import { createSandboxProvider, SANDBOX_FEES, SANDBOX_PROVIDERS } from './sandbox';
import type { EnrichmentType } from '../domain/enrichment/enrichment-request';
import type { ProviderFee, ProviderFees } from '../domain/usage/scorecard';

/** Provider name → API key. In AWS one Secrets Manager secret; locally `<NAME>_API_KEY` variables. */
export type ProviderKeys = () => Promise<Readonly<Record<string, string>>>;

export interface DirectoryOptions {
  settings: WaterfallSettings;
  keys: ProviderKeys;
  /** Base URL per provider, for pointing adapters at local servers. */
  baseUrls?: Readonly<Record<string, string>>;
  /** Extra providers and verifiers by name (tests and the benchmarks register doubles here). */
  extra?: Readonly<Record<string, Provider | EmailVerifier>>;
}

export function createProviderDirectory(options: DirectoryOptions): ProviderDirectory {
  const sandbox = new Map<string, Provider>(
    SANDBOX_PROVIDERS.map((name) => [name, createSandboxProvider(name)]),
  );
  const built = new Map<string, { key: string; provider: Provider | EmailVerifier }>();

  /** Built once per key (a rotated key builds a new one); a provider and a verifier may share a name. */
  async function build<T extends Provider | EmailVerifier>(
    kind: 'provider' | 'verifier',
    name: string,
    create: ((settings: { apiKey: string; baseUrl?: string }) => T) | undefined,
  ): Promise<T | undefined> {
    if (!create) return undefined;
    const apiKey = (await options.keys())[name];
    if (!apiKey) return undefined;
    const cached = built.get(`${kind}:${name}`);
    if (cached?.key === apiKey) return cached.provider as T;
    const instance = create({ apiKey, baseUrl: options.baseUrls?.[name] });
    built.set(`${kind}:${name}`, { key: apiKey, provider: instance });
    return instance;
  }

  return {
    order: (type) => options.settings.order[type] ?? [],
    async provider(name) {
      const extra = options.extra?.[name];
      if (extra && 'find' in extra) return extra;
      return sandbox.get(name) ?? (await build('provider', name, REAL_PROVIDERS[name]?.create));
    },
    async verifier() {
      const name = options.settings.verifier;
      if (!name) return undefined;
      const extra = options.extra?.[name];
      if (extra && 'verify' in extra) return extra;
      return await build('verifier', name, REAL_VERIFIERS[name]?.create);
    },
  };
}

/** The one naming rule of a provider's environment variables: `peopledatalabs` → `PEOPLEDATALABS_<SUFFIX>`. */
export function providerVariable(provider: string, suffix: 'API_KEY' | 'BASE_URL'): string {
  return `${provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${suffix}`;
}

/** Every provider and verifier name the catalog knows. */
const KNOWN_NAMES = [...new Set([...Object.keys(REAL_PROVIDERS), ...Object.keys(REAL_VERIFIERS)])];

/** Every name a waterfall can use: the catalog's and the sandbox's. */
export function knownProviderNames(): string[] {
  return [...KNOWN_NAMES, ...SANDBOX_PROVIDERS];
}

function fromEnvironment(env: NodeJS.ProcessEnv, suffix: 'API_KEY' | 'BASE_URL'): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of KNOWN_NAMES) {
    const value = env[providerVariable(name, suffix)]?.trim();
    if (value) values[name] = value;
  }
  return values;
}

/** Keys from the environment (local stack): `HUNTER_API_KEY=…` gives the `hunter` provider its key. */
export function keysFromEnvironment(env: NodeJS.ProcessEnv = process.env): ProviderKeys {
  const keys = fromEnvironment(env, 'API_KEY');
  return async () => keys;
}

/** Base URLs from the environment (local stack): `HUNTER_BASE_URL=http://127.0.0.1:9000` points `hunter` there. */
export function baseUrlsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return fromEnvironment(env, 'BASE_URL');
}

/** Each real provider's documented rate limit, from its catalog entry. */
export function documentedRateLimits(): Record<string, { perSecond: number }> {
  return Object.fromEntries(
    Object.entries(REAL_PROVIDERS).map(([name, entry]) => [name, { perSecond: entry.rateLimit.perSecond }]),
  );
}

/** Each provider's known list price per type (the catalog's and the sandbox's made-up ones): the scorecard's fees. */
export function providerFees(): ProviderFees {
  const fees: Record<string, Partial<Record<EnrichmentType, ProviderFee>>> = { ...SANDBOX_FEES };
  for (const [name, entry] of Object.entries(REAL_PROVIDERS)) if (entry.fee) fees[name] = entry.fee;
  return fees;
}
