// A seeded, made-up season with the real skeleton's shape, for machines without the shared data:
// 30 teams on the real team ids, ~15 players each, and final games on consecutive dates whose box
// totals look like NBA games. Like the real season, some game ids are out of date order.
import { addDays } from '../../src/streams/leagueDay.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide, Player, Skeleton, Team, TeamBox } from './types.ts';

export interface SyntheticOptions {
  seed: number;
  games: number;
}

const FIRST_TEAM_ID = 1610612737;
const OPENING_NIGHT = '2025-10-21';

// [city, nickname, abbreviation, state]: invented, so nobody mistakes synthetic data for real.
const FRANCHISES: ReadonlyArray<readonly [string, string, string, string]> = [
  ['Harbor City', 'Herons', 'HCH', 'Maine'],
  ['Millbrook', 'Foxes', 'MIB', 'Vermont'],
  ['Port Ashby', 'Anchors', 'PAA', 'Delaware'],
  ['Granite Falls', 'Rams', 'GFR', 'New Hampshire'],
  ['Lakeview', 'Loons', 'LKV', 'Michigan'],
  ['Riverton', 'Otters', 'RIV', 'Ohio'],
  ['Cedar Hill', 'Owls', 'CDH', 'Indiana'],
  ['Ironwood', 'Forge', 'IRW', 'Wisconsin'],
  ['Maple Bay', 'Mariners', 'MPB', 'Illinois'],
  ['Stonebridge', 'Knights', 'STB', 'Pennsylvania'],
  ['Palmetto', 'Pelicans', 'PLM', 'South Carolina'],
  ['Coral Springs', 'Currents', 'CRS', 'Florida'],
  ['Magnolia', 'Monarchs', 'MAG', 'Georgia'],
  ['Blue Ridge', 'Bears', 'BLR', 'Virginia'],
  ['Tidewater', 'Tritons', 'TDW', 'North Carolina'],
  ['Silver Peak', 'Summit', 'SVP', 'Colorado'],
  ['Red Mesa', 'Roadrunners', 'RDM', 'Arizona'],
  ['Pine Valley', 'Lumberjacks', 'PNV', 'Oregon'],
  ['Frostburg', 'Wolves', 'FRB', 'Montana'],
  ['Salt Flats', 'Comets', 'SLF', 'Utah'],
  ['Golden Coast', 'Gulls', 'GDC', 'California'],
  ['Sunset Bay', 'Surf', 'SNB', 'California'],
  ['Canyon City', 'Condors', 'CYC', 'Nevada'],
  ['Orchard Park', 'Pioneers', 'ORP', 'Washington'],
  ['Desert Springs', 'Scorpions', 'DSS', 'New Mexico'],
  ['Bayou City', 'Gators', 'BYC', 'Louisiana'],
  ['Prairie View', 'Stallions', 'PRV', 'Texas'],
  ['Lone Oak', 'Rangers', 'LOK', 'Texas'],
  ['Delta Point', 'Riverboats', 'DLP', 'Mississippi'],
  ['Thunder Ridge', 'Storm', 'THR', 'Oklahoma'],
];
const DIVISIONS = ['Atlantic', 'Central', 'Southeast', 'Northwest', 'Pacific', 'Southwest'] as const;
const FIRST_NAMES = [
  'Avery',
  'Blake',
  'Cameron',
  'Dario',
  'Elias',
  'Felix',
  'Gavin',
  'Hugo',
  'Isaac',
  'Jalen',
  'Kai',
  'Luca',
  'Marcus',
  'Nico',
  'Omar',
  'Pierce',
  'Quinn',
  'Rafael',
  'Silas',
  'Theo',
  'Uriel',
  'Victor',
  'Wes',
  'Xavier',
  'Yannick',
  'Zane',
];
const LAST_NAMES = [
  'Abbott',
  'Barrow',
  'Castell',
  'Dunmore',
  'Ellery',
  'Fairbanks',
  'Garrow',
  'Hollis',
  'Ingram',
  'Jessup',
  'Kellerman',
  'Lindqvist',
  'Marlowe',
  'Northcott',
  'Okafor',
  'Pennington',
  'Quarles',
  'Radcliffe',
  'Stroud',
  'Thorne',
  'Underhill',
  'Vance',
  'Whitlock',
  'Yardley',
  'Zeller',
];
// Roster slots: position, share of the team's shots, share of threes among them, assists per game.
const SLOTS: ReadonlyArray<readonly [string, number, number, number]> = [
  ['G', 20, 0.45, 6.5],
  ['F', 17, 0.4, 3.5],
  ['G', 15, 0.48, 4.5],
  ['F-C', 13, 0.25, 2.5],
  ['C', 11, 0.12, 2],
  ['G-F', 9, 0.45, 2.5],
  ['F', 8, 0.4, 1.5],
  ['G', 7, 0.5, 2.5],
  ['C', 6, 0.08, 1],
  ['F', 5, 0.42, 1],
  ['G', 4, 0.5, 1.5],
  ['F', 3, 0.38, 0.5],
  ['C-F', 2, 0.15, 0.5],
  ['G', 1.5, 0.5, 0.5],
  ['F-G', 1, 0.4, 0.3],
];

