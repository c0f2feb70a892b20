import { readdirSync, readFileSync } from 'node:fs';

// CPU time of this process and everything it started (the local stack, DynamoDB Local),
// from /proc: on a machine other work shares, CPU per operation says more than wall time.
// Linux only; elsewhere undefined.
const TICK_MS = 10; // USER_HZ is 100 on Linux

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function cpuMsOf(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Milliseconds of CPU used so far by this process and its descendants still running. */
export function treeCpuMs(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let total = 0;
  const queue = [process.pid];
  while (queue.length) {
    const pid = queue.pop()!;
    total += cpuMsOf(pid);
    queue.push(...children(pid));
  }
  return total;
}
