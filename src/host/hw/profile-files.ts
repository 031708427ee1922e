import { readdir, readFile } from "node:fs/promises";
import type { ProfileFiles } from "./profile.js";

/** Profile files on the local file system. */
export const fsProfileFiles: ProfileFiles = {
  list: (dir) => readdir(dir),
  read: (path) => readFile(path, "utf8"),
};
