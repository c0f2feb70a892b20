import { deployedRoutes } from '#contexts/routes.ts';
import { buildOpenApi } from '#platform/http/openapi.ts';

// The API's OpenAPI document, from every deployed route's contract.

let cached: ReturnType<typeof buildOpenApi> | undefined;

/** Built on first use and kept for the life of the container. */
export function openApiDocument() {
  cached ??= buildOpenApi(deployedRoutes);
  return cached;
}
