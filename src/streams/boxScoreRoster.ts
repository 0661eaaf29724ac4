// The hybrid box score's one rule: nba.boxscores_advanced holds exactly the roster of the traditional
// box score. The Query Tool's Advanced answer has only players who played, so every other roster
// player gets a placeholder row (identity and minutes from the traditional row, stats NULL). Both the
// traditional and the advanced dataset run these statements in the transaction that writes a game,
// so the rule holds whichever is loaded first, in one run or in two.
import type { WriteHooks } from '../sinks/batchWriter.ts';

/** The advanced box score's dataset name, whose coverage says a game's Query Tool rows are in. */
export const ADVANCED_BOX = 'advanced_box';

/**
 * Run in a game's transaction with the batch's game ids as `$1`:
 * - before anything is written, per-game advisory locks, taken in order: a traditional and an
 *   advanced transaction on the same game then run one after the other, so neither misses the
 *   other's rows (which would leave the roster short) and neither waits on rows the other holds
 *   while holding a lock the other wants (a deadlock);
 * - after the rows, placeholders of players no longer on the traditional roster go, and roster
 *   players without an advanced row get a placeholder (or their placeholder the roster's current
 *   team and minutes) — once the game's advanced rows are in.
 */
export const ROSTER_PARITY: WriteHooks = {
  before: [
    `SELECT pg_advisory_xact_lock(hashtext('nba.boxscores_advanced roster ' || game_id))
     FROM unnest($1::text[]) AS games (game_id) ORDER BY game_id`,
  ],
  after: [
    `DELETE FROM nba.boxscores_advanced AS a
     WHERE a.game_id = ANY($1::text[]) AND a.is_placeholder
       AND NOT EXISTS (SELECT 1 FROM nba.boxscores_traditional AS t
                       WHERE t.game_id = a.game_id AND t.nba_id = a.nba_id)`,
    `INSERT INTO nba.boxscores_advanced AS a
       (game_id, nba_id, team_id, player_name, team_abbreviation, game_date, season_year, season_label,
        season_type, minutes, is_placeholder)
     SELECT t.game_id, t.nba_id, t.team_id, p.full_name, tm.team_tricode, g.game_date, g.season_year,
            g.season_label, g.season_type, t.minutes, true
     FROM nba.boxscores_traditional AS t
     JOIN nba.games AS g ON g.game_id = t.game_id
     LEFT JOIN nba.players AS p ON p.nba_id = t.nba_id
     LEFT JOIN nba.teams AS tm ON tm.team_id = t.team_id
     WHERE t.game_id = ANY($1::text[])
       AND EXISTS (SELECT 1 FROM nba_ingest.coverage AS c
                   WHERE c.dataset = '${ADVANCED_BOX}' AND c.game_id = t.game_id
                     AND c.status IN ('complete', 'empty'))
     ON CONFLICT (game_id, nba_id) DO UPDATE
       SET team_id = EXCLUDED.team_id, team_abbreviation = EXCLUDED.team_abbreviation,
           minutes = EXCLUDED.minutes, updated_at = now()
       WHERE a.is_placeholder
         AND (a.team_id, a.minutes) IS DISTINCT FROM (EXCLUDED.team_id, EXCLUDED.minutes)`,
  ],
};