export function syntheticSkeleton(options: SyntheticOptions): Skeleton {
  const random = new SeededRandom(`synthetic-skeleton:${options.seed}`);
  const teams = FRANCHISES.map(([city, nickname, abbreviation, state], index) =>
    syntheticTeam(index, city, nickname, abbreviation, state),
  );
  const games = syntheticGames(random, teams, options.games).sort(
    (a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id),
  );
  const gamesPlayed = new Map<number, number>();
  for (const game of games) {
    for (const side of [game.home, game.away])
      gamesPlayed.set(side.teamId, (gamesPlayed.get(side.teamId) ?? 0) + 1);
  }
  const players = teams.flatMap((team) => syntheticRoster(random, team, gamesPlayed.get(team.id) ?? 0));
  return { source: 'synthetic', season: '2025-26', leagueId: '00', teams, players, games };
}

function syntheticTeam(
  index: number,
  city: string,
  nickname: string,
  abbreviation: string,
  state: string,
): Team {
  return {
    id: FIRST_TEAM_ID + index,
    abbreviation,
    city,
    nickname,
    fullName: `${city} ${nickname}`,
    slug: nickname.toLowerCase(),
    state,
    yearFounded: 1946 + index * 2,
    conference: index < 15 ? 'East' : 'West',
    division: DIVISIONS[Math.floor(index / 5)] ?? null,
    arena: { name: `${city} Fieldhouse`, city, state },
  };
}

const CUP_FIRST_NUMBER = 1201;
const CUP_GAMES = 30;

function syntheticGames(random: SeededRandom, teams: Team[], total: number): Game[] {
  const schedule: Array<{ date: string; homeId: number; awayId: number }> = [];
  const played = new Map(teams.map((team) => [team.id, 0]));
  for (let day = 0; schedule.length < total; day++) {
    const date = addDays(OPENING_NIGHT, day);
    // The teams with the fewest games play first, so game counts never drift more than one apart: a
    // season of 1,230 games gives every team its 82, as the real schedule does.
    const order = random
      .shuffle(teams.map((team) => team.id))
      .sort((a, b) => (played.get(a) ?? 0) - (played.get(b) ?? 0));
    const gamesToday = Math.min(random.int(5, 12), total - schedule.length);
    for (let pair = 0; pair < gamesToday; pair++) {
      const homeId = order[2 * pair] as number;
      const awayId = order[2 * pair + 1] as number;
      schedule.push({ date, homeId, awayId });
      played.set(homeId, (played.get(homeId) ?? 0) + 1).set(awayId, (played.get(awayId) ?? 0) + 1);
    }
  }
  // Mirror the real season's NBA Cup quirk: 30 mid-season games numbered 0022501201-0022501230,
  // out of date order; the other games are numbered from 1 and skip that block.
  const cupStart = total >= 60 ? Math.floor(total * 0.2) : total;
  const cupEnd = Math.min(total, cupStart + CUP_GAMES);
  let regularNumber = 0;
  let cupNumber = CUP_FIRST_NUMBER - 1;
  const nextRegular = () => {
    regularNumber += 1;
    if (regularNumber === CUP_FIRST_NUMBER) regularNumber += CUP_GAMES;
    return regularNumber;
  };
  return schedule.map(({ date, homeId, awayId }, index) => {
    const number = index >= cupStart && index < cupEnd ? ++cupNumber : nextRegular();
    const periods = random.chance(0.06) ? (random.chance(0.15) ? 6 : 5) : 4;
    const minutes = 240 + 25 * (periods - 4);
    const home = syntheticSide(random, homeId, minutes);
    const away = syntheticSide(random, awayId, minutes);
    if (home.score === away.score) breakTie(home);
    return {
      id: `00225${String(number).padStart(5, '0')}`,
      date,
      status: 3 as const,
      periods,
      neutralSite: false,
      home,
      away,
    };
  });
}

