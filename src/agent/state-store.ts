import { join } from "node:path";
import { Low, type Adapter } from "lowdb";
import type { z } from "zod";
import { AlkorError } from "../model/errors.js";
import { localDurableFiles, type DurableFiles } from "../host/durable-file.js";

/** The state directory holds the node's identity and, later, keys and Raft state: owner only. */
export const stateDirectoryMode = 0o700;

/**
 * lowdb adapter for one JSON file of the state directory: writes are durable
 * (write, fsync, rename) and content is checked against its schema both ways.
 * A file that fails to parse is never replaced: the agent refuses to start and
 * the operator decides, since it may hold the only copy of this node's identity.
 */
export class DurableJsonAdapter<T> implements Adapter<T> {
  /** Writes run one after another, so the last write() called is the one that stays on disk. */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly files: DurableFiles = localDurableFiles,
  ) {}

  async read(): Promise<T | null> {
    const text = await this.files.readIfExists(this.path);
    if (text === undefined) return null;
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw this.corrupt(`is not valid JSON (${(error as Error).message})`);
    }
    const result = this.schema.safeParse(document);
    if (!result.success) throw this.corrupt(`does not match its schema (${describeIssues(result.error)})`);
    return result.data;
  }

  write(data: T): Promise<void> {
    // Checked before it reaches the disk: a file we could not read back would stop the next start.
    const result = this.schema.safeParse(data);
    if (!result.success) {
      return Promise.reject(
        new AlkorError("internal_error", `Refusing to write invalid state to ${this.path}: ${describeIssues(result.error)}.`, {
          file: this.path,
        }),
      );
    }
    // Serialised now, not when the queue reaches it: lowdb passes the same live object every time.
    const text = `${JSON.stringify(data, null, 2)}\n`;
    const write = this.pending.then(() => this.files.writeDurably(this.path, text));
    this.pending = write.catch(() => undefined);
    return write;
  }

  private corrupt(why: string): AlkorError {
    return new AlkorError(
      "wrong_state",
      `State file ${this.path} ${why}. alkord will not start and will not overwrite it: repair or restore the file, or remove it to start this node from scratch.`,
      { file: this.path },
    );
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`)
    .join("; ");
}

export interface StateStoreOptions<T> {
  /** The state directory; created with mode 0700 when missing. */
  dir: string;
  fileName: string;
  /** What the store holds while its file does not exist yet. */
  defaults: T;
  schema: z.ZodType<T>;
  files?: DurableFiles;
}

/**
 * Opens one file of the state directory as a lowdb database and reads it.
 * The file is only created by the first write.
 */
export async function openStateStore<T>(options: StateStoreOptions<T>): Promise<Low<T>> {
  const files = options.files ?? localDurableFiles;
  await files.ensureDirectory(options.dir, stateDirectoryMode);
  const db = new Low<T>(new DurableJsonAdapter(join(options.dir, options.fileName), options.schema, files), options.defaults);
  await db.read();
  return db;
}
