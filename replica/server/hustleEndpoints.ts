// The hustle XML feeds, files named by game under `/api/hustlestats/` (case-sensitive, as upstream):
// `{gameId}_hustlestats.xml` (players' and teams' counters) and `{gameId}_HustleStatsGameEvents.xml`
// (the events behind them), from legacyHustle. Like upstream's storage, a file that is not there
// answers an XML error: 404 for a game that is unknown or not final, and for any other file name (a
// wrong case included), and for the games of the latest `hustleUnavailableDays` dates with games
// final by now (the feed publishes later) 403 and 404 by turns, latest date first.
import { XMLBuilder } from 'fast-xml-parser';
import { attendanceOf, gameDurationMinutes } from '../generators/legacyGameFacts.ts';
import {
  HUSTLE_COUNTERS,
  HUSTLE_EVENT_TYPES,
  type HustleCounters,
  type HustleTeam,
  legacyHustle,
} from '../generators/legacyHustle.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { bodyFixture, type Endpoint, type EndpointContext, finalGame, pathGameId } from './endpoint.ts';
import { HUSTLE_FEED_KEYS, HUSTLE_PATH, pathKey } from './endpointKeys.ts';
import { gameTimes } from './gameTimes.ts';
import { type Reply, xmlReply } from './reply.ts';

const xml = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
});
const DECLARATION = { '@_version': '1.0', '@_encoding': 'utf-8' };
/** The audit of a game's hustle stats ends this long after its final buzzer. */
const AUDIT_DELAY_MS = 3 * 3600 * 1000;

/** What a feed makes of a final game: the document and the rows it carries (for the latency model). */
type FeedDocument = (season: SeasonIndex, game: Game, seed: number) => { document: object; rows: number };

function hustleFeed(key: string, suffix: string, render: FeedDocument): Endpoint {
  const endpoint: Endpoint = {
    path: HUSTLE_PATH,
    pathPattern: new RegExp(`^${HUSTLE_PATH}/(?<gameId>\\d{10})${suffix.replace('.', '\\.')}$`),
    keyOf: () => key,
    async handle(request, context) {
      const gameId = pathGameId(endpoint, request.path) ?? '';
      const fixture = await bodyFixture(context, request.endpointKey, gameId, 'xml');
      if (fixture) return fixture;
      const fileName = `${gameId}${suffix}`;
      const game = finalGame(context, gameId);
      if (!game) return storageError(404, fileName);
      const withheld = notPublishedYet(context, game);
      if (withheld) return storageError(withheld, fileName);
      const { document, rows } = render(context.season, game, context.state.seedOf(game));
      return xmlReply(200, xml.build({ '?xml': DECLARATION, ...document }), rows);
    },
  };
  return endpoint;
}

/**
 * 403 or 404 for a game of one of the latest `hustleUnavailableDays` dates with final games (403 on
 * the latest, then by turns); undefined once its file is published.
 */
function notPublishedYet(context: EndpointContext, game: Game): 403 | 404 | undefined {
  const days = context.options.hustleUnavailableDays;
  if (days === 0) return undefined;
  const finalDates = [...new Set(context.state.finalGames().games.map((final) => final.date))];
  const latest = finalDates.sort().reverse().slice(0, days);
  const index = latest.indexOf(game.date);
  if (index < 0) return undefined;
  return index % 2 === 0 ? 403 : 404;
}

/** The error document of upstream's file storage (S3): AccessDenied for 403, NoSuchKey for 404. */
function storageError(status: 403 | 404, fileName: string): Reply {
  const error =
    status === 403
      ? { Code: 'AccessDenied', Message: 'Access Denied' }
      : { Code: 'NoSuchKey', Message: 'The specified key does not exist.', Key: fileName };
  return xmlReply(status, xml.build({ '?xml': DECLARATION, Error: error }));
}

const counterAttributes = (counters: HustleCounters) =>
  Object.fromEntries(HUSTLE_COUNTERS.map((name) => [`@_${name}`, counters[name]]));