function syntheticSide(random: SeededRandom, teamId: number, minutes: number): GameSide {
  const fga = random.int(75, 100);
  const fg3a = Math.min(random.int(25, 45), fga - 20);
  const fg3m = Math.round(fg3a * random.between(0.28, 0.45));
  const twosTaken = fga - fg3a;
  const fgm = Math.round(twosTaken * random.between(0.46, 0.6)) + fg3m;
  const fta = random.int(12, 30);
  const ftm = Math.round(fta * random.between(0.68, 0.88));
  const oreb = random.int(6, 15);
  const dreb = random.int(28, 40);
  const box: TeamBox = {
    min: minutes,
    fgm,
    fga,
    fg3m,
    fg3a,
    ftm,
    fta,
    oreb,
    dreb,
    reb: oreb + dreb,
    ast: Math.min(fgm, Math.round(fgm * random.between(0.5, 0.7))),
    stl: random.int(4, 11),
    blk: random.int(2, 8),
    tov: random.int(9, 18),
    pf: random.int(14, 24),
    pts: 2 * fgm + fg3m + ftm,
  };
  return { teamId, score: box.pts, box };
}

/** Games end with a winner: one more made free throw for the home side. */
function breakTie(side: GameSide): void {
  side.box.ftm += 1;
  side.box.fta += 1;
  side.box.pts += 1;
  side.score = side.box.pts;
}

function syntheticRoster(random: SeededRandom, team: Team, gamesPlayed: number): Player[] {
  const teamIndex = team.id - FIRST_TEAM_ID;
  return SLOTS.map(([position, usage, threeShare, assistsPerGame], slot) => {
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const gp = gamesPlayed;
    const fga = Math.round(usage * 0.9 * gp);
    const fg3a = Math.round(fga * threeShare);
    const fg3m = Math.round(fg3a * 0.36);
    // Ids are 7 digits, unique by construction (team index and slot), and look nothing like real ones.
    const id = 1900000 + teamIndex * 100 + slot;
    return {
      id,
      firstName,
      lastName,
      slug: `${firstName}-${lastName}-${id}`.toLowerCase(),
      position,
      jerseyNum: String(random.int(0, 55)),
      height: `6-${random.int(1, 11)}`,
      weight: String(random.int(180, 260)),
      country: 'USA',
      lastAffiliation: `${random.pick(LAST_NAMES)} College`,
      draftYear: random.int(2012, 2025),
      draftRound: random.int(1, 2),
      draftNumber: random.int(1, 60),
      rosterStatus: 1,
      fromYear: '2020',
      toYear: '2025',
      teamId: team.id,
      inPlayerIndex: true,
      season: {
        teamId: team.id,
        gp,
        min: gp * Math.max(4, 36 - slot * 2.2),
        fgm: Math.round((fga - fg3a) * 0.52) + fg3m,
        fga,
        fg3m,
        fg3a,
        ast: Math.round(assistsPerGame * gp),
      },
    };
  });
}
