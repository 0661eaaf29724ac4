-- The per-game tables of the legacy endpoints, one call per game each: the traditional box score
-- (/api/stats/boxscore, every roster player and the two teams), play-by-play (/api/stats/pbp),
-- players on court (/api/stats/poc) and the hustle XML feeds (box score and events). Play-by-play,
-- players on court and hustle events are typed rows, not one JSON blob per game. Minutes are decimal
-- minutes, clocks seconds remaining in the period, *_pct columns fractions 0-1, counters whole
-- numbers. A value outside its unit is stored as NULL and quarantined at parse time, never rescaled;
-- the CHECKs are a backstop exactly as wide as the parser's ranges. A refetch replaces a game's rows.

CREATE TABLE nba.boxscores_traditional (
  game_id                 text NOT NULL REFERENCES nba.games (game_id),
  nba_id                  int NOT NULL REFERENCES nba.players (nba_id),
  team_id                 int NOT NULL REFERENCES nba.teams (team_id),
  player_name             text,
  season_year             int NOT NULL,
  season_label            text NOT NULL,
  season_type             text NOT NULL,
  status                  text,
  not_playing_reason      text,
  not_playing_description text,
  order_sequence          int CHECK (order_sequence >= 0),
  jersey_num              text,
  position                text,
  is_starter              boolean,
  is_on_court             boolean,
  played                  boolean,
  minutes                 numeric(8, 2) CHECK (minutes >= 0),
  pts                     int CHECK (pts >= 0),
  fgm                     int CHECK (fgm >= 0),
  fga                     int CHECK (fga >= 0),
  fg_pct                  numeric(6, 5) CHECK (fg_pct BETWEEN 0 AND 1),
  fg3m                    int CHECK (fg3m >= 0),
  fg3a                    int CHECK (fg3a >= 0),
  fg3_pct                 numeric(6, 5) CHECK (fg3_pct BETWEEN 0 AND 1),
  ftm                     int CHECK (ftm >= 0),
  fta                     int CHECK (fta >= 0),
  ft_pct                  numeric(6, 5) CHECK (ft_pct BETWEEN 0 AND 1),
  oreb                    int CHECK (oreb >= 0),
  dreb                    int CHECK (dreb >= 0),
  reb                     int CHECK (reb >= 0),
  ast                     int CHECK (ast >= 0),
  stl                     int CHECK (stl >= 0),
  blk                     int CHECK (blk >= 0),
  tov                     int CHECK (tov >= 0),
  pf                      int CHECK (pf >= 0),
  fouls_drawn             int CHECK (fouls_drawn >= 0),
  plus_minus              numeric,
  fg2m                    int CHECK (fg2m >= 0),
  fg2a                    int CHECK (fg2a >= 0),
  fg2_pct                 numeric(6, 5) CHECK (fg2_pct BETWEEN 0 AND 1),
  traditional_stats_json  jsonb NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, nba_id),
  CONSTRAINT boxscores_traditional_no_minutes_unless_played CHECK (played IS DISTINCT FROM false OR minutes IS NULL)
);
COMMENT ON TABLE nba.boxscores_traditional IS
  'Legacy /api/stats/boxscore measureType=Traditional: every roster player of both teams, including those who did not play (inactive, DNP), with the roster facts the Query Tool does not have';
