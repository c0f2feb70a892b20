// The tests' way to a stack of their own is the local stack's (local/spawn-stack.ts), which
// `npm run demo` and `npm run seed:demo` use too.
export { type SpawnedStack, spawnStack } from '#local/spawn-stack.ts';
