-- One row per 5-man lineup of a team in a game: Query Tool /game/lineups LineupQuantity=5, the Base
-- and Advanced measures side by side, keyed by the five player ids sorted ascending (however the API
-- orders player1..5). Lineups with no minutes are not stored. Minutes are decimal minutes, *_pct
-- columns fractions 0-1 (eFG% and TS% reach 1.5), PIE a fraction -1 to 1, counts whole numbers;
-- ratings, ratios and paces are unbounded numeric, since a lineup of a few seconds has ratings in the
-- thousands. A value outside its unit is stored as NULL and quarantined at parse time, never
-- rescaled; the CHECKs are a backstop exactly as wide as the parser's ranges.
-- player_ids has no foreign key: PostgreSQL cannot reference array elements.
CREATE TABLE nba.lineup_stats_game (
  game_id           text NOT NULL REFERENCES nba.games (game_id),
  team_id           int NOT NULL REFERENCES nba.teams (team_id),
  player_ids        int[] NOT NULL CONSTRAINT lineup_stats_game_player_ids_sorted CHECK (
                      cardinality(player_ids) = 5 AND array_ndims(player_ids) = 1 AND array_position(player_ids, NULL) IS NULL
                      AND player_ids[1] > 0 AND player_ids[1] < player_ids[2] AND player_ids[2] < player_ids[3]
                      AND player_ids[3] < player_ids[4] AND player_ids[4] < player_ids[5]),
  team_abbreviation text,
  game_date         date,
  season_year       int NOT NULL,
  season_label      text NOT NULL,
  season_type       text NOT NULL,
  minutes           numeric CHECK (minutes > 0),
  gp                int CHECK (gp >= 0),
  pts               int CHECK (pts >= 0),
  fgm               int CHECK (fgm >= 0),
  fga               int CHECK (fga >= 0),
  fg_pct            numeric(5, 4) CHECK (fg_pct BETWEEN 0 AND 1),
  fg3m              int CHECK (fg3m >= 0),
  fg3a              int CHECK (fg3a >= 0),
  fg3_pct           numeric(5, 4) CHECK (fg3_pct BETWEEN 0 AND 1),
  ftm               int CHECK (ftm >= 0),
  fta               int CHECK (fta >= 0),
  ft_pct            numeric(5, 4) CHECK (ft_pct BETWEEN 0 AND 1),
  oreb              int CHECK (oreb >= 0),
  dreb              int CHECK (dreb >= 0),
  reb               int CHECK (reb >= 0),
  ast               int CHECK (ast >= 0),
  tov               int CHECK (tov >= 0),
  stl               int CHECK (stl >= 0),
  blk               int CHECK (blk >= 0),
  blka              int CHECK (blka >= 0),
  pf                int CHECK (pf >= 0),
  pfd               int CHECK (pfd >= 0),
  plus_minus        int,
  off_rating        numeric,
  def_rating        numeric,
  net_rating        numeric,
  ast_pct           numeric(5, 4) CHECK (ast_pct BETWEEN 0 AND 1),
  ast_tov           numeric CHECK (ast_tov >= 0),
  ast_ratio         numeric CHECK (ast_ratio >= 0),
  oreb_pct          numeric(5, 4) CHECK (oreb_pct BETWEEN 0 AND 1),
  dreb_pct          numeric(5, 4) CHECK (dreb_pct BETWEEN 0 AND 1),
  reb_pct           numeric(5, 4) CHECK (reb_pct BETWEEN 0 AND 1),
  tm_tov_pct        numeric(5, 4) CHECK (tm_tov_pct BETWEEN 0 AND 1),
  efg_pct           numeric CHECK (efg_pct BETWEEN 0 AND 1.5),
  ts_pct            numeric CHECK (ts_pct BETWEEN 0 AND 1.5),
  usg_pct           numeric(5, 4) CHECK (usg_pct BETWEEN 0 AND 1),
  pace              numeric CHECK (pace >= 0),
  poss              numeric CHECK (poss >= 0),
  pie               numeric(5, 4) CHECK (pie BETWEEN -1 AND 1),
  stats_json        jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, team_id, player_ids)
);
COMMENT ON TABLE nba.lineup_stats_game IS
  'Query Tool /game/lineups LineupQuantity=5, Base and Advanced joined per (game, team, sorted player ids)';
COMMENT ON COLUMN nba.lineup_stats_game.player_ids IS 'the five player ids of the lineup, ascending (player1Id..player5Id in any order)';
COMMENT ON COLUMN nba.lineup_stats_game.minutes IS 'decimal minutes the five were on court together (MIN), above 0';
COMMENT ON COLUMN nba.lineup_stats_game.plus_minus IS 'points scored minus points allowed while on court (PLUS_MINUS)';
COMMENT ON COLUMN nba.lineup_stats_game.off_rating IS 'points scored per 100 possessions on court (OFF_RATING); unbounded';
COMMENT ON COLUMN nba.lineup_stats_game.def_rating IS 'points allowed per 100 possessions on court (DEF_RATING); unbounded';
COMMENT ON COLUMN nba.lineup_stats_game.net_rating IS 'off_rating - def_rating (NET_RATING); negative when outscored';
COMMENT ON COLUMN nba.lineup_stats_game.ast_tov IS 'assists per turnover (AST_TO)';
COMMENT ON COLUMN nba.lineup_stats_game.ast_ratio IS 'assists per 100 plays (AST_RATIO)';
COMMENT ON COLUMN nba.lineup_stats_game.efg_pct IS 'effective FG%, (FGM + 0.5 FG3M) / FGA, 0 to 1.5 (EFG_PCT)';
COMMENT ON COLUMN nba.lineup_stats_game.ts_pct IS 'true shooting, PTS / (2 (FGA + 0.44 FTA)), 0 to 1.5 (TS_PCT)';
COMMENT ON COLUMN nba.lineup_stats_game.pace IS 'possessions per 48 minutes on court (PACE); unbounded';
COMMENT ON COLUMN nba.lineup_stats_game.poss IS 'possessions on court (POSS)';
COMMENT ON COLUMN nba.lineup_stats_game.stats_json IS '{"Base": {...}, "Advanced": {...}}: the raw stats objects of the row, as received';
CREATE INDEX lineup_stats_game_team_idx ON nba.lineup_stats_game (team_id, season_year, season_type);
CREATE INDEX lineup_stats_game_players_idx ON nba.lineup_stats_game USING gin (player_ids);
CREATE INDEX lineup_stats_game_date_idx ON nba.lineup_stats_game (game_date);