COMMENT ON COLUMN nba.boxscores_traditional.status IS 'status as sent: ACTIVE or INACTIVE';
COMMENT ON COLUMN nba.boxscores_traditional.not_playing_reason IS 'notPlayingReason, e.g. INACTIVE_INJURY, INACTIVE_COACH, DNP_COACH; NULL when he played';
COMMENT ON COLUMN nba.boxscores_traditional.not_playing_description IS 'notPlayingDescription, e.g. the injury';
COMMENT ON COLUMN nba.boxscores_traditional.order_sequence IS 'order: his place in the box score, starters first';
COMMENT ON COLUMN nba.boxscores_traditional.is_starter IS 'starter ("0"/"1")';
COMMENT ON COLUMN nba.boxscores_traditional.is_on_court IS 'oncourt ("0"/"1"): on the floor when the box score was taken (at the final buzzer for a final game)';
COMMENT ON COLUMN nba.boxscores_traditional.played IS 'played ("0"/"1")';
COMMENT ON COLUMN nba.boxscores_traditional.minutes IS 'decimal minutes played (statistics.minutes, an ISO duration such as PT34M12.00S = 34.2); NULL = did not play, whatever duration was sent, while 0 is a player who checked in for no time';
COMMENT ON COLUMN nba.boxscores_traditional.fg_pct IS 'field-goal percentage, a fraction 0-1 (fieldGoalsPercentage); fg3_pct and ft_pct likewise';
COMMENT ON COLUMN nba.boxscores_traditional.plus_minus IS 'points scored minus allowed while on court (plusMinusPoints)';
COMMENT ON COLUMN nba.boxscores_traditional.fg2m IS 'derived: fgm - fg3m; fg2a is fga - fg3a';
COMMENT ON COLUMN nba.boxscores_traditional.fg2_pct IS 'derived: fg2m / fg2a, a fraction 0-1; NULL without two-point attempts';
COMMENT ON COLUMN nba.boxscores_traditional.traditional_stats_json IS 'the raw statistics object of the player, as received';
CREATE INDEX boxscores_traditional_nba_id_idx ON nba.boxscores_traditional (nba_id);
CREATE INDEX boxscores_traditional_team_id_idx ON nba.boxscores_traditional (team_id);
CREATE INDEX boxscores_traditional_season_idx ON nba.boxscores_traditional (season_year, season_type);

CREATE TABLE nba.boxscores_traditional_team (
  game_id                text NOT NULL REFERENCES nba.games (game_id),
  team_id                int NOT NULL REFERENCES nba.teams (team_id),
  season_year            int NOT NULL,
  season_label           text NOT NULL,
  season_type            text NOT NULL,
  minutes                numeric(8, 2) CHECK (minutes >= 0),
  points                 int CHECK (points >= 0),
  fgm                    int CHECK (fgm >= 0),
  fga                    int CHECK (fga >= 0),
  fg_pct                 numeric(6, 5) CHECK (fg_pct BETWEEN 0 AND 1),
  fg3m                   int CHECK (fg3m >= 0),
  fg3a                   int CHECK (fg3a >= 0),
  fg3_pct                numeric(6, 5) CHECK (fg3_pct BETWEEN 0 AND 1),
  ftm                    int CHECK (ftm >= 0),
  fta                    int CHECK (fta >= 0),
  ft_pct                 numeric(6, 5) CHECK (ft_pct BETWEEN 0 AND 1),
  oreb                   int CHECK (oreb >= 0),
  dreb                   int CHECK (dreb >= 0),
  reb                    int CHECK (reb >= 0),
  ast                    int CHECK (ast >= 0),
  stl                    int CHECK (stl >= 0),
  blk                    int CHECK (blk >= 0),
  tov                    int CHECK (tov >= 0),
  pf                     int CHECK (pf >= 0),
  fouls_technical        int CHECK (fouls_technical >= 0),
  fouls_team             int CHECK (fouls_team >= 0),
  fouls_team_technical   int CHECK (fouls_team_technical >= 0),
  fouls_drawn            int CHECK (fouls_drawn >= 0),
  plus_minus             numeric,
  pts_fast_break         int CHECK (pts_fast_break >= 0),
  pts_paint              int CHECK (pts_paint >= 0),
  pts_2nd_chance         int CHECK (pts_2nd_chance >= 0),
  bench_pts              int CHECK (bench_pts >= 0),
  biggest_lead           int CHECK (biggest_lead >= 0),
  biggest_scoring_run    int CHECK (biggest_scoring_run >= 0),
  lead_changes           int CHECK (lead_changes >= 0),
  times_tied             int CHECK (times_tied >= 0),
  ast_tov_ratio          numeric CHECK (ast_tov_ratio >= 0),
  tov_team               int CHECK (tov_team >= 0),
  tov_total              int CHECK (tov_total >= 0),
  reb_team               int CHECK (reb_team >= 0),
  reb_personal           int CHECK (reb_personal >= 0),
  fg2m                   int CHECK (fg2m >= 0),
  fg2a                   int CHECK (fg2a >= 0),
  fg2_pct                numeric(6, 5) CHECK (fg2_pct BETWEEN 0 AND 1),
  traditional_stats_json jsonb NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, team_id)
);
COMMENT ON TABLE nba.boxscores_traditional_team IS
  'Legacy /api/stats/boxscore measureType=Traditional: the statistics of each of the two teams';
