import { readFileSync } from 'node:fs';

// The addresses that listening TCP sockets are bound to, read from Linux's /proc/net
// (no `ss` or `netstat` needed): each line has `hexaddress:hexport` and a state, 0A = LISTEN.

const LISTEN = '0A';

/** `0100007F` -> `127.0.0.1`: the kernel prints each 32-bit word in host (little-endian) order. */
function bytesOf(hex: string): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    for (let i = 6; i >= 0; i -= 2) bytes.push(Number.parseInt(hex.slice(word + i, word + i + 2), 16));
  }
  return bytes;
}

function formatAddress(hex: string): string {
  const bytes = bytesOf(hex);
  if (bytes.length === 4) return bytes.join('.');
  const v4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (v4Mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return groups
    .join(':')
    .replace(/^(0:)+0$/, '::')
    .replace(/^(0:)+1$/, '::1');
}

/** Every local address a socket listens on at `port`, over IPv4 and IPv6. */
export function listeningAddresses(port: number): string[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(
        ([, local, , state]) => state === LISTEN && Number.parseInt(local?.split(':')[1] ?? '', 16) === port,
      )
      .map(([, local]) => formatAddress(local!.split(':')[0]!)),
  );
}

export const isLoopback = (address: string) =>
  address.startsWith('127.') || address.startsWith('::ffff:127.') || address === '::1';
