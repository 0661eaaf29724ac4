-- The daemon's record of final games: when it first saw each one final (by upstream's clock, which
-- decides the settle re-fetches), when every dataset of it was first committed, and how many
-- settle re-fetches (stat corrections) are done. A re-fetch is counted once its runs succeeded,
-- so a restarted daemon never forgets one; one cut short is done again.
CREATE TABLE nba_ingest.finals (
  game_id      text PRIMARY KEY REFERENCES nba.games (game_id),
  final_at     timestamptz NOT NULL,
  ingested_at  timestamptz,
  refetches    smallint NOT NULL DEFAULT 0 CHECK (refetches >= 0),
  refetched_at timestamptz,
  -- A re-fetch that failed or was cut short: asked again a while later, not on every poll.
  tried_at     timestamptz
);
CREATE INDEX finals_refetch_idx ON nba_ingest.finals (refetches, final_at);
