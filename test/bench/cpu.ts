/**
 * CPU time from /proc (Linux): what a process, or every PostgreSQL process on
 * the machine, has used so far. Sampled before and after a measured window,
 * the difference divided by the messages gives CPU per message — a figure
 * that, unlike throughput, does not depend on what else the cores were doing.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** utime + stime of one process, in seconds, including its threads; NaN where /proc is not readable. */
export function processCpuSeconds(pid: number): number {
  try {
    // The command name may contain spaces and parentheses: fields are counted after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds used so far by every process named `postgres` (the server's backends, walwriter, checkpointer…). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += processCpuSeconds(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

export interface CpuWindow {
  /** CPU ms per message for the server process and for PostgreSQL since the window opened. */
  perMessage(messages: number): { serverMs: number; postgresMs: number };
}

/** Open a window on the server process's and PostgreSQL's CPU time. */
export function openCpuWindow(serverPid: number): CpuWindow {
  const server0 = processCpuSeconds(serverPid);
  const pg0 = postgresCpuSeconds();
  return {
    perMessage(messages) {
      return {
        serverMs: ((processCpuSeconds(serverPid) - server0) * 1000) / messages,
        postgresMs: ((postgresCpuSeconds() - pg0) * 1000) / messages,
      };
    },
  };
}
