/**
 * A scenario runs in rounds, each between two measurements of its ceiling: a round's ratio is to
 * the mean of the two, so the ceiling is taken on the machine as the round found and left it
 * (this VM's speed drifts by half within minutes), and the median round stands for the scenario.
 */
import type { Measured } from './drive';

export interface Round {
  measured: Measured;
  /** The mean of the ceilings measured just before and just after the round. */
  ceiling?: number;
  ratio?: number;
}

export function roundAgainst(measured: Measured, before: number | undefined, after: number | undefined): Round {
  if (before === undefined || after === undefined) return { measured };
  const ceiling = Math.round((before + after) / 2);
  return { measured, ceiling, ratio: Math.round((1000 * measured.requestsPerSecond) / ceiling) / 1000 };
}

/** The round with the median ratio (with the median req/s when there is no ceiling); the lower one of an even count. */
export function medianRound(rounds: Round[]): Round {
  const key = (round: Round) => round.ratio ?? round.measured.requestsPerSecond;
  return [...rounds].sort((a, b) => key(a) - key(b))[Math.floor((rounds.length - 1) / 2)];
}
