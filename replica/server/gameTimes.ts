// Schedule facts the skeleton does not carry but the schedule and scoreboard shapes need: tip-off
// times (deterministic per game id), Eastern-time offsets, game codes and week numbers. Status texts
// are gameProgress's: they depend on the clock.

import { unitFromText } from '../seededRandom.ts';
import type { Game, Team } from '../skeleton.ts';

const TIP_OFFS_ET: ReadonlyArray<readonly [number, number]> = [
  [19, 0],
  [19, 30],
  [19, 30],
  [20, 0],
  [21, 0],
  [22, 0],
  [22, 30],
];

export interface GameTimes {
  gameDateEst: string;
  gameTimeEst: string;
  gameDateTimeEst: string;
  gameDateUTC: string;
  gameTimeUTC: string;
  gameDateTimeUTC: string;
  /** Minutes after midnight ET, for ordering a day's games. */
  tipOffMinutes: number;
  /** e.g. "7:30 pm ET", the status text of a scheduled game. */
  tipOffText: string;
}

export function gameTimes(game: Game): GameTimes {
  const [hour, minute] = TIP_OFFS_ET[Math.floor(unitFromText(`tip-off:${game.id}`) * TIP_OFFS_ET.length)] ?? [
    19, 0,
  ];
  const offset = easternOffsetHours(game.date);
  const clock = `${pad(hour)}:${pad(minute)}:00`;
  const [year, month, day] = game.date.split('-').map(Number) as [number, number, number];
  const utc = (y: number, mo: number, d: number, h: number, mi: number) =>
    new Date(Date.UTC(y, mo - 1, d, h, mi)).toISOString().replace('.000Z', 'Z');
  return {
    gameDateEst: `${game.date}T00:00:00Z`,
    gameTimeEst: `1900-01-01T${clock}Z`,
    gameDateTimeEst: `${game.date}T${clock}Z`,
    gameDateUTC: utc(year, month, day, offset, 0),
    // Upstream writes the UTC time on 1900-01-01 and lets it roll into the 2nd after midnight.
    gameTimeUTC: utc(1900, 1, 1, hour + offset, minute),
    gameDateTimeUTC: utc(year, month, day, hour + offset, minute),
    tipOffMinutes: hour * 60 + minute,
    tipOffText: `${hour > 12 ? hour - 12 : hour}:${pad(minute)} ${hour >= 12 ? 'pm' : 'am'} ET`,
  };
}

/** Hours UTC is ahead of US Eastern time on a date: 4 from the second Sunday of March to the first
 * Sunday of November, 5 otherwise. */
export function easternOffsetHours(date: string): 4 | 5 {
  const year = Number(date.slice(0, 4));
  const dstStart = nthSunday(year, 3, 2);
  const dstEnd = nthSunday(year, 11, 1);
  return date >= dstStart && date < dstEnd ? 4 : 5;
}

function nthSunday(year: number, month: number, nth: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const day = 1 + ((7 - first.getUTCDay()) % 7) + (nth - 1) * 7;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** "20251021/HOUOKC": date, then away and home tricodes. */
export function gameCode(game: Game, away: Team | undefined, home: Team | undefined): string {
  return `${game.date.replaceAll('-', '')}/${away?.abbreviation ?? ''}${home?.abbreviation ?? ''}`;
}

/** Week 1 runs from opening night to the first Sunday; later weeks run Monday to Sunday. */
export function weekNumber(openingDate: string, date: string): number {
  const dayMs = 86_400_000;
  const opening = Date.parse(`${openingDate}T00:00:00Z`);
  const mondayBefore = opening - ((new Date(opening).getUTCDay() + 6) % 7) * dayMs;
  return Math.floor((Date.parse(`${date}T00:00:00Z`) - mondayBefore) / (7 * dayMs)) + 1;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
