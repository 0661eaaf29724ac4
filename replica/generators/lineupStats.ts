// A 5-man lineup's stats objects from its totals: Base (counts, shooting fractions 0–1), Advanced
// (possessions, ratings per 100 possessions, rates as fractions 0–1) and the season PerMode
// conversions. Game and season lineups share these formulas, so a season row is its games' totals
// put through them, and a tiny-minute lineup gets the huge ratings it gets upstream.
import type { LineupBox } from '../skeleton.ts';

/** A lineup's box plus what its opponents rebounded while it was on court (the rebound rates need it). */
export interface LineupTotals extends LineupBox {
  oppOreb: number;
  oppDreb: number;
}

export const LINEUP_MEASURES = ['Base', 'Advanced'] as const;
export type LineupMeasure = (typeof LINEUP_MEASURES)[number];

export const PER_MODES = ['Totals', 'PerGame', 'Per36Minutes', 'Per100Possessions'] as const;
export type PerMode = (typeof PER_MODES)[number];

export interface LineupBaseStats {
  GP: number;
  W: number;
  L: number;
  W_PCT: number;
  /** Decimal minutes. */
  MIN: number;
  FGM: number;
  FGA: number;
  FG_PCT: number;
  FG3M: number;
  FG3A: number;
  FG3_PCT: number;
  FTM: number;
  FTA: number;
  FT_PCT: number;
  OREB: number;
  DREB: number;
  REB: number;
  AST: number;
  TOV: number;
  STL: number;
  BLK: number;
  BLKA: number;
  PF: number;
  PFD: number;
  PTS: number;
  PLUS_MINUS: number;
}

export interface LineupAdvancedStats {
  GP: number;
  W: number;
  L: number;
  MIN: number;
  /** Points scored and allowed per 100 possessions: unbounded for a lineup with a few seconds. */
  OFF_RATING: number;
  DEF_RATING: number;
  NET_RATING: number;
  /** Fractions 0–1. */
  AST_PCT: number;
  /** Assists per turnover (stats.nba.com's lineup name; /game/team says AST_TOV); no turnovers: AST. */
  AST_TO: number;
  /** Assists per 100 plays (FGA + 0.44·FTA + AST + TOV). */
  AST_RATIO: number;
  OREB_PCT: number;
  DREB_PCT: number;
  REB_PCT: number;
  TM_TOV_PCT: number;
  /** Up to 1.5 (every shot a made three), like upstream's. */
  EFG_PCT: number;
  TS_PCT: number;
  USG_PCT: number;
  /** Possessions per 48 minutes. */
  PACE: number;
  POSS: number;
  /** -1 to 1. */
  PIE: number;
}

const round = (value: number, places: number): number => Number(value.toFixed(places));
const share = (part: number, whole: number, places: number): number =>
  whole > 0 ? round(part / whole, places) : 0;

/** FGA + 0.44·FTA − OREB + TOV, one decimal; at least 0.1 once the lineup has played at all. */
export function lineupPossessions(box: LineupBox): number {
  const estimate = box.fga + 0.44 * box.fta - box.oreb + box.tov;
  return round(Math.max(estimate, box.min > 0 ? 0.1 : 0), 1);
}

export function lineupBaseStats(box: LineupBox): LineupBaseStats {
  return {
    GP: box.gp,
    W: box.w,
    L: box.l,
    W_PCT: share(box.w, box.gp, 3),
    MIN: box.min,
    FGM: box.fgm,
    FGA: box.fga,
    FG_PCT: share(box.fgm, box.fga, 3),
    FG3M: box.fg3m,
    FG3A: box.fg3a,
    FG3_PCT: share(box.fg3m, box.fg3a, 3),
    FTM: box.ftm,
    FTA: box.fta,
    FT_PCT: share(box.ftm, box.fta, 3),
    OREB: box.oreb,
    DREB: box.dreb,
    REB: box.reb,
    AST: box.ast,
    TOV: box.tov,
    STL: box.stl,
    BLK: box.blk,
    BLKA: box.blka,
    PF: box.pf,
    PFD: box.pfd,
    PTS: box.pts,
    PLUS_MINUS: box.plusMinus,
  };
}

