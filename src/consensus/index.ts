export { RaftNode, type RaftConfig, type RaftStatus } from "./raft.js";
export type * from "./types.js";
