import type { Server as HttpServer } from "node:http";

/** Stops an HTTP(S) server and drops its connections: close() alone waits for keep-alive clients and long polls. */
export function closeServer(server: Pick<HttpServer, "close" | "closeAllConnections">): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
