/**
 * Classifies IP addresses and URL hosts for the webhook-target guard (README "Webhooks": targets).
 * Pure: resolution happens in the adapter; this module only judges addresses.
 */
import { isIP } from 'node:net';

export type AddressClass =
  'public' | 'loopback' | 'private' | 'link_local' | 'unspecified' | 'multicast' | 'reserved';

export interface TargetPolicy {
  /** Private ranges are reachable (the local stack, or a deployment that opts in). */
  allowPrivateTargets: boolean;
  /**
   * Loopback is reachable (the local stack only); as `allowPrivateTargets` when not said. Never inside Lambda,
   * where the runtime API listens on loopback.
   */
  allowLoopbackTargets?: boolean;
}

/** Plain `http` only where private or loopback targets are allowed: development and private networks. */
export function allowsPlainHttp(policy: TargetPolicy): boolean {
  return policy.allowPrivateTargets || policy.allowLoopbackTargets === true;
}

/** Whether a webhook may be sent to an address of this class under the policy; link-local never. */
export function isAllowedAddressClass(addressClass: AddressClass, policy: TargetPolicy): boolean {
  if (addressClass === 'public') return true;
  if (addressClass === 'loopback') return policy.allowLoopbackTargets ?? policy.allowPrivateTargets;
  if (addressClass === 'private') return policy.allowPrivateTargets;
  return false;
}

function inV4(octets: number[], base: [number, number, number, number], bits: number): boolean {
  const value = (((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0) as number;
  const baseValue = (((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0) as number;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (value & mask) === (baseValue & mask);
}

function classifyV4(octets: number[]): AddressClass {
  if (inV4(octets, [0, 0, 0, 0], 8)) return 'unspecified';
  if (inV4(octets, [127, 0, 0, 0], 8)) return 'loopback';
  if (inV4(octets, [10, 0, 0, 0], 8)) return 'private';
  if (inV4(octets, [172, 16, 0, 0], 12)) return 'private';
  if (inV4(octets, [192, 168, 0, 0], 16)) return 'private';
  if (inV4(octets, [100, 64, 0, 0], 10)) return 'private';
  if (inV4(octets, [169, 254, 0, 0], 16)) return 'link_local';
  if (inV4(octets, [224, 0, 0, 0], 4)) return 'multicast';
  if (inV4(octets, [240, 0, 0, 0], 4)) return 'reserved';
  if (inV4(octets, [192, 0, 0, 0], 24)) return 'reserved';
  if (inV4(octets, [198, 18, 0, 0], 15)) return 'reserved';
  return 'public';
}

function parseV4(address: string): number[] {
  return address.split('.').map((part) => Number(part));
}

/** Expands an IPv6 address (optionally with an embedded IPv4 tail) to 8 16-bit groups. */
function parseV6(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseV4(last);
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':').map((g) => parseInt(g, 16)) : [];
  const restGroups = rest ? rest.split(':').map((g) => parseInt(g, 16)) : [];
  const groups =
    rest === undefined
      ? headGroups
      : [...headGroups, ...new Array(8 - headGroups.length - restGroups.length).fill(0), ...restGroups];
  if (tail.length === 2) {
    groups[6] = tail[0]!;
    groups[7] = tail[1]!;
  }
  return groups;
}

function classifyV6(groups: number[]): AddressClass {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const embeddedV4 = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified';
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) carry an IPv4 destination.
  if (zeroPrefix && (g5 === 0xffff || g5 === 0)) return classifyV4(embeddedV4);
  // NAT64 well-known prefix 64:ff9b::/96 also reaches the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return classifyV4(embeddedV4);
  // 6to4 (2002::/16) embeds the IPv4 address in groups 1-2.
  if (g0 === 0x2002) return classifyV4([g1 >> 8, g1 & 0xff, g2 >> 8, g2 & 0xff]);
  if ((g0 & 0xfe00) === 0xfc00) return 'private';
  if ((g0 & 0xffc0) === 0xfe80) return 'link_local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** Classifies a literal IPv4 or IPv6 address; undefined when the text is not an IP address. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(bare.split('%')[0]!);
  if (version === 4) return classifyV4(parseV4(bare));
  if (version === 6) return classifyV6(parseV6(bare));
  return undefined;
}

/**
 * Classifies a URL host as the WHATWG URL parser normalised it (so `2130706433`, `0x7f.1` and
 * `[::ffff:127.0.0.1]` arrive here as canonical addresses). Names other than `localhost` need DNS:
 * undefined.
 */
export function classifyHost(hostname: string): AddressClass | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  return classifyAddress(host);
}
