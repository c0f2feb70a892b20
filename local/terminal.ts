import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs';

// `npm start`'s terminal is for people: every line the process writes (the handlers' JSON
// logs, the metrics' EMF lines, anything else) goes to the log file, and the terminal shows
// only what a person reads: text (the banner, errors with their stack), one short line per
// API request, and warnings and errors.

/** An EMF line, or an INFO/DEBUG log line whose message is not `request`. */
const FILE_ONLY = /^\{(?:"_aws":|"level":"(?:INFO|DEBUG)","message":"(?!request"))/;

/** What the terminal shows for one line the process wrote: itself, a short form, or nothing. */
export function terminalLine(line: string, now: Date = new Date()): string | undefined {
  if (!line.startsWith('{')) return line;
  // Most lines are metrics and INFO logs, for the file only: known by their first keys as
  // Powertools writes them, without parsing (a test stack writes thousands).
  if (FILE_ONLY.test(line) && line.endsWith('}')) return undefined;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return line;
  // Embedded metric format (CloudWatch metrics on AWS): the file only.
  if ('_aws' in entry) return undefined;
  const time = now.toTimeString().slice(0, 8);
  const level = String(entry.level ?? '').toUpperCase();
  if (level === 'WARN' || level === 'ERROR' || level === 'CRITICAL') {
    const error = entry.error as { name?: string; message?: string } | undefined;
    const detail = [
      entry.function_name ?? entry.operation,
      error ? `${error.name ?? 'Error'}: ${error.message ?? ''}` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    const text = `${time} ${level.padEnd(5)} ${String(entry.message ?? '')}${detail ? ` (${detail})` : ''}`;
    return text.length > 300 ? `${text.slice(0, 299)}…` : text;
  }
  if (entry.message === 'request' && typeof entry.operation === 'string')
    return `${time} ${String(entry.status ?? '   ').padEnd(3)} ${entry.operation} ${entry.latencyMs ?? '?'} ms`;
  return undefined;
}

/** Files over this size are moved aside (to `<file>.1`) when the stack starts. */
const ROTATE_BYTES = 100 * 1024 * 1024;

/**
 * From now on, what this process writes to stdout and stderr goes whole to `logFile`
 * (appended, synchronously: nothing is lost on exit), and to the terminal as `terminalLine`
 * decides. Returns a function that puts stdout and stderr back.
 */
export function splitOutput(logFile: string): () => void {
  if (existsSync(logFile) && statSync(logFile).size > ROTATE_BYTES) renameSync(logFile, `${logFile}.1`);
  const fd = openSync(logFile, 'a');
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    const write = original.bind(stream) as (chunk: string, callback?: () => void) => boolean;
    let pending = '';
    const wrapped = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            );
      try {
        writeSync(fd, text);
      } catch {
        // A full disk must not stop the stack: the terminal still gets the line.
      }
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const shown = lines.map((line) => terminalLine(line)).filter((line) => line !== undefined);
      const done = [encoding, callback].find((f) => typeof f === 'function') as (() => void) | undefined;
      if (shown.length) return write(`${shown.join('\n')}\n`, done);
      done?.();
      return true;
    };
    stream.write = wrapped as typeof stream.write;
    restore.push(() => {
      if (pending) write(`${pending}\n`);
      stream.write = original;
    });
  }
  return () => {
    for (const r of restore) r();
    closeSync(fd);
  };
}