/**
 * Opponent possessions are taken equal to the lineup's (same minutes on court) and opponent points
 * are PTS − PLUS_MINUS. PIE needs the opponents' whole line, which a lineup row does not carry: it
 * is taken as the lineup's own PIE numerator less the point margin.
 */
export function lineupAdvancedStats(totals: LineupTotals): LineupAdvancedStats {
  const poss = lineupPossessions(totals);
  const offRating = share(100 * totals.pts, poss, 1);
  const defRating = share(100 * (totals.pts - totals.plusMinus), poss, 1);
  const numerator =
    totals.pts +
    totals.fgm +
    totals.ftm -
    totals.fga -
    totals.fta +
    totals.dreb +
    totals.oreb / 2 +
    totals.ast +
    totals.stl +
    totals.blk / 2 -
    totals.pf -
    totals.tov;
  const pieWhole = 2 * numerator - totals.plusMinus;
  return {
    GP: totals.gp,
    W: totals.w,
    L: totals.l,
    MIN: totals.min,
    OFF_RATING: offRating,
    DEF_RATING: defRating,
    NET_RATING: round(offRating - defRating, 1),
    AST_PCT: share(totals.ast, totals.fgm, 3),
    AST_TO: round(totals.ast / Math.max(1, totals.tov), 2),
    AST_RATIO: share(100 * totals.ast, totals.fga + 0.44 * totals.fta + totals.ast + totals.tov, 1),
    OREB_PCT: share(totals.oreb, totals.oreb + totals.oppDreb, 3),
    DREB_PCT: share(totals.dreb, totals.dreb + totals.oppOreb, 3),
    REB_PCT: share(totals.reb, totals.reb + totals.oppOreb + totals.oppDreb, 3),
    TM_TOV_PCT: share(totals.tov, totals.fga + 0.44 * totals.fta + totals.tov, 3),
    EFG_PCT: share(totals.fgm + 0.5 * totals.fg3m, totals.fga, 3),
    TS_PCT: share(totals.pts, 2 * (totals.fga + 0.44 * totals.fta), 3),
    // Five players use every possession of their team while they are on court together.
    USG_PCT: totals.min > 0 ? 1 : 0,
    PACE: share(48 * poss, totals.min, 2),
    POSS: poss,
    PIE: pieWhole > 0 ? Math.min(1, Math.max(-1, round(numerator / pieWhole, 3))) : 0,
  };
}

/** Stats that PerGame, Per36Minutes and Per100Possessions scale; rates, GP, W and L never change. */
const SCALED: Readonly<Record<LineupMeasure, readonly string[]>> = {
  Base: [
    'FGM',
    'FGA',
    'FG3M',
    'FG3A',
    'FTM',
    'FTA',
    'OREB',
    'DREB',
    'REB',
    'AST',
    'TOV',
    'STL',
    'BLK',
    'BLKA',
    'PF',
    'PFD',
    'PTS',
    'PLUS_MINUS',
  ],
  Advanced: ['POSS'],
};

/**
 * The Totals stats in another PerMode, each scaled value rounded to one decimal as stats.nba.com
 * shows them: PerGame is value × 1 / GP (MIN too), Per36Minutes value × 36 / MIN, Per100Possessions
 * value × 100 / POSS (possessions as in Advanced); MIN stays the lineup's total except PerGame, so
 * the scale can be undone. A zero divisor gives 0.
 */
export function inPerMode<Stats extends object>(
  stats: Stats,
  box: LineupBox,
  measure: LineupMeasure,
  perMode: PerMode,
): Stats {
  if (perMode === 'Totals') return stats;
  const [times, per] =
    perMode === 'PerGame'
      ? [1, box.gp]
      : perMode === 'Per36Minutes'
        ? [36, box.min]
        : [100, lineupPossessions(box)];
  const scale = (value: number) => (per > 0 ? round((value * times) / per, 1) : 0);
  const scaled: Record<string, number> = { ...(stats as Record<string, number>) };
  for (const key of SCALED[measure]) {
    const value = scaled[key];
    if (typeof value === 'number') scaled[key] = scale(value);
  }
  if (perMode === 'PerGame') scaled.MIN = scale(box.min);
  return scaled as Stats;
}
