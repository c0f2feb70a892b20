import { describe, expect, inject, it } from 'vitest';
import { isLoopback, listeningAddresses } from '#test/support/listeners.ts';

// The local stack is reachable from this machine only: the API, DynamoDB Local and the
// SQS emulator each listen on the loopback interface and nowhere else.
const endpoints = () => {
  const stack = inject('stack');
  return { api: stack.apiUrl, dynamodb: stack.dynamoEndpoint, sqs: stack.sqsEndpoint };
};

describe.runIf(process.platform === 'linux')('the local engines', () => {
  it.each(['api', 'dynamodb', 'sqs'] as const)('%s listens on 127.0.0.1 only', (name) => {
    const url = new URL(endpoints()[name]);
    expect(url.hostname).toBe('127.0.0.1');
    const addresses = listeningAddresses(Number(url.port));
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !isLoopback(address))).toEqual([]);
  });
});
