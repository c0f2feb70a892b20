// Where a handler module's file is, from the repository root. Handler names are logical,
// `<context>/<name>` (the CDK app's construct ids and per-context stacks follow them); the
// file is in its context's folder, contexts/<context>/handlers/<name>.ts. `_local/<name>`
// are the local stack's own, local/handlers/<name>.ts, which nothing deployed names.
export function handlerFile(handler: string): string {
  // A bare name (a test's probe) is a file in the folder the caller resolves from.
  if (!handler.includes('/')) return `${handler}.ts`;
  const [context, name] = handler.split('/');
  if (!context || !name) throw new Error(`handler ${handler}: expected <context>/<name>`);
  return context === '_local' ? `local/handlers/${name}.ts` : `contexts/${context}/handlers/${name}.ts`;
}

/** The bounded context of a handler module: `purchases/create-purchase` -> `purchases`,
 *  its folder under contexts/ and, on AWS, its nested stack (cdk/constructs/api.ts). */
export const contextOf = (handler: string) => handler.split('/')[0]!;
