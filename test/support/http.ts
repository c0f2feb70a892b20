// Real HTTP requests to a local stack: scripts/lib/http.ts, which the demo uses too.
export { type ApiResponse, type CallOptions, request } from '../../scripts/lib/http.ts';
