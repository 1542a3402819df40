import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** Names that mean this machine or a private network, whatever they resolve to (a trailing dot changes nothing). */
function isPrivateName(host: string): boolean {
  const name = host.replace(/\.+$/, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.internal') || name.endsWith('.local');
}

/**
 * Whether an address is public unicast, by ipaddr.js's address classes: loopback, private, link-local, carrier-grade
 * NAT, multicast, broadcast, reserved and benchmarking ranges, and IPv6 forms that embed an IPv4 address (mapped,
 * NAT64, 6to4, Teredo) or are deprecated (site-local) are not.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  // IPv4-compatible IPv6 (::a.b.c.d, deprecated) is called unicast by ipaddr.js, yet reaches the IPv4 address.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) return false;
  return parsed.range() === 'unicast';
}

/** A host (a name or an address literal, IPv6 in brackets or not) that is private without resolving it. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isPrivateName(host)) return true;
  return ipaddr.isValid(host) && !isPublicAddress(host);
}

/**
 * Why a URL must not be called from a production server (its host is private, or resolves to a private address
 * now), or undefined when it may. Checked when sending, so a name that changed its address since it was saved
 * does not reach the internal network.
 */
export async function privateDestination(url: URL): Promise<string | undefined> {
  if (isPrivateHost(url.hostname)) return 'its address is private';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) return undefined;
  const addresses = await lookup(host, { all: true, verbatim: true }).catch(() => []);
  if (addresses.length === 0) return 'its name does not resolve';
  return addresses.every((entry) => isPublicAddress(entry.address)) ? undefined : 'it resolves to a private address';
}

/** A network failure in words that say what happened without the system's details. */
export function networkFailure(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    ENOTFOUND: 'the name does not resolve',
    EAI_AGAIN: 'the name does not resolve',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
    CERT_HAS_EXPIRED: 'its TLS certificate has expired',
    UND_ERR_SOCKET: 'the connection was closed',
  };
  return (typeof code === 'string' && known[code]) || 'a network error';
}
