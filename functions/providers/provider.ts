/**
 * How a data provider adapter is built. The interface every adapter implements, its answers and its errors are
 * the domain's (`functions/domain/provider.ts`), re-exported here for the adapters' callers.
 */
export type {
  ContactQuery,
  EmailVerdict,
  EmailVerifier,
  FoundPhone,
  Provider,
  ProviderAnswer,
  ProviderCall,
  ProviderRefusal,
} from '../domain/provider';
export { PermanentProviderError, TransientProviderError } from '../domain/provider';

/** How an adapter is built: its API key, and a base URL that tests point at a local server. */
export interface ProviderSettings {
  apiKey: string;
  baseUrl?: string;
}
