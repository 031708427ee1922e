import { join } from "node:path";
import { z } from "zod";
import type { Entry, HardState, PersistentState, Ready } from "../consensus/types.js";
import type { DurableFiles } from "../host/durable-file.js";
import { AlkorError } from "../model/errors.js";
import { EntrySchema, SnapshotSchema } from "../transport/raft-message.js";

/** Where a node keeps what Raft needs to survive a crash. */
export interface StoredRaft {
  /** The voters the node's log started from (thesis §4.1: until a configuration entry, these decide). */
  initialVoters: string[];
  state: PersistentState;
}

export interface RaftStorage {
  /** Undefined when this node is not part of a cluster. */
  load(): Promise<StoredRaft | undefined>;
  /** Starts a new log from the given voters ([self] to found a cluster, [] to join one), erasing any old one. */
  begin(initialVoters: readonly string[]): Promise<void>;
  /** Makes a ready()'s persist part durable, in the order Ready documents. */
  persist(persist: Ready["persist"]): Promise<void>;
  /** Forgets everything: the node was removed from its cluster, which it then remembers, to not join it again by itself. */
  erase(removedFrom?: string): Promise<void>;
  /** The cluster this node was last removed from, if any; forgotten when it begins a new log. */
  removedFrom(): Promise<string | null>;
}

const BootstrapSchema = z.object({ initialVoters: z.array(z.string()) });
const RemovedSchema = z.object({ clusterUuid: z.string() });

export const HardStateSchema = z.object({
  term: z.number().int().nonnegative(),
  votedFor: z.string().nullable(),
  commit: z.number().int().nonnegative(),
});

/**
 * Three files in one directory: the hard state and the snapshot, each
 * replaced atomically, and the log, one JSON entry per line, appended and
 * synced. Truncation and compaction rewrite the log file; both are rare.
 */
export class FileRaftStorage implements RaftStorage {
  private entries: Entry[] = [];
  private readonly hardStatePath: string;
  private readonly snapshotPath: string;
  private readonly logPath: string;
  private readonly bootstrapPath: string;
  private readonly removedPath: string;

  constructor(
    private readonly directory: string,
    private readonly files: DurableFiles,
  ) {
    this.hardStatePath = join(directory, "hardstate.json");
    this.snapshotPath = join(directory, "snapshot.json");
    this.logPath = join(directory, "log.jsonl");
    this.bootstrapPath = join(directory, "bootstrap.json");
    this.removedPath = join(directory, "removed.json");
  }

  async load(): Promise<StoredRaft | undefined> {
    const [bootstrapText, hardStateText, snapshotText, logText] = await Promise.all(
      [this.bootstrapPath, this.hardStatePath, this.snapshotPath, this.logPath].map((path) => this.files.readIfExists(path)),
    );
    if (bootstrapText === undefined) return undefined;
    const { initialVoters } = parseFile(BootstrapSchema, bootstrapText, this.bootstrapPath);
    const hardState: HardState = hardStateText === undefined ? { term: 0, votedFor: null, commit: 0 } : parseFile(HardStateSchema, hardStateText, this.hardStatePath);
    const snapshot = snapshotText === undefined ? undefined : parseFile(SnapshotSchema, snapshotText, this.snapshotPath);
    this.entries = parseLog(logText ?? "", this.logPath).filter((entry) => entry.index > (snapshot?.index ?? 0));
    return { initialVoters, state: { hardState, entries: [...this.entries], ...(snapshot ? { snapshot } : {}) } };
  }

  async begin(initialVoters: readonly string[]): Promise<void> {
    await this.erase();
    await this.files.writeDurably(this.bootstrapPath, JSON.stringify({ initialVoters }));
  }

  async persist({ snapshot, truncateFrom, entries, hardState }: Ready["persist"]): Promise<void> {
    await this.files.ensureDirectory(this.directory, 0o700);
    let rewrite = false;
    if (snapshot) {
      await this.files.writeDurably(this.snapshotPath, JSON.stringify(snapshot));
      this.entries = this.entries.filter((entry) => entry.index > snapshot.index);
      rewrite = true;
    }
    if (truncateFrom !== undefined) {
      this.entries = this.entries.filter((entry) => entry.index < truncateFrom);
      rewrite = true;
    }
    this.entries.push(...entries);
    if (rewrite) await this.files.writeDurably(this.logPath, lines(this.entries));
    else if (entries.length > 0) await this.files.appendDurably(this.logPath, lines(entries));
    if (hardState) await this.files.writeDurably(this.hardStatePath, JSON.stringify(hardState));
  }

  async erase(removedFrom?: string): Promise<void> {
    this.entries = [];
    await this.files.ensureDirectory(this.directory, 0o700);
    // The bootstrap record goes first: without it load() finds no membership, whatever else a crash leaves.
    for (const path of [this.bootstrapPath, this.logPath, this.snapshotPath, this.hardStatePath]) await this.files.remove(path);
    if (removedFrom === undefined) await this.files.remove(this.removedPath);
    else await this.files.writeDurably(this.removedPath, JSON.stringify({ clusterUuid: removedFrom }));
  }

  async removedFrom(): Promise<string | null> {
    const text = await this.files.readIfExists(this.removedPath);
    return text === undefined ? null : parseFile(RemovedSchema, text, this.removedPath).clusterUuid;
  }
}

function lines(entries: readonly Entry[]): string {
  return entries.map((entry) => `${JSON.stringify(entry)}\n`).join("");
}

/** A crash mid-append may tear the last line, which was never acknowledged; damage anywhere else is refused. */
function parseLog(text: string, path: string): Entry[] {
  // Every complete line ends with a newline; whatever follows the last one is torn.
  const complete = text.split("\n").slice(0, -1);
  const entries: Entry[] = [];
  for (const [number, row] of complete.entries()) {
    entries.push(parseFile(EntrySchema, row, `${path} line ${number + 1}`));
  }
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.index !== entries[i - 1]!.index + 1) {
      throw new AlkorError("environment_error", `The Raft log ${path} skips from index ${entries[i - 1]!.index} to ${entries[i]!.index}; refusing to start on a damaged log.`);
    }
  }
  return entries;
}

function parseFile<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AlkorError("environment_error", `${where} is not valid JSON (${(error as Error).message}); refusing to start on damaged Raft state.`);
  }
  const result = schema.safeParse(document);
  if (!result.success) throw new AlkorError("environment_error", `${where} does not hold Raft state: ${result.error.issues[0]?.message ?? "invalid"}.`);
  return result.data;
}
