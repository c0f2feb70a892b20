import { createServer, type RequestListener, type Server } from 'node:http';

/** Longer than any client's keep-alive (undici's is 4 s): a server that closes an idle
 *  connection first races a client reusing it, which then fails with ECONNRESET; on a
 *  loaded machine that race is won often (a test's `fetch failed`). */
const KEEP_ALIVE_MS = 65_000;

/** An HTTP server of the local stack (the API, the stand-ins, the simulators). */
export function createLocalServer(listener: RequestListener): Server {
  const server = createServer(listener);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;
}
