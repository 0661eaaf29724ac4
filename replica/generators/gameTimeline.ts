// When each field goal of a game happens: spreads the attempts over the periods (12-minute quarters,
// 5-minute overtimes) and numbers them like play-by-play actions, with gaps for the rebounds, fouls
// and substitutions in between, so eventNumber grows with game time and the clock runs down.
import type { SeededRandom } from '../seededRandom.ts';

export interface EventSlot {
  eventNumber: number;
  period: number;
  /** Seconds remaining in the period, one decimal. */
  gameClock: number;
}

const QUARTER_SECONDS = 720;
const OVERTIME_SECONDS = 300;

export function periodSeconds(period: number): number {
  return period <= 4 ? QUARTER_SECONDS : OVERTIME_SECONDS;
}

/** `count` slots in game order: eventNumber strictly increasing, gameClock strictly decreasing per period. */
export function eventSlots(random: SeededRandom, periods: number, count: number): EventSlot[] {
  const starts: number[] = [];
  let gameSeconds = 0;
  for (let period = 1; period <= periods; period++) {
    starts.push(gameSeconds);
    gameSeconds += periodSeconds(period);
  }
  const spacing = gameSeconds / Math.max(1, count);
  const slots: EventSlot[] = [];
  // Opening tip and jump ball come first.
  let eventNumber = random.int(2, 4);
  let period = 1;
  for (let index = 0; index < count; index++) {
    // Jittered quantiles: strictly increasing elapsed times at least 0.2 spacing apart.
    const elapsed = (index + random.between(0.1, 0.9)) * spacing;
    while (period < periods && elapsed >= (starts[period] ?? Number.POSITIVE_INFINITY)) {
      period += 1;
      eventNumber += random.int(2, 4); // end of period, start of period, substitutions
    }
    const length = periodSeconds(period);
    const remaining = (starts[period - 1] ?? 0) + length - elapsed;
    // Keep clear of the buzzers: nobody shoots at 12:00.0, and 0.0 would read as "after the period".
    const gameClock = Math.round((1 + (remaining * (length - 8)) / length) * 10) / 10;
    eventNumber += random.int(1, 6);
    slots.push({ eventNumber, period, gameClock });
  }
  return slots;
}
