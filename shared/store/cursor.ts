// Opaque pagination cursors: the DynamoDB LastEvaluatedKey, base64url-encoded JSON.
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** The key a cursor stands for, or `null` when the text is not one of our cursors. */
export function decodeCursor(cursor: string, keyNames: readonly string[]): Record<string, string> | null {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return null;
    const entries = Object.entries(key);
    const valid =
      entries.length === keyNames.length &&
      entries.every(
        ([name, value]) => keyNames.includes(name) && typeof value === 'string' && value.length < 512,
      );
    return valid ? (key as Record<string, string>) : null;
  } catch {
    return null;
  }
}
