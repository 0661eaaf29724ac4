-- Coverage for the legacy endpoints and the hybrid advanced box score.
--
-- `unavailable`: the endpoint answered "not published yet" (the hustle XML feeds' 403 and 404). The
-- game is not covered and a later run asks again; it is not a failure.
ALTER TABLE nba_ingest.coverage DROP CONSTRAINT coverage_status_check;
ALTER TABLE nba_ingest.coverage ADD CONSTRAINT coverage_status_check
  CHECK (status IN ('complete', 'empty', 'failed', 'unavailable'));

-- A season-wide dataset that is not scoped by team (season aggregates): the season's rows as of
-- `final_games` final games. A later final game makes it stale, so it is fetched again.
CREATE TABLE nba_ingest.season_coverage (
  dataset      text NOT NULL,
  season_label text NOT NULL,
  season_type  text NOT NULL,
  final_games  int NOT NULL CHECK (final_games >= 0),
  status       text NOT NULL CHECK (status IN ('complete', 'failed')),
  row_count    int NOT NULL,
  content_hash text,
  reason       text,
  fetched_at   timestamptz NOT NULL,
  run_id       bigint REFERENCES nba_ingest.runs (run_id),
  PRIMARY KEY (dataset, season_label, season_type)
);

-- The advanced box score holds the traditional box score's whole roster: the Query Tool answers only
-- for players who played, so every other roster player gets a placeholder row (identity and minutes
-- from the traditional row, stats NULL, no raw stats).
ALTER TABLE nba.boxscores_advanced ADD COLUMN is_placeholder boolean NOT NULL DEFAULT false;
ALTER TABLE nba.boxscores_advanced ALTER COLUMN advanced_stats_json DROP NOT NULL;
ALTER TABLE nba.boxscores_advanced ADD CONSTRAINT boxscores_advanced_raw_stats_check
  CHECK (is_placeholder OR advanced_stats_json IS NOT NULL);
COMMENT ON COLUMN nba.boxscores_advanced.is_placeholder IS
  'a roster player of the traditional box score the Query Tool has no row for (did not play): stats NULL';
