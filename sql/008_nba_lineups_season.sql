-- Season-wide 5-man lineups from Query Tool /season/lineups, always team-scoped (TeamId), one row per
-- (season, season type, team, lineup, PerMode) with the Base and the Advanced measures side by side.
-- PerMode scales the counting stats (Totals, PerGame, Per36Minutes, Per100Possessions), so they are
-- decimals here; fractions are 0-1 and ratings unbounded (a lineup of a few seconds has huge ones).
CREATE TABLE nba.lineup_stats_season (
  season_label      text NOT NULL,
  season_type       text NOT NULL,
  season_year       int NOT NULL,
  team_id           int NOT NULL REFERENCES nba.teams (team_id),
  player_ids        int[] NOT NULL CHECK (cardinality(player_ids) = 5),
  per_mode          text NOT NULL
                    CHECK (per_mode IN ('Totals', 'PerGame', 'Per36Minutes', 'Per100Possessions')),
  team_abbreviation text,
  gp                int CHECK (gp >= 0),
  minutes           numeric CHECK (minutes >= 0),
  fgm               numeric,
  fga               numeric,
  fg_pct            numeric(6, 5) CHECK (fg_pct BETWEEN 0 AND 1),
  fg3m              numeric,
  fg3a              numeric,
  fg3_pct           numeric(6, 5) CHECK (fg3_pct BETWEEN 0 AND 1),
  ftm               numeric,
  fta               numeric,
  ft_pct            numeric(6, 5) CHECK (ft_pct BETWEEN 0 AND 1),
  oreb              numeric,
  dreb              numeric,
  reb               numeric,
  ast               numeric,
  tov               numeric,
  stl               numeric,
  blk               numeric,
  pf                numeric,
  pts               numeric,
  plus_minus        numeric,
  off_rating        numeric,
  def_rating        numeric,
  net_rating        numeric,
  ast_pct           numeric(6, 5) CHECK (ast_pct BETWEEN 0 AND 1),
  ast_tov           numeric CHECK (ast_tov >= 0),
  ast_ratio         numeric CHECK (ast_ratio >= 0),
  oreb_pct          numeric(6, 5) CHECK (oreb_pct BETWEEN 0 AND 1),
  dreb_pct          numeric(6, 5) CHECK (dreb_pct BETWEEN 0 AND 1),
  reb_pct           numeric(6, 5) CHECK (reb_pct BETWEEN 0 AND 1),
  tm_tov_pct        numeric(6, 5) CHECK (tm_tov_pct BETWEEN 0 AND 1),
  efg_pct           numeric CHECK (efg_pct BETWEEN 0 AND 1.5),
  ts_pct            numeric CHECK (ts_pct BETWEEN 0 AND 1.5),
  usg_pct           numeric(6, 5) CHECK (usg_pct BETWEEN 0 AND 1),
  pace              numeric CHECK (pace >= 0),
  pie               numeric(6, 5) CHECK (pie BETWEEN -1 AND 1),
  poss              numeric CHECK (poss >= 0),
  stats_json        jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (season_label, season_type, team_id, player_ids, per_mode)
);
COMMENT ON COLUMN nba.lineup_stats_season.player_ids IS 'the five player ids of the lineup, sorted ascending (player1Id..player5Id in any order)';
COMMENT ON COLUMN nba.lineup_stats_season.minutes IS 'decimal minutes (MIN) in the row''s PerMode: totals, per game, per 36 or per 100 possessions';
COMMENT ON COLUMN nba.lineup_stats_season.off_rating IS 'points scored per 100 possessions (OFF_RATING); unbounded for lineups of a few possessions';
COMMENT ON COLUMN nba.lineup_stats_season.stats_json IS '{"Base": {...}, "Advanced": {...}}: the raw stats objects of the row, as received';
CREATE INDEX lineup_stats_season_team_idx ON nba.lineup_stats_season (team_id, season_label, season_type);
CREATE INDEX lineup_stats_season_players_idx ON nba.lineup_stats_season USING gin (player_ids);

-- Coverage of season-wide, team-scoped datasets: one team's rows for a season as of `final_games`
-- final games of that season type. When more games are final, the team's rows are stale and fetched
-- again; until then a rerun makes no call for it.
CREATE TABLE nba_ingest.team_coverage (
  dataset      text NOT NULL,
  season_label text NOT NULL,
  season_type  text NOT NULL,
  team_id      int NOT NULL REFERENCES nba.teams (team_id),
  final_games  int NOT NULL CHECK (final_games >= 0),
  status       text NOT NULL CHECK (status IN ('complete', 'empty', 'failed')),
  row_count    int NOT NULL,
  content_hash text,
  reason       text,
  fetched_at   timestamptz NOT NULL,
  run_id       bigint REFERENCES nba_ingest.runs (run_id),
  PRIMARY KEY (dataset, season_label, season_type, team_id)
);

-- What first_game_id / last_game_id hold: game ids (GameId), or team ids on team-scoped calls (TeamId).
ALTER TABLE nba_ingest.requests ADD COLUMN batch_param text;
