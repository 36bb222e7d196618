/**
 * The delivery-time half of the webhook-target rule (README "Webhooks": targets): the host is resolved,
 * every address it resolves to is judged, and the connection is then pinned to the address that was judged,
 * so a DNS answer that changes between the check and the connect (rebinding) cannot redirect it.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import {
  allowsPlainHttp,
  classifyAddress,
  classifyHost,
  isAllowedAddressClass,
  type AddressClass,
  type TargetPolicy,
} from '../../domain/webhooks/network-address';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a hostname resolves to; rejects when it cannot be resolved. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export type TargetVerdict =
  | { allowed: true; url: URL; address: string; family: 4 | 6 }
  | { allowed: false; reason: 'invalid_url' | 'scheme' | 'address'; addressClass?: AddressClass }
  /** DNS gave no answer: maybe transient, so the attempt failed without judging the target. */
  | { allowed: false; reason: 'unresolvable' };

function judge(
  address: string,
  policy: TargetPolicy,
): { ok: true; family: 4 | 6 } | { ok: false; addressClass?: AddressClass } {
  const addressClass = classifyAddress(address);
  const family = isIP(address.split('%')[0]!);
  if (addressClass === undefined || (family !== 4 && family !== 6)) return { ok: false };
  if (!isAllowedAddressClass(addressClass, policy)) return { ok: false, addressClass };
  return { ok: true, family };
}

/** Decides whether `webhookUrl` may be called now and, if so, which address the connection must go to. */
export async function checkWebhookTarget(
  webhookUrl: string,
  policy: TargetPolicy,
  resolve: Resolver = systemResolver,
): Promise<TargetVerdict> {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return { allowed: false, reason: 'invalid_url' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowsPlainHttp(policy))) {
    return { allowed: false, reason: 'scheme' };
  }
  // The WHATWG parser has already turned `2130706433`, `0x7f.1` or `[::ffff:127.0.0.1]` into canonical IPs.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const hostClass = classifyHost(host);
  if (hostClass !== undefined && !isAllowedAddressClass(hostClass, policy)) {
    return { allowed: false, reason: 'address', addressClass: hostClass };
  }

  if (isIP(host)) {
    const verdict = judge(host, policy);
    if (!verdict.ok) return { allowed: false, reason: 'address', addressClass: verdict.addressClass };
    return { allowed: true, url, address: host, family: verdict.family };
  }

  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return { allowed: false, reason: 'unresolvable' };
  }
  if (addresses.length === 0) return { allowed: false, reason: 'unresolvable' };
  // One bad address refuses the host: a name that mixes public and internal answers is not trusted.
  let pinned: { address: string; family: 4 | 6 } | undefined;
  for (const { address } of addresses) {
    const verdict = judge(address, policy);
    if (!verdict.ok) return { allowed: false, reason: 'address', addressClass: verdict.addressClass };
    pinned ??= { address, family: verdict.family };
  }
  return { allowed: true, url, ...pinned! };
}

/**
 * A `lookup` for node:http(s) that answers with the checked address only, so the socket connects there
 * while Host and SNI keep the original hostname. Node asks for a list when it races address families.
 */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}
