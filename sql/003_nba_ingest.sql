-- The pipeline's own records. Coverage is written in the same transaction as the rows it describes
-- and is what skipping, resuming and `verify` read — never "some row exists".
CREATE SCHEMA IF NOT EXISTS nba_ingest;

CREATE TABLE nba_ingest.runs (
  run_id     bigserial PRIMARY KEY,
  mode       text NOT NULL,
  args       jsonb NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at   timestamptz,
  outcome    text NOT NULL DEFAULT 'running'
             CHECK (outcome IN ('running', 'succeeded', 'partial', 'failed', 'interrupted')),
  exit_code  int,
  host       text,
  pid        int,
  summary    jsonb,
  telemetry  jsonb
);

CREATE TABLE nba_ingest.requests (
  request_id    bigserial PRIMARY KEY,
  run_id        bigint REFERENCES nba_ingest.runs (run_id),
  dataset       text NOT NULL,
  endpoint      text NOT NULL,
  measure       text,
  game_count    int NOT NULL,
  first_game_id text,
  last_game_id  text,
  status        int,
  rows_returned int,
  max_rows      int,
  truncated     boolean NOT NULL DEFAULT false,
  attempt       int NOT NULL,
  error_kind    text CHECK (error_kind IN ('throttled', 'size', 'transient', 'permanent')),
  action        text NOT NULL,
  reason        text,
  duration_ms   numeric(12, 3) NOT NULL,
  requested_at  timestamptz NOT NULL
);
CREATE INDEX requests_run_idx ON nba_ingest.requests (run_id);
CREATE INDEX requests_dataset_idx ON nba_ingest.requests (dataset, endpoint, measure);

CREATE TABLE nba_ingest.coverage (
  dataset      text NOT NULL,
  game_id      text NOT NULL REFERENCES nba.games (game_id),
  status       text NOT NULL CHECK (status IN ('complete', 'empty', 'failed')),
  row_count    int NOT NULL,
  content_hash text,
  reason       text,
  fetched_at   timestamptz NOT NULL,
  run_id       bigint REFERENCES nba_ingest.runs (run_id),
  PRIMARY KEY (dataset, game_id)
);
CREATE INDEX coverage_status_idx ON nba_ingest.coverage (dataset, status);

CREATE TABLE nba_ingest.quarantine (
  quarantine_id bigserial PRIMARY KEY,
  run_id        bigint REFERENCES nba_ingest.runs (run_id),
  dataset       text NOT NULL,
  game_id       text,
  reason        text NOT NULL,
  detail        text,
  payload       jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_run_idx ON nba_ingest.quarantine (run_id);
