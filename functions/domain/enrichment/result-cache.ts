/**
 * The results cache: a type found for the same person within `resultCacheDays` is reused without asking any
 * provider. What makes "the same person" is normalised as the request is (the LinkedIn URL is already in its
 * canonical form on the record); for `email` the name at a domain identifies the person too. Only found and
 * verified results are kept; the scope decides whether an account reuses only its own finds or the
 * deployment's.
 */
import { createHash } from 'node:crypto';
import type { ContactQuery, EmailResult, PhoneResult } from './contact';
import type { EnrichmentType } from './enrichment-request';

/** The trace's provider name of a result reused from the cache. */
export const CACHE_STEP = 'cache';

export type CacheScope = 'account' | 'deployment';

export interface CacheSettings {
  /** Days a find is reused; 0 turns the cache off. */
  days: number;
  scope: CacheScope;
}

export const DEFAULT_CACHE_SETTINGS: CacheSettings = { days: 30, scope: 'account' };

/** A cached find: the result as first found (its original provider kept) and when it was found. */
export interface CachedResult {
  type: EnrichmentType;
  result: EmailResult | PhoneResult[];
  found_at: string;
}

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The identities under which a find of `type` for this contact is cached and looked up, as hashes (the cache key
 * carries no personal data in clear). Phones and personal emails need the LinkedIn URL; an email is also known by
 * the name at the domain.
 */
export function cacheIdentities(contact: ContactQuery, type: EnrichmentType): string[] {
  const identities: string[] = [];
  if (contact.linkedin_url) identities.push(digest(`linkedin:${contact.linkedin_url}`));
  if (type === 'email' && contact.domain) {
    identities.push(digest(`name:${fold(contact.firstname)}|${fold(contact.lastname)}@${contact.domain}`));
  }
  return identities;
}

/** Every identity of a contact whatever the type: what erasure removes from the cache. */
export function allCacheIdentities(contact: ContactQuery): string[] {
  return [
    ...new Set(
      (['email', 'phone', 'personal_email'] as const).flatMap((type) => cacheIdentities(contact, type)),
    ),
  ];
}

/** Who may reuse a find: its account only, or the whole deployment. */
export function cacheOwner(scope: CacheScope, accountId: string): string {
  return scope === 'account' ? `ACCOUNT#${accountId}` : 'DEPLOYMENT';
}

/** Whether a cached result holds one of `values`: its email, or one of its phone numbers. */
export function holdsAnyOf(result: CachedResult['result'], values: readonly string[]): boolean {
  const held = Array.isArray(result) ? result.map((phone) => phone.number) : [result.value];
  return held.some((value) => values.includes(value));
}
