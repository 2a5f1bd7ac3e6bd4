/**
 * Opaque Pub/Sub replay ids: 12 bytes, the shared log's position (8 bytes, big-endian) then a 4-byte tag of the org and
 * the channel, so an id taken on one topic (or another org) is refused on another as corrupted.
 */
import { createHash } from 'node:crypto';

const LENGTH = 12;

function channelTag(orgId: string, channel: string): Buffer {
  return createHash('sha256').update(`${orgId}:${channel}`).digest().subarray(0, 4);
}

/** The replay id bytes of a log position on a channel. */
export function encodeReplayId(orgId: string, channel: string, position: number): Buffer {
  const out = Buffer.alloc(LENGTH);
  out.writeBigUInt64BE(BigInt(position), 0);
  channelTag(orgId, channel).copy(out, 8);
  return out;
}

/** The log position of replay id bytes, or undefined when they are not an id of this channel. */
export function decodeReplayId(orgId: string, channel: string, bytes: Uint8Array): number | undefined {
  const buffer = Buffer.from(bytes);
  if (buffer.length !== LENGTH || !buffer.subarray(8).equals(channelTag(orgId, channel))) return undefined;
  const position = buffer.readBigUInt64BE(0);
  return position > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(position);
}
