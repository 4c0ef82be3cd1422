import { median } from "./load.js";
import type { RoundResult } from "./rounds.js";

/** What the tables read from rounds: one figure per round, a median over rounds, a ratio paired by round. */
export type Metric = (round: RoundResult) => number | undefined;

export const metrics = {
  rpsAt:
    (connections: number): Metric =>
    (round) =>
      round.loads.find((load) => load.connections === connections)?.reqPerSec,
  p50Us: (round: RoundResult) => round.probe.p50Us,
  p99Us: (round: RoundResult) => round.probe.p99Us,
  pacedP50Us: (round: RoundResult) => round.paced?.p50Us,
  rssPeak: (round: RoundResult) => round.loads.find((load) => load.rssPeak !== undefined)?.rssPeak,
  rssIdle: (round: RoundResult) => round.rssIdle,
  logBytesPerRequest: (round: RoundResult) => round.logBytesPerRequest,
};

/** The median of a metric over rounds. */
export const medianOf = (rounds: RoundResult[], metric: Metric) =>
  median(rounds.map((round) => metric(round) ?? Number.NaN));

/**
 * Candidate ÷ baseline, per round (both ran in the same round, minutes apart at most), then the median
 * of those ratios: slow drift of the machine cancels.
 */
export function pairedRatio(candidate: RoundResult[], baseline: RoundResult[], metric: Metric): number {
  return median(
    candidate.flatMap((round) => {
      const base = baseline.find((other) => other.round === round.round);
      const [c, b] = [metric(round), base && metric(base)];
      return c !== undefined && b ? [c / b] : [];
    }),
  );
}