COMMENT ON COLUMN nba.boxscores_traditional_team.minutes IS 'team minutes (statistics.minutes, an ISO duration): 240 in regulation plus 25 per overtime';
COMMENT ON COLUMN nba.boxscores_traditional_team.fg_pct IS 'field-goal percentage, a fraction 0-1 (fieldGoalsPercentage); fg3_pct and ft_pct likewise';
COMMENT ON COLUMN nba.boxscores_traditional_team.ast_tov_ratio IS 'assists per turnover (assistsTurnoverRatio); unbounded';
COMMENT ON COLUMN nba.boxscores_traditional_team.tov_team IS 'turnovers charged to the team, not a player (turnoversTeam); tov_total includes them';
COMMENT ON COLUMN nba.boxscores_traditional_team.reb_team IS 'team rebounds, credited to no player (reboundsTeam); reb_personal are the players''';
COMMENT ON COLUMN nba.boxscores_traditional_team.fg2m IS 'derived: fgm - fg3m; fg2a is fga - fg3a';
COMMENT ON COLUMN nba.boxscores_traditional_team.fg2_pct IS 'derived: fg2m / fg2a, a fraction 0-1; NULL without two-point attempts';
COMMENT ON COLUMN nba.boxscores_traditional_team.traditional_stats_json IS 'the raw statistics object of the team, as received';
CREATE INDEX boxscores_traditional_team_team_id_idx ON nba.boxscores_traditional_team (team_id);
CREATE INDEX boxscores_traditional_team_season_idx ON nba.boxscores_traditional_team (season_year, season_type);

CREATE TABLE nba.play_by_play (
  game_id       text NOT NULL REFERENCES nba.games (game_id),
  action_number int NOT NULL CHECK (action_number >= 0),
  order_number  bigint CHECK (order_number >= 0),
  period        int NOT NULL CHECK (period BETWEEN 1 AND 10),
  period_type   text,
  clock         numeric(10, 3) NOT NULL CHECK (clock BETWEEN 0 AND 720),
  time_actual   timestamptz,
  team_id       int REFERENCES nba.teams (team_id),
  team_tricode  text,
  person_id     int REFERENCES nba.players (nba_id),
  action_type   text NOT NULL,
  sub_type      text,
  descriptor    text,
  qualifiers    text[],
  x             numeric,
  y             numeric,
  shot_distance numeric CHECK (shot_distance >= 0),
  shot_result   text,
  is_field_goal boolean,
  score_home    int CHECK (score_home >= 0),
  score_away    int CHECK (score_away >= 0),
  description   text,
  action        jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, action_number)
);
COMMENT ON TABLE nba.play_by_play IS
  'Legacy /api/stats/pbp: one row per action of every period, overtimes included';
COMMENT ON COLUMN nba.play_by_play.action_number IS 'actionNumber: the action''s id within the game; numbers are skipped, not reused';
COMMENT ON COLUMN nba.play_by_play.order_number IS 'orderNumber: sorts the actions in the order they happened (an action inserted later sorts where it belongs)';
COMMENT ON COLUMN nba.play_by_play.period_type IS 'periodType: REGULAR or OVERTIME';
COMMENT ON COLUMN nba.play_by_play.clock IS 'seconds remaining in the period (clock, an ISO duration such as PT11M58.00S = 718)';
COMMENT ON COLUMN nba.play_by_play.time_actual IS 'timeActual: wall-clock time of the action';
COMMENT ON COLUMN nba.play_by_play.team_id IS 'teamId; absent or 0 (no team, e.g. a period start) is NULL';
COMMENT ON COLUMN nba.play_by_play.person_id IS 'personId; 0 (no player, e.g. a team rebound or a timeout) is NULL';
COMMENT ON COLUMN nba.play_by_play.x IS 'x as sent: the live feed''s court position, a percentage 0-100 of the court''s length';
COMMENT ON COLUMN nba.play_by_play.y IS 'y as sent: a percentage 0-100 of the court''s width';
COMMENT ON COLUMN nba.play_by_play.shot_distance IS 'shotDistance in feet';
COMMENT ON COLUMN nba.play_by_play.shot_result IS 'shotResult: Made or Missed, on shots and free throws';
COMMENT ON COLUMN nba.play_by_play.is_field_goal IS 'isFieldGoal (0/1)';
COMMENT ON COLUMN nba.play_by_play.score_home IS 'home score after the action (scoreHome, sent as text); score_away likewise';
COMMENT ON COLUMN nba.play_by_play.action IS 'the action as received, with the fields that have no column (assist, steal, block and foul ids, legacy coordinates, ...)';
CREATE INDEX play_by_play_person_id_idx ON nba.play_by_play (person_id);
CREATE INDEX play_by_play_team_id_idx ON nba.play_by_play (team_id);
CREATE INDEX play_by_play_action_type_idx ON nba.play_by_play (action_type);

