import type mDNS from "multicast-dns";
import { z } from "zod";
import { ClusterIdSchema, NodeNameSchema } from "../model/node.js";

/** The DNS-SD service type every alkord advertises (RFC 6763 §7). */
export const SERVICE_TYPE = "_alkor._tcp.local";

/** The version of the TXT attributes below; readers skip nodes that announce another. */
const TXT_VERSION = "1";

// RFC 6762 §10: records naming a host (A, SRV) live 120 s, the others 75 minutes.
const HOST_RECORD_TTL_S = 120;
const OTHER_RECORD_TTL_S = 4500;

// RFC 6763 §6.2: a TXT record should fit one packet; anything larger is not ours.
const MAX_TXT_BYTES = 1300;

/** What this node advertises about itself. */
export interface MdnsAdvertisement {
  nodeName: string;
  nodeUuid: string;
  clusterId: string;
  /** The management address peers reach this node at (IPv4). */
  address: string;
  /** The port of this node's MQTT broker. */
  port: number;
}

/** A node learnt from an mDNS answer. */
export const MdnsPeerSchema = z.object({
  name: NodeNameSchema,
  uuid: z.string().uuid(),
  clusterId: ClusterIdSchema,
  address: z.ipv4(),
  port: z.number().int().min(1).max(65535),
});
export type MdnsPeer = z.infer<typeof MdnsPeerSchema>;

type Answer = mDNS.ResponseOutgoingPacket["answers"][number];

/** The PTR answer first, then the records it points to (RFC 6763 §12.1). */
function advertisementRecords(ad: MdnsAdvertisement): [Answer, ...Answer[]] {
  const instance = `${ad.nodeName}.${SERVICE_TYPE}`;
  const host = `${ad.nodeName}.local`;
  return [
    { name: SERVICE_TYPE, type: "PTR", ttl: OTHER_RECORD_TTL_S, data: instance },
    // flush: these records are unique to this node (RFC 6762 §10.2).
    { name: instance, type: "SRV", ttl: HOST_RECORD_TTL_S, flush: true, data: { port: ad.port, target: host } },
    // Readers ignore keys they do not know, so a certificate fingerprint can be added without a new version.
    {
      name: instance,
      type: "TXT",
      ttl: OTHER_RECORD_TTL_S,
      flush: true,
      data: [`cluster=${ad.clusterId}`, `uuid=${ad.nodeUuid}`, `v=${TXT_VERSION}`],
    },
    { name: host, type: "A", ttl: HOST_RECORD_TTL_S, flush: true, data: ad.address },
  ];
}

/** The answer to a query for SERVICE_TYPE: the PTR, with SRV, TXT and A as additional records. */
export function buildResponse(ad: MdnsAdvertisement): mDNS.ResponseOutgoingPacket {
  const [ptr, ...rest] = advertisementRecords(ad);
  return { answers: [ptr], additionals: rest };
}

/** An unsolicited announcement carries every record in the answer section (RFC 6762 §8.3). */
export function buildAnnouncement(ad: MdnsAdvertisement): mDNS.ResponseOutgoingPacket {
  return { answers: advertisementRecords(ad) };
}

/** The query that asks every alkord on the link to answer. */
export function buildQuery(): mDNS.QueryOutgoingPacket {
  return { questions: [{ name: SERVICE_TYPE, type: "PTR" }] };
}

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === "object" && value !== null;
}

function section(packet: unknown, key: "questions" | "answers" | "additionals"): UnknownRecord[] {
  if (!isRecord(packet)) return [];
  const records = packet[key];
  return Array.isArray(records) ? records.filter(isRecord) : [];
}

function lowerName(record: UnknownRecord): string | undefined {
  return typeof record.name === "string" ? record.name.toLowerCase() : undefined;
}

/** Whether a received query asks for alkor nodes. Never throws. */
export function isServiceQuery(packet: unknown): boolean {
  return section(packet, "questions").some(
    (question) => lowerName(question) === SERVICE_TYPE && (question.type === "PTR" || question.type === "ANY"),
  );
}

/**
 * TXT strings as key/value pairs. Keys are case-insensitive and only the first
 * occurrence counts (RFC 6763 §6.4); entries without "=" are ignored.
 */
function parseTxt(data: unknown): Map<string, string> | undefined {
  const entries = Array.isArray(data) ? data : [data];
  let bytes = 0;
  const texts: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== "string" && !(entry instanceof Uint8Array)) return undefined;
    bytes += typeof entry === "string" ? Buffer.byteLength(entry) : entry.length;
    if (bytes > MAX_TXT_BYTES) return undefined;
    texts.push(typeof entry === "string" ? entry : Buffer.from(entry).toString("utf8"));
  }
  const attributes = new Map<string, string>();
  for (const text of texts) {
    const separator = text.indexOf("=");
    if (separator <= 0) continue;
    const key = text.slice(0, separator).toLowerCase();
    if (!attributes.has(key)) attributes.set(key, text.slice(separator + 1));
  }
  return attributes;
}

/** Records by lower-cased name, so each lookup is constant time however large the packet. */
function indexByName(records: UnknownRecord[]): Map<string, UnknownRecord[]> {
  const index = new Map<string, UnknownRecord[]>();
  for (const record of records) {
    const name = lowerName(record);
    if (name === undefined) continue;
    const list = index.get(name);
    if (list === undefined) index.set(name, [record]);
    else list.push(record);
  }
  return index;
}

// RFC 6762 §10.1: a TTL of zero is a goodbye, not an advertisement.
function isLive(record: UnknownRecord): boolean {
  return record.ttl !== 0;
}

function readPeer(instance: string, index: Map<string, UnknownRecord[]>): MdnsPeer | undefined {
  const suffix = `.${SERVICE_TYPE}`;
  if (!instance.toLowerCase().endsWith(suffix)) return undefined;
  const records = index.get(instance.toLowerCase()) ?? [];
  const srv = records.find((record) => record.type === "SRV" && isLive(record))?.data;
  const txt = records.find((record) => record.type === "TXT" && isLive(record))?.data;
  if (!isRecord(srv) || typeof srv.target !== "string") return undefined;
  const address = index.get(srv.target.toLowerCase())?.find((record) => record.type === "A" && isLive(record))?.data;
  const attributes = parseTxt(txt);
  if (attributes === undefined || attributes.get("v") !== TXT_VERSION) return undefined;
  const peer = MdnsPeerSchema.safeParse({
    name: instance.slice(0, -suffix.length),
    uuid: attributes.get("uuid"),
    clusterId: attributes.get("cluster"),
    address,
    port: srv.port,
  });
  return peer.success ? peer.data : undefined;
}

/**
 * The alkor nodes a received response describes, of any cluster, one per PTR
 * answer whose SRV, TXT and A records are present and well-formed. Anything
 * else in the packet is skipped. Never throws, whatever the packet holds.
 */
export function parsePeers(packet: unknown): MdnsPeer[] {
  const records = [...section(packet, "answers"), ...section(packet, "additionals")];
  const index = indexByName(records);
  const seen = new Set<string>();
  const peers: MdnsPeer[] = [];
  for (const ptr of index.get(SERVICE_TYPE) ?? []) {
    if (ptr.type !== "PTR" || !isLive(ptr) || typeof ptr.data !== "string") continue;
    const instance = ptr.data.toLowerCase();
    if (seen.has(instance)) continue;
    seen.add(instance);
    const peer = readPeer(ptr.data, index);
    if (peer !== undefined) peers.push(peer);
  }
  return peers;
}
