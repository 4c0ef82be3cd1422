import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const HAS_PROCFS = existsSync("/proc/self/status");

/** A process's resident set in bytes: /proc where there is one, `ps` elsewhere; undefined once it is gone. */
export function rssBytes(pid: number): number | undefined {
  if (HAS_PROCFS) {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
    } catch {
      return undefined;
    }
  }
  try {
    const kib = Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim());
    return Number.isFinite(kib) && kib > 0 ? kib * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on Linux (USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used, user and system, in milliseconds (/proc only; undefined elsewhere or once
 * it is gone). Against a slow upstream the work per request, not the wall clock, is what a gateway can
 * tune, and it holds up better than throughput on a machine shared with other work.
 */
export function cpuMs(pid: number): number | undefined {
  if (!HAS_PROCFS) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface RssSummary {
  /** Bytes; undefined when no sample could be taken. */
  peak: number | undefined;
  median: number | undefined;
  samples: number;
}

export interface RssSampler {
  /** The summary so far, sampling on. */
  read(): RssSummary;
  /** Stops sampling (after one last sample) and returns the summary. */
  stop(): RssSummary;
}

/** Samples a process's RSS every `everyMs` (default 200 ms) until stopped. */
export function sampleRss(pid: number, everyMs = 200): RssSampler {
  const samples: number[] = [];
  const take = () => {
    const rss = rssBytes(pid);
    if (rss !== undefined) samples.push(rss);
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  const read = (): RssSummary => {
    const sorted = [...samples].sort((a, b) => a - b);
    return { peak: sorted.at(-1), median: sorted[Math.floor(sorted.length / 2)], samples: sorted.length };
  };
  return {
    read,
    stop: () => {
      clearInterval(timer);
      take();
      return read();
    },
  };
}