function boxScoreDocument(season: SeasonIndex, game: Game, seed: number) {
  const hustle = legacyHustle(season, game, seed);
  const times = gameTimes(game);
  const arena = season.teamsById.get(game.home.teamId)?.arena;
  const duration = gameDurationMinutes(game);
  const team = (entry: HustleTeam) => {
    const info = season.teamsById.get(entry.side.teamId);
    return {
      '@_Team_id': entry.side.teamId,
      '@_Team_city': info?.city ?? '',
      '@_Team_abr': info?.abbreviation ?? '',
      '@_Team_name': info?.nickname ?? '',
      Player: entry.players.map((player) => {
        // Upstream's player rows carry the box-out share between PTSOFFSA and FORCEDTOV.
        const { '@_FORCEDTOV': forced, ...counters } = counterAttributes(player.counters);
        return {
          '@_Person_id': player.player.id,
          '@_Jersey_number': player.player.jerseyNum,
          '@_First_Name': player.player.firstName,
          '@_Last_Name': player.player.lastName,
          '@_BoxScoreOrder': player.boxScoreOrder,
          ...counters,
          '@_PCTBOXOUTSTMREB': player.boxOutTeamReboundPct,
          '@_FORCEDTOV': forced,
        };
      }),
    };
  };
  const document = {
    HustleStatsBoxScore: {
      '@_Game_id': game.id,
      '@_AuditCompletedOn': auditCompletedOn(game),
      '@_Game_date': `${game.date.slice(5, 7)}/${game.date.slice(8, 10)}/${game.date.slice(0, 4)}`,
      '@_Game_time': clockTime(times.gameTimeEst),
      '@_Game_time_UTC': times.gameDateTimeUTC,
      '@_Attendance': attendanceOf(game).attendance,
      '@_Duration': `${Math.floor(duration / 60)}:${String(duration % 60).padStart(2, '0')}`,
      '@_Arena_name': arena?.name ?? '',
      '@_Location': arena ? `${arena.city}, ${arena.state}` : '',
      Player_Stats: { Team: hustle.teams.map(team) },
      Team_Stats: {
        Team_Stats: hustle.teams.map((entry) => ({
          '@_Team_id': entry.side.teamId,
          ...counterAttributes(entry.totals),
        })),
      },
    },
  };
  return { document, rows: hustle.teams.reduce((sum, entry) => sum + entry.players.length, 0) };
}

function eventsDocument(season: SeasonIndex, game: Game, seed: number) {
  const { events } = legacyHustle(season, game, seed);
  const document = {
    HustleStatsEvents: {
      '@_GameID': game.id,
      '@_AuditCompletedOn': auditCompletedOn(game),
      Event: events.map((event) => {
        const player = season.playersById.get(event.personId);
        const type = HUSTLE_EVENT_TYPES[event.kind];
        return {
          '@_EventNumber': event.eventNumber,
          '@_EventType': type.code,
          '@_ActionType': event.actionType,
          '@_Period': event.period,
          '@_GameClock': event.gameClock,
          '@_PlayerID': event.personId,
          '@_Player': player ? [player.firstName, player.lastName].filter(Boolean).join(' ') : '',
          '@_TeamID': event.side.teamId,
          '@_Team': season.teamsById.get(event.side.teamId)?.abbreviation ?? '',
          '@_Description': type.description,
          '@_BoxOutType': event.boxOutType,
          '@_PointsOffScreenAssists': event.pointsOffScreenAssist ?? '',
          '@_LooseBallRecoveryType': event.looseBallRecoveryType,
          '@_ReboundAfterBoxOut':
            event.reboundAfterBoxOut === null ? '' : event.reboundAfterBoxOut ? '1' : '0',
        };
      }),
    },
  };
  return { document, rows: events.length };
}

/** When the hustle audit of a game ended: a few hours after its final buzzer. */
function auditCompletedOn(game: Game): string {
  const end = Date.parse(gameTimes(game).gameDateTimeUTC) + gameDurationMinutes(game) * 60_000;
  return new Date(end + AUDIT_DELAY_MS).toISOString().slice(0, 19);
}

/** "1900-01-01T19:30:00Z" → "7:30 PM". */
function clockTime(time: string): string {
  const hour = Number(time.slice(11, 13));
  return `${hour % 12 === 0 ? 12 : hour % 12}:${time.slice(14, 16)} ${hour >= 12 ? 'PM' : 'AM'}`;
}

export const hustleBoxScoreEndpoint = hustleFeed(HUSTLE_FEED_KEYS.box, '_hustlestats.xml', boxScoreDocument);
export const hustleEventsEndpoint = hustleFeed(
  HUSTLE_FEED_KEYS.events,
  '_HustleStatsGameEvents.xml',
  eventsDocument,
);

/** Any other file of the folder (a misspelled or wrong-case name): the storage's 404. */
export const hustleFolderEndpoint: Endpoint = {
  path: HUSTLE_PATH,
  pathPattern: new RegExp(`^${HUSTLE_PATH}/[^/]+$`),
  keyOf: () => pathKey(HUSTLE_PATH),
  handle: async (request) => storageError(404, request.path.slice(HUSTLE_PATH.length + 1)),
};