CREATE TABLE nba.players_on_court (
  game_id    text NOT NULL REFERENCES nba.games (game_id),
  event_num  int NOT NULL CHECK (event_num >= 0),
  team_id    int NOT NULL REFERENCES nba.teams (team_id),
  person_id  int NOT NULL REFERENCES nba.players (nba_id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, event_num, team_id, person_id)
);
COMMENT ON TABLE nba.players_on_court IS
  'Legacy /api/stats/poc: the players on court at each event, one row per player (ten per event), from upstream''s plus/minus snapshots';
COMMENT ON COLUMN nba.players_on_court.event_num IS 'event_Num: the play-by-play event (actionNumber)';
CREATE INDEX players_on_court_person_id_idx ON nba.players_on_court (person_id);
CREATE INDEX players_on_court_team_id_idx ON nba.players_on_court (team_id);

CREATE TABLE nba.hustle_stats (
  game_id                          text NOT NULL REFERENCES nba.games (game_id),
  nba_id                           int NOT NULL REFERENCES nba.players (nba_id),
  team_id                          int NOT NULL REFERENCES nba.teams (team_id),
  contested_field_goals            int CHECK (contested_field_goals >= 0),
  contested_2pt_field_goals        int CHECK (contested_2pt_field_goals >= 0),
  contested_3pt_field_goals        int CHECK (contested_3pt_field_goals >= 0),
  deflections                      int CHECK (deflections >= 0),
  loose_balls_recovered            int CHECK (loose_balls_recovered >= 0),
  loose_balls_recovered_offensive  int CHECK (loose_balls_recovered_offensive >= 0),
  loose_balls_recovered_defensive  int CHECK (loose_balls_recovered_defensive >= 0),
  charges_drawn                    int CHECK (charges_drawn >= 0),
  screen_assists                   int CHECK (screen_assists >= 0),
  screen_assists_pts               int CHECK (screen_assists_pts >= 0),
  boxouts                          int CHECK (boxouts >= 0),
  boxouts_offensive                int CHECK (boxouts_offensive >= 0),
  boxouts_defensive                int CHECK (boxouts_defensive >= 0),
  forced_turnovers                 int CHECK (forced_turnovers >= 0),
  hustle_stats_json                jsonb NOT NULL,
  created_at                       timestamptz NOT NULL DEFAULT now(),
  updated_at                       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, nba_id)
);
COMMENT ON TABLE nba.hustle_stats IS
  'Hustle XML {gameId}_hustlestats.xml, Player elements: each player''s hustle counters, whole numbers';
COMMENT ON COLUMN nba.hustle_stats.contested_field_goals IS 'shots contested (CFG); contested_2pt_ and contested_3pt_field_goals split them (C2FG, C3FG)';
COMMENT ON COLUMN nba.hustle_stats.loose_balls_recovered IS 'loose balls recovered (LBR); _offensive and _defensive split them (OLBR, DLBR)';
COMMENT ON COLUMN nba.hustle_stats.charges_drawn IS 'offensive fouls drawn (CHG_DR)';
COMMENT ON COLUMN nba.hustle_stats.screen_assists IS 'screens that led directly to a made field goal (SA)';
COMMENT ON COLUMN nba.hustle_stats.screen_assists_pts IS 'points scored off his screen assists (PTSOFFSA)';
COMMENT ON COLUMN nba.hustle_stats.boxouts IS 'box-outs (BOXOUTS); _offensive and _defensive split them (OBOXOUTS, DBOXOUTS)';
COMMENT ON COLUMN nba.hustle_stats.forced_turnovers IS 'turnovers forced (FORCEDTOV)';
COMMENT ON COLUMN nba.hustle_stats.hustle_stats_json IS 'the Player element''s attributes as received, all text (the box-out rebound percentage included)';
CREATE INDEX hustle_stats_nba_id_idx ON nba.hustle_stats (nba_id);
CREATE INDEX hustle_stats_team_id_idx ON nba.hustle_stats (team_id);

