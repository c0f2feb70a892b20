import { createHash } from 'node:crypto';

/** A stable shard of `id` among `shards`: spreads one kind of item over partitions. */
export function shardOf(id: string, shards: number): number {
  return createHash('sha256').update(id).digest().readUInt16BE(0) % shards;
}
