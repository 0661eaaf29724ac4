// How the legacy endpoints' values become column values: ISO 8601 durations (box score minutes,
// play-by-play clocks), "0"/"1" flags, and whole numbers sent as digit strings (scores, hustle XML
// attributes). The schemas check the text and brand it without changing it, so a row's raw JSON keeps
// exactly what arrived; the converters below turn checked text into values. Also how a payload that
// cannot be stored is answered: a schema mismatch naming the field, or another game's payload.
import { z } from 'zod';
import type { GameId } from '../gameId.ts';
import type { LegacyParse, RequestedGame } from './dataset.ts';
import { INT_MAX, unstorableText } from './rowValues.ts';

/**
 * Minutes and seconds, either optional but not both: `PT34M12.00S`, `PT240M`, `PT05.30S`. At most four
 * digits each, so decimal minutes always fit the columns' numeric(8, 2).
 */
const DURATION = /^PT(?=\d)(?:(\d{1,4})M)?(?:(\d{1,4}(?:\.\d{1,6})?)S)?$/;

export type IsoDuration = string & { readonly __brand: 'IsoDuration' };
export type Digits = string & { readonly __brand: 'Digits' };

export const isoDuration = z
  .string()
  .regex(DURATION, 'an ISO 8601 duration of minutes and seconds, such as PT34M12.00S')
  .transform((text) => text as IsoDuration);

/** `'0'` or `'1'`, as the box score sends its flags (starter, oncourt, played). */
export const flagText = z.enum(['0', '1']);

/** A whole number 0 or more written in digits only: no sign, no decimals, no blanks, no empty string. */
export const digits = z
  .string()
  .regex(/^\d{1,10}$/, 'a whole number written in digits')
  .refine((text) => Number(text) <= INT_MAX, 'a whole number that fits an int column')
  .transform((text) => text as Digits);

/** A period lasts 12 minutes (an overtime 5): no clock reads more seconds remaining than this. */
export const PERIOD_SECONDS = 720;

/** Seconds in a duration, to the hundredth it is written in: `PT11M58.50S` → 718.5. */
export function secondsOf(duration: IsoDuration): number {
  const [, minutes = '0', seconds = '0'] = DURATION.exec(duration) ?? [];
  return Math.round((Number(minutes) * 60 + Number(seconds)) * 100) / 100;
}

/** Decimal minutes, to the hundredth the columns keep: `PT34M12.00S` → 34.2, `PT265M00.00S` → 265. */
export const minutesOf = (duration: IsoDuration): number =>
  Math.round((secondsOf(duration) / 60) * 100) / 100;

/** An absent flag is NULL. */
export const flagValue = (flag: z.output<typeof flagText> | null | undefined): boolean | null =>
  flag ? flag === '1' : null;

/** An absent number is NULL; checked digits are always a whole number. */
export const numberOrNull = (text: Digits | null | undefined): number | null => (text ? Number(text) : null);

export type LegacyFailure = Extract<LegacyParse, { readonly ok: false }>;

/**
 * The payload as `schema` reads it, or a schema mismatch naming the first field that is wrong (a text
 * with a NUL character included: PostgreSQL cannot store it).
 */
export function readPayload<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { readonly ok: true; readonly payload: z.output<S> } | LegacyFailure {
  const parsed = schema.safeParse(body);
  if (parsed.success) {
    const nul = unstorableText(body);
    return nul === null ? { ok: true, payload: parsed.data } : schemaMismatch(nul);
  }
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  return schemaMismatch(field ? `${field}: ${issue?.message}` : `${issue?.message}`);
}

export const schemaMismatch = (detail: string): LegacyFailure => ({
  ok: false,
  reason: 'schema_mismatch',
  detail,
});

export const identityMismatch = (detail: string): LegacyFailure => ({
  ok: false,
  reason: 'identity_mismatch',
  detail,
});

/**
 * The failure when a payload names a team (in `field`) that does not play in the requested game,
 * else undefined; absent team ids (null) are no claim.
 */
export function otherTeams(
  game: RequestedGame,
  teamIds: Iterable<number | null>,
  field: string,
): LegacyFailure | undefined {
  for (const teamId of teamIds) {
    if (teamId !== null && teamId !== game.homeTeamId && teamId !== game.awayTeamId) {
      return identityMismatch(
        `${field} ${teamId} does not play in ${game.gameId} (${game.awayTeamId} at ${game.homeTeamId})`,
      );
    }
  }
  return undefined;
}

/** The failure when the game a payload names (in `field`) is not the one requested, else undefined. */
export function otherGame(requested: GameId, named: string, field: string): LegacyFailure | undefined {
  return named === requested
    ? undefined
    : identityMismatch(`${field} is ${named}, not the requested ${requested}`);
}