CREATE TABLE nba.hustle_stats_team (
  game_id                          text NOT NULL REFERENCES nba.games (game_id),
  team_id                          int NOT NULL REFERENCES nba.teams (team_id),
  contested_field_goals            int CHECK (contested_field_goals >= 0),
  contested_2pt_field_goals        int CHECK (contested_2pt_field_goals >= 0),
  contested_3pt_field_goals        int CHECK (contested_3pt_field_goals >= 0),
  deflections                      int CHECK (deflections >= 0),
  loose_balls_recovered            int CHECK (loose_balls_recovered >= 0),
  loose_balls_recovered_offensive  int CHECK (loose_balls_recovered_offensive >= 0),
  loose_balls_recovered_defensive  int CHECK (loose_balls_recovered_defensive >= 0),
  charges_drawn                    int CHECK (charges_drawn >= 0),
  screen_assists                   int CHECK (screen_assists >= 0),
  screen_assists_pts               int CHECK (screen_assists_pts >= 0),
  boxouts                          int CHECK (boxouts >= 0),
  boxouts_offensive                int CHECK (boxouts_offensive >= 0),
  boxouts_defensive                int CHECK (boxouts_defensive >= 0),
  forced_turnovers                 int CHECK (forced_turnovers >= 0),
  hustle_stats_json                jsonb NOT NULL,
  created_at                       timestamptz NOT NULL DEFAULT now(),
  updated_at                       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, team_id)
);
COMMENT ON TABLE nba.hustle_stats_team IS
  'Hustle XML {gameId}_hustlestats.xml, the inner Team_Stats elements: each team''s totals of the same counters as nba.hustle_stats';
COMMENT ON COLUMN nba.hustle_stats_team.hustle_stats_json IS 'the Team_Stats element''s attributes as received, all text';
CREATE INDEX hustle_stats_team_team_id_idx ON nba.hustle_stats_team (team_id);

CREATE TABLE nba.hustle_events (
  game_id      text NOT NULL REFERENCES nba.games (game_id),
  ordinal      int NOT NULL CHECK (ordinal >= 1),
  event_number int NOT NULL CHECK (event_number >= 0),
  event_type   int NOT NULL CHECK (event_type >= 0),
  action_type  int CHECK (action_type >= 0),
  period       int NOT NULL CHECK (period BETWEEN 1 AND 10),
  game_clock   numeric(10, 3) NOT NULL CHECK (game_clock BETWEEN 0 AND 720),
  player_id    int REFERENCES nba.players (nba_id),
  player_name  text,
  team_id      int REFERENCES nba.teams (team_id),
  description  text,
  attributes   jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (game_id, ordinal)
);
COMMENT ON TABLE nba.hustle_events IS
  'Hustle XML {gameId}_HustleStatsGameEvents.xml: one row per Event element. Several events can share one play, so EventNumber is no key; a game''s events are replaced as a set';
COMMENT ON COLUMN nba.hustle_events.ordinal IS 'position 1..n of the event in its game, ordered by content (event number, then every attribute): not an upstream id';
COMMENT ON COLUMN nba.hustle_events.event_number IS 'EventNumber: the play-by-play action the event belongs to; several events share one';
COMMENT ON COLUMN nba.hustle_events.event_type IS 'EventType, an integer code of the kind of hustle play';
COMMENT ON COLUMN nba.hustle_events.action_type IS 'ActionType: 2 or 3 for a contested two or three, otherwise 1';
COMMENT ON COLUMN nba.hustle_events.game_clock IS 'seconds remaining in the period (GameClock is sent in tenths of a second)';
COMMENT ON COLUMN nba.hustle_events.player_id IS 'PlayerID; absent, empty or 0 is NULL';
COMMENT ON COLUMN nba.hustle_events.team_id IS 'TeamID; absent, empty or 0 is NULL';
COMMENT ON COLUMN nba.hustle_events.attributes IS 'the Event element''s attributes as received, all text (BoxOutType, PointsOffScreenAssists, LooseBallRecoveryType, ReboundAfterBoxOut, Team, ...)';
CREATE INDEX hustle_events_event_idx ON nba.hustle_events (game_id, event_number);
CREATE INDEX hustle_events_player_id_idx ON nba.hustle_events (player_id);
CREATE INDEX hustle_events_team_id_idx ON nba.hustle_events (team_id);
